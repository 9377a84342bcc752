//! `keyward rules`: the active rules, built-in and custom.

use std::process::ExitCode;

use anyhow::Result;

use super::load_config;
use crate::cli::RulesArgs;
use crate::output::{Document, Kind};
use crate::pipeline::detector;

pub fn run(args: RulesArgs) -> Result<ExitCode> {
    args.format.require(Kind::Rules, "rules")?;
    let config = load_config(&args.config, &args.root)?;
    let detector = detector(&config)?;
    crate::term::stdout(&args.format.render(&Document::Rules(detector.rules()))?)?;
    Ok(ExitCode::SUCCESS)
}
