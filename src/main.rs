//! The keyward binary: parse arguments, run a command, print, exit.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod check;
mod cli;
mod commands;

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
            eprintln!("keyward: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
