//! `keyward check`: test one key the way a "test your API key" page does.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use keyward::detect::{Detector, scan_stream};
use keyward::finding::redact;
use keyward::rules::compile_rules;
use keyward::verify::{Status, Verification, providers, verify_rounds};
use serde_json::json;

use crate::cli::{CheckArgs, FormatArg};
use crate::commands::verify_options;

pub fn run_check(args: CheckArgs) -> Result<ExitCode> {
    let raw = match &args.env {
        Some(var) => {
            std::env::var(var).with_context(|| format!("environment variable {var} is not set"))?
        }
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read the key from standard input")?;
            text
        }
    };
    let key = raw.trim();
    let mut stderr = std::io::stderr().lock();
    if key.is_empty() {
        bail!("no key given: pipe it on standard input or name a variable with --env");
    }
    if key.len() != raw.len() {
        let _ = writeln!(
            stderr,
            "keyward: warning: removed whitespace around the key (a pasted newline or space makes a key fail)"
        );
    }
    let detector = Detector::new(compile_rules(Vec::new(), &[])?)?;
    let mut found = Vec::new();
    scan_stream(&detector, &mut key.as_bytes(), &mut Vec::new(), &mut found)?;
    let whole = found.iter().find(|l| l.secret == key);
    let Some(located) = whole else {
        let guess = detector
            .rules()
            .iter()
            .find(|r| r.def.keywords.iter().any(|k| key.starts_with(k.as_str())));
        let message = match guess {
            Some(rule) => format!(
                "this looks like a {} but its format is not valid ({} characters{})",
                rule.name(),
                key.chars().count(),
                rule.def
                    .validate
                    .length
                    .map(|n| format!(", expected {n}"))
                    .unwrap_or_default()
            ),
            None => "no known key format matches this key".to_string(),
        };
        emit(
            &args,
            json!({"format": "invalid", "message": message}),
            &format!("format:   invalid\n{message}\n"),
        )?;
        return Ok(ExitCode::from(1));
    };
    let rule = &detector.rules()[located.rule];
    let redacted = redact(rule, key);
    let mut text = format!(
        "key:      {redacted}\nrule:     {} ({})\nformat:   valid\n",
        rule.id(),
        rule.def.provider
    );
    let provider = rule.def.verifier.as_deref().and_then(providers::by_id);
    let (Some(provider), false) = (provider, args.offline) else {
        let why = if args.offline {
            "--offline"
        } else {
            "no verifier for this provider"
        };
        text.push_str(&format!("status:   not checked ({why})\n"));
        emit(
            &args,
            json!({"format": "valid", "rule": rule.id(), "redacted": redacted, "verification": null}),
            &text,
        )?;
        return Ok(ExitCode::SUCCESS);
    };
    let results = verify_rounds(provider, key, args.rounds, &verify_options(&args.verify)?)?;
    let last = results.last().cloned().unwrap_or_else(|| Verification {
        status: Status::Unknown,
        reason: Some("network".into()),
        latency_ms: None,
        http_status: None,
    });
    let (meaning, fix) = explain(&last);
    let mut latencies: Vec<u64> = results.iter().filter_map(|v| v.latency_ms).collect();
    latencies.sort_unstable();
    text.push_str(&format!(
        "status:   {}{}{}\nmeaning:  {meaning}\nfix:      {fix}\n",
        last.status.as_str(),
        last.reason
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default(),
        last.http_status
            .map(|s| format!(", HTTP {s}"))
            .unwrap_or_default(),
    ));
    if let (Some(min), Some(max)) = (latencies.first(), latencies.last()) {
        let median = latencies[latencies.len() / 2];
        text.push_str(&format!(
            "latency:  min {min} ms, median {median} ms, max {max} ms over {} round{}\n",
            latencies.len(),
            if latencies.len() == 1 { "" } else { "s" }
        ));
    }
    let value = json!({
        "format": "valid",
        "rule": rule.id(),
        "provider": rule.def.provider,
        "redacted": redacted,
        "verification": last.status,
        "reason": last.reason,
        "http_status": last.http_status,
        "meaning": meaning,
        "fix": fix,
        "latency_ms": latencies,
    });
    emit(&args, value, &text)?;
    Ok(match last.status {
        Status::Live | Status::LiveRestricted => ExitCode::SUCCESS,
        Status::Invalid => ExitCode::from(1),
        Status::Unknown => ExitCode::from(2),
    })
}

fn emit(args: &CheckArgs, value: serde_json::Value, text: &str) -> Result<()> {
    let out = match args.format {
        FormatArg::Json => serde_json::to_string_pretty(&value)? + "\n",
        _ => text.to_string(),
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// What an answer means, and what to do about it.
fn explain(v: &Verification) -> (&'static str, &'static str) {
    match (v.status, v.reason.as_deref(), v.http_status) {
        (Status::Live, ..) => (
            "the key works",
            "if it was ever committed or shared, rotate it now",
        ),
        (Status::LiveRestricted, ..) => (
            "the key is real but was refused a permission (403)",
            "check the project, organisation or workspace scope and the billing",
        ),
        (Status::Invalid, ..) => (
            "the provider rejected the key (401): invalid or revoked",
            "regenerate the key, or check for whitespace pasted with it",
        ),
        (_, Some("rate-limited"), _) => (
            "rate-limited (429), even after retries",
            "wait, or raise the tier",
        ),
        (_, Some("endpoint-changed"), _) => (
            "the endpoint answered 404",
            "the endpoint or model id changed; update keyward",
        ),
        (_, Some("provider-error"), _) => (
            "the provider is failing (5xx)",
            "check the provider's status page",
        ),
        (_, Some("timeout"), _) => (
            "no answer in time",
            "check the network, or raise --verify-timeout",
        ),
        (_, Some("network"), _) => (
            "could not reach the provider",
            "check the network, proxy and DNS",
        ),
        _ => (
            "the answer was not the provider's own (a proxy or firewall?)",
            "check what sits between this machine and the provider",
        ),
    }
}
