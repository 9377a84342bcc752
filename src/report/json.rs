//! A JSON array, one object per finding that blocks or would block.

use serde_json::{Value, json};

use super::ReportInput;

pub fn render(input: &ReportInput<'_>) -> String {
    let findings: Vec<Value> = input
        .outcome
        .active()
        .map(|f| {
            let mut v = json!({
                "rule": f.rule_id,
                "provider": f.provider,
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line,
                "end_column": f.end_column,
                "redacted": f.redacted,
                "fingerprint": f.fingerprint,
            });
            if let Some(commit) = &f.commit {
                v["commit"] = json!(commit);
            }
            if input.show_secrets {
                v["secret"] = json!(f.secret.expose());
            }
            if let Some(verification) = &f.verification {
                v["verification"] = json!(verification.status);
                v["reason"] = json!(verification.reason);
                v["latency_ms"] = json!(verification.latency_ms);
            }
            v
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&findings).unwrap_or_default();
    text.push('\n');
    text
}
