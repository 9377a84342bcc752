//! JSON: an array of findings that block or would block, the rules, or
//! `check`'s answer.

use serde_json::{Value, json};

use super::{Document, Findings, KeyReport};
use keyward_engine::rules::Rule;

pub fn render(document: &Document<'_>) -> String {
    let value = match document {
        Document::Scan(findings) => scan(findings),
        Document::Rules(rules) => rules_list(rules),
        Document::Check(report) => check(report),
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn scan(findings: &Findings<'_>) -> Value {
    findings
        .report
        .active()
        .map(|f| {
            let mut v = json!({
                "rule": f.rule_id,
                "provider": f.provider,
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
        })
        .collect()
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
