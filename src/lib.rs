//! keyward: finds API keys before they reach a git history or a pull request.
//!
//! Data flows one way: sources → detector → findings → verifier → reports.
//! The library never prints; the binary decides what reaches the terminal.
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod baseline;
pub mod config;
pub mod detect;
pub mod error;
pub mod finding;
pub mod github;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod verify;

pub use error::Error;
