//! keyward's engine: the rule catalog, the detector, the sources that feed
//! it, the findings it makes, and the config and baseline that judge them.
//!
//! Data flows one way: sources → detector → findings. Verification and
//! output live above this crate. The engine never prints: warnings and
//! progress travel back to the caller.
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod base64;
pub mod baseline;
pub mod config;
pub mod detect;
pub mod error;
pub mod finding;
pub mod git;
pub mod path;
pub mod policy;
pub mod rules;
pub mod scan;
pub mod source;
pub mod verdict;

pub use error::Error;
