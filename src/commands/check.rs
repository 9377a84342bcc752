//! `keyward check`: test one key the way a "test your API key" page does.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use keyward_engine::config::Config;
use keyward_engine::detect::KeyCheck;
use keyward_engine::verdict::{Reason, Status, Verification};
use keyward_verify::{providers, verify_rounds};

use super::verify_options;
use crate::cli::CheckArgs;
use crate::output::{Document, KeyReport, Kind};
use crate::pipeline::detector;
use crate::term;

/// The most `keyward check` reads from standard input.
const MAX_KEY: u64 = 64 << 10;

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    args.format.require(Kind::Check, "check")?;
    let raw = match &args.env {
        Some(var) => {
            std::env::var(var).with_context(|| format!("environment variable {var} is not set"))?
        }
        None => {
            // A key is short; whatever is longer is not one key.
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_KEY + 1)
                .read_to_end(&mut bytes)
                .context("cannot read the key from standard input")?;
            if bytes.len() as u64 > MAX_KEY {
                bail!(
                    "standard input holds more than {MAX_KEY} bytes: pipe one key, not a file (`keyward scan -` scans a stream)"
                );
            }
            String::from_utf8(bytes).context("the key on standard input is not UTF-8 text")?
        }
    };
    let key = raw.trim();
    if key.is_empty() {
        bail!("no key given: pipe it on standard input or name a variable with --env");
    }
    // `echo "$KEY" |` ends with one newline: that is how a line ends.
    let line = raw
        .strip_suffix("\r\n")
        .or_else(|| raw.strip_suffix('\n'))
        .unwrap_or(&raw);
    if key.len() != line.len() {
        term::warnings([
            "removed whitespace around the key (a pasted newline or space makes a key fail)",
        ]);
    }
    let detector = detector(&Config::default())?;
    let empty = KeyReport {
        redacted: None,
        rule: None,
        invalid: None,
        not_checked: None,
        verification: None,
        meaning: None,
        fix: None,
        latencies_ms: &[],
    };
    let index = match detector.check_key(key.as_bytes()) {
        KeyCheck::Valid(index) => index,
        other => {
            let invalid = match other {
                KeyCheck::Invalid { rule, reject } => format!(
                    "this looks like {} but its format is not valid: {reject}",
                    with_article(detector.rules()[rule].name())
                ),
                _ => "no known key format matches this key".to_string(),
            };
            let report = KeyReport {
                invalid: Some(invalid),
                ..empty
            };
            term::stdout(&args.format.render(&Document::Check(&report))?)?;
            return Ok(ExitCode::from(1));
        }
    };
    let rule = &detector.rules()[index];
    let redacted = rule.redact(key);
    let verifier = rule.def.verifier.as_deref().and_then(providers::by_id);
    let (Some(verifier), false) = (verifier, args.offline) else {
        let report = KeyReport {
            redacted: Some(&redacted),
            rule: Some(rule),
            not_checked: Some(if args.offline {
                "--offline"
            } else {
                "no verifier for this provider"
            }),
            ..empty
        };
        term::stdout(&args.format.render(&Document::Check(&report))?)?;
        return Ok(ExitCode::SUCCESS);
    };
    let results = verify_rounds(verifier, key, args.rounds, &verify_options(&args.verify)?)
        .map_err(anyhow::Error::msg)?;
    let last = results
        .last()
        .cloned()
        .unwrap_or_else(|| Verification::unknown(Reason::Network));
    let (meaning, fix) = explain(&last);
    let latencies: Vec<u64> = results.iter().filter_map(|v| v.latency_ms).collect();
    let report = KeyReport {
        redacted: Some(&redacted),
        rule: Some(rule),
        verification: Some(&last),
        meaning: Some(meaning),
        fix: Some(fix),
        latencies_ms: &latencies,
        ..empty
    };
    term::stdout(&args.format.render(&Document::Check(&report))?)?;
    Ok(match last.status {
        Status::Live | Status::LiveRestricted => ExitCode::SUCCESS,
        Status::Invalid => ExitCode::from(1),
        Status::Unknown => ExitCode::from(2),
    })
}

/// What an answer means, and what to do about it.
fn explain(v: &Verification) -> (&'static str, &'static str) {
    match (v.status, v.reason) {
        (Status::Live, _) => (
            "the key works",
            "if it was ever committed or shared, rotate it now",
        ),
        (Status::LiveRestricted, _) => (
            "the key is real but was refused a permission",
            "check the project, organisation or workspace scope and the billing",
        ),
        (Status::Invalid, _) => (
            "the provider rejected the key: revoked or expired (or never valid)",
            "regenerate the key, or check for whitespace pasted with it",
        ),
        (_, Some(Reason::RateLimited)) => (
            "rate-limited (429), even after retries",
            "wait, or raise the tier",
        ),
        (_, Some(Reason::EndpointChanged)) => (
            "the endpoint answered 404",
            "the endpoint or model id changed; update keyward",
        ),
        (_, Some(Reason::ProviderError)) => (
            "the provider is failing (5xx)",
            "check the provider's status page",
        ),
        (_, Some(Reason::Timeout)) => (
            "no answer in time",
            "check the network, or raise --verify-timeout",
        ),
        (_, Some(Reason::Deadline)) => (
            "verification as a whole ran out of time",
            "raise --verify-deadline",
        ),
        (_, Some(Reason::OtherInstance)) => (
            "the provider's public host does not know this key; a self-hosted instance (GitHub Enterprise Server, self-managed GitLab) may",
            "check the key on your own instance, and rotate it there if it works",
        ),
        (_, Some(Reason::Network)) => (
            "could not reach the provider",
            "check the network, proxy and DNS",
        ),
        (_, Some(Reason::UnexpectedResponse) | None) => (
            "the answer was not the provider's own (a proxy or firewall?)",
            "check what sits between this machine and the provider",
        ),
    }
}

/// `an Anthropic API key`, `a Replicate API token`.
fn with_article(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {name}", if vowel { "an" } else { "a" })
}
