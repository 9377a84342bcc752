//! The keyward binary: parse arguments, run a command, print, exit.
//!
//! Exit status: 0 clean, 1 findings that block, 2 usage or runtime error.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;
mod commands;
mod github;
mod output;
mod pipeline;
mod progress;
mod term;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors.
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            term::error(&e);
            ExitCode::from(2)
        }
    }
}
