//! keyward's integration tests, one binary: the real `keyward` executable
//! against trees, git repositories and HTTP servers built at run time.

mod common;
mod config;
mod git;
mod github;
mod layout;
mod regression;
mod sarif;
mod scan;
mod verify;
