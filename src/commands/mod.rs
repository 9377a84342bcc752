//! The commands: each turns its arguments into the engine's inputs, runs
//! it, and writes what comes back. Helpers they share live here.

mod check;
mod github;
mod rules;
mod scan;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use keyward_engine::baseline::Baseline;
use keyward_engine::config::Config;
use keyward_engine::policy::FailOn;
use keyward_engine::source::files::WalkOptions;
use keyward_verify::VerifyOptions;

use crate::cli::{Cli, Command, CommonArgs, ConfigArgs, VerifyArgs};
use crate::pipeline::{BaselineUse, Settings};

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Check(args) => check::run(args),
        Command::Github(args) => github::run(args),
    }
}

/// Verification options: the defaults, base URLs from the environment only.
fn verify_options(args: &VerifyArgs) -> Result<VerifyOptions> {
    let seconds = |s: f64, name: &str| {
        std::time::Duration::try_from_secs_f64(s)
            .ok()
            .filter(|d| !d.is_zero())
            .with_context(|| format!("--{name} must be a positive number of seconds"))
    };
    let defaults = VerifyOptions::default();
    VerifyOptions {
        concurrency: args.verify_concurrency.max(1) as usize,
        timeout: seconds(args.verify_timeout, "verify-timeout")?,
        deadline: seconds(args.verify_deadline, "verify-deadline")?,
        retry: keyward_verify::retry::RetryPolicy {
            max_retries: args.verify_retries,
            ..defaults.retry
        },
        ..defaults
    }
    .with_env_overrides(|name| std::env::var(name).ok())
    .map_err(anyhow::Error::msg)
}

fn load_config(args: &ConfigArgs, root: &Path) -> Result<Config> {
    Ok(match (&args.config, args.no_config) {
        (_, true) => Config::default(),
        (Some(path), false) => Config::load(path)?,
        (None, false) => Config::discover(root)?,
    })
}

/// The scan settings the common options ask for, with `config`.
fn settings(common: &CommonArgs, config: Config) -> Result<Settings> {
    let baseline = match &common.baseline {
        Some(path) => Some(BaselineUse {
            baseline: Baseline::load(path)?,
            prune_to: common.prune_baseline.then(|| path.clone()),
        }),
        None => None,
    };
    Ok(Settings {
        config,
        baseline,
        verify: match common.verify {
            true => Some(verify_options(&common.verify_options)?),
            false => None,
        },
        fail_on: fail_on(common)?,
    })
}

/// `--fail-on live` decides by what providers say, so it needs `--verify`:
/// without it nothing would ever block.
fn fail_on(common: &CommonArgs) -> Result<FailOn> {
    let fail_on = FailOn::from(common.fail_on);
    if fail_on == FailOn::Live && !common.verify {
        anyhow::bail!(
            "--fail-on live needs --verify: without it no provider confirms anything, and nothing would block"
        );
    }
    Ok(fail_on)
}

fn walk_options(common: &CommonArgs) -> WalkOptions {
    WalkOptions {
        no_ignore: common.no_ignore,
        follow_links: common.follow,
        max_file_size: (common.max_file_size > 0).then_some(common.max_file_size),
        threads: common.threads as usize,
    }
}

fn exit_code(blocking: usize) -> ExitCode {
    if blocking > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
