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
    term::install_panic_hook();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // A usage error quotes the arguments, which may hold a key.
            term::stderr(term::redact(&e.render().to_string()).trim_end());
            return ExitCode::from(2);
        }
        Err(e) => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
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
