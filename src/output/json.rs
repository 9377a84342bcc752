//! JSON: an array of findings that block or would block, the rules, or
//! `check`'s answer.

use std::io::Write;

use keyward_engine::finding::Finding;
use serde_json::{Value, json};

use super::{Document, Findings, KeyReport};
use keyward_engine::rules::Rule;

pub fn write(document: &Document<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let value = match document {
        Document::Scan(findings) => return scan(findings, out),
        Document::Rules(rules) => rules_list(rules),
        Document::Check(report) => check(report),
    };
    serde_json::to_writer_pretty(&mut *out, &value)?;
    out.write_all(b"\n")
}

/// The array, one finding at a time: a million findings never become one
/// document in memory.
fn scan(findings: &Findings<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut first = true;
    for f in findings.report.active() {
        let text = serde_json::to_string_pretty(&finding(findings, f))?;
        out.write_all(if first { b"[\n  " } else { b",\n  " })?;
        out.write_all(text.replace('\n', "\n  ").as_bytes())?;
        first = false;
    }
    out.write_all(if first { b"[]\n" } else { b"\n]\n" })
}

fn finding(findings: &Findings<'_>, f: &Finding) -> Value {
    let mut v = json!({
        "rule": &*f.rule_id,
        "provider": &*f.provider,
        "path": f.path.to_string_lossy(),
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "redacted": f.redacted,
        "fingerprint": f.fingerprint,
    });
    if let Some(commit) = &f.commit {
        v["commit"] = json!(commit);
    }
    if let Some(encoding) = f.encoding {
        v["encoding"] = json!(encoding.as_str());
    }
    if findings.show_secrets {
        v["secret"] = json!(f.secret.expose());
    }
    if let Some(verification) = &f.verification {
        v["verification"] = json!(verification.status);
        v["reason"] = json!(verification.reason);
        v["latency_ms"] = json!(verification.latency_ms);
    }
    v
}

fn rules_list(rules: &[Rule]) -> Value {
    rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": r.name(),
                "provider": r.def.provider,
                "description": r.def.description,
                "severity": r.def.severity.as_str(),
                "builtin": r.builtin,
                "verifiable": r.def.verifier.is_some(),
                "keywords": r.def.keywords,
                "rotate": r.def.rotate,
            })
        })
        .collect()
}

fn check(report: &KeyReport<'_>) -> Value {
    if let Some(message) = &report.invalid {
        return json!({"format": "invalid", "message": message});
    }
    let mut v = json!({
        "format": "valid",
        "rule": report.rule.map(|r| r.id()),
        "provider": report.rule.map(|r| r.def.provider.as_str()),
        "redacted": report.redacted,
        "verification": report.verification.map(|v| v.status),
    });
    if let Some(verification) = report.verification {
        v["reason"] = json!(verification.reason);
        v["http_status"] = json!(verification.http_status);
        v["meaning"] = json!(report.meaning);
        v["fix"] = json!(report.fix);
        v["latency_ms"] = json!(report.latencies_ms);
    }
    v
}
