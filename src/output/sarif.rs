//! SARIF 2.1.0, as GitHub code scanning ingests it.
//!
//! Plain serde structs rather than a SARIF crate: the crate named `sarif` is
//! an empty placeholder, and serde-sarif is large for the few dozen fields
//! used here (zizmor and ruff made the same choice).

use std::collections::BTreeMap;

use serde::Serialize;

use keyward_engine::finding::Finding;
use keyward_engine::path::FilePath;
use keyward_engine::rules::{Rule, Severity};
use keyward_engine::verdict::Status;

use super::{Findings, short_commit};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// GitHub code scanning rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;
pub const FINGERPRINT_KEY: &str = "keyward/secret/v1";
const INFORMATION_URI: &str = "https://github.com/keyward/keyward";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
    end_line: u64,
    end_column: u64,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties {
    provider: String,
    redacted: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "verificationReason")]
    verification_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

/// One run: every rule, and a result for each finding (without the
/// suppressed ones unless asked for). Past GitHub's limit, blocking results
/// are kept first; only the results written are ever built.
pub fn write(
    findings: &Findings<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<Vec<String>> {
    let (report, rules, show_secrets) = (findings.report, findings.rules, findings.show_secrets);
    let mut warnings = Vec::new();
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id(), i)).collect();
    let mut chosen: Vec<(&Finding, usize)> = report
        .findings
        .iter()
        .filter(|f| findings.suppressed || !f.is_suppressed())
        .filter_map(|f| Some((f, *index.get(&*f.rule_id)?)))
        .collect();
    if chosen.len() > MAX_RESULTS {
        warnings.push(format!(
            "SARIF: {} results is over GitHub's limit of {MAX_RESULTS} per run; the first {MAX_RESULTS} are written",
            chosen.len()
        ));
        // Blocking results first, so that the cut drops suppressed ones;
        // the sort is stable, so order within each group is kept.
        chosen.sort_by_key(|(f, _)| f.is_suppressed());
        chosen.truncate(MAX_RESULTS);
        chosen.sort_by(|a, b| a.0.sort_key().cmp(&b.0.sort_key()));
    }
    let results = chosen
        .into_iter()
        .map(|(f, i)| result(f, i, &rules[i], show_secrets))
        .collect();
    let notifications = report
        .warnings
        .iter()
        .map(|w| Notification {
            level: "warning",
            message: Text {
                text: w.to_string(),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "keyward",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(descriptor).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")?;
    Ok(warnings)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn descriptor(rule: &Rule) -> RuleDescriptor<'_> {
    let mut tags = vec!["security".to_string(), "secret".to_string()];
    tags.push(rule.def.provider.clone());
    RuleDescriptor {
        id: rule.id(),
        name: pascal_case(rule.id()),
        short_description: Text {
            text: rule.name().to_string(),
        },
        full_description: Text {
            text: rule.def.description.clone(),
        },
        help: Help {
            text: rule.help_text(),
            markdown: rule.help_markdown(),
        },
        help_uri: rule.def.rotate.as_deref(),
        default_configuration: Configuration {
            level: level(rule.def.severity),
        },
        properties: RuleProperties {
            tags,
            precision: rule.def.precision.as_str(),
            security_severity: rule.def.severity.security_severity(),
        },
    }
}

fn result(f: &Finding, rule_index: usize, rule: &Rule, show_secrets: bool) -> SarifResult {
    let level = match f.verification.as_ref().map(|v| v.status) {
        Some(Status::Live | Status::LiveRestricted) => "error",
        Some(Status::Invalid) => "note",
        _ => level(rule.def.severity),
    };
    let mut message = format!("{} {} found", rule.name(), f.display_secret(show_secrets));
    if let Some(encoding) = f.encoding {
        message.push_str(&format!(" ({})", encoding.as_str()));
    }
    if let Some(commit) = &f.commit {
        message.push_str(&format!(" in commit {}", short_commit(commit)));
    }
    match f.verification.as_ref().map(|v| v.status) {
        Some(Status::Live) => message.push_str(": verified live, rotate it now"),
        Some(Status::LiveRestricted) => {
            message.push_str(": verified real (the provider refused a permission), rotate it")
        }
        Some(Status::Invalid) => {
            message.push_str(": the provider says it is revoked or expired (or never valid)")
        }
        Some(Status::Unknown) => {
            let label = f
                .verification
                .as_ref()
                .map(|v| v.label())
                .unwrap_or_default();
            message.push_str(&format!(": verification {label}"));
        }
        None => message.push('.'),
    }
    let suppressions = f
        .suppression
        .iter()
        .map(|s| SarifSuppression {
            kind: if s.is_in_source() {
                "inSource"
            } else {
                "external"
            },
            status: "accepted",
            justification: s.reason(),
        })
        .collect();
    SarifResult {
        rule_id: f.rule_id.to_string(),
        rule_index,
        level,
        message: Text { text: message },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact_location(&f.path),
                region: Region {
                    start_line: f.span.line,
                    start_column: f.span.column,
                    end_line: f.span.end_line,
                    end_column: f.span.end_column,
                },
            },
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.clone())]),
        suppressions,
        properties: ResultProperties {
            provider: f.provider.to_string(),
            redacted: f.redacted.clone(),
            commit: f.commit.clone(),
            encoding: f.encoding.map(|e| e.as_str()),
            verification: f.verification.as_ref().map(|v| v.status.as_str()),
            verification_reason: f
                .verification
                .as_ref()
                .and_then(|v| v.reason)
                .map(|r| r.as_str()),
            secret: show_secrets.then(|| f.secret.expose().to_string()),
        },
    }
}

/// `anthropic-api-key` → `AnthropicApiKey`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Relative paths are relative to `%SRCROOT%`; a file named outside it
/// gets an absolute `file://` URI.
fn artifact_location(path: &FilePath) -> ArtifactLocation {
    if path.is_absolute() {
        ArtifactLocation {
            uri: format!("file://{}", uri_escape(path.as_bytes())),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: uri_escape(path.as_bytes()),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

/// A URI path from a file name's bytes: `/` separates, everything a URI
/// cannot hold as is is percent-escaped byte by byte (invalid UTF-8
/// included), and so is `:`, which in a relative name (`C:x`, `http:x`)
/// would turn it into an absolute URI.
fn uri_escape(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names_stay_relative_and_keep_their_bytes() {
        let uri = |bytes: &[u8]| artifact_location(&FilePath::from_bytes(bytes.to_vec()));
        assert_eq!(uri(b"C:evil.env").uri, "C%3Aevil.env");
        assert_eq!(uri(b"http:x.env").uri, "http%3Ax.env");
        // Invalid UTF-8 keeps its byte; UTF-8 is escaped byte by byte.
        assert_eq!(uri(&[b'a', 0xE9, b'b']).uri, "a%E9b");
        assert_eq!(uri("a b/ü".as_bytes()).uri, "a%20b/%C3%BC");
        let absolute = uri(b"/tmp/k.txt");
        assert_eq!(
            (absolute.uri.as_str(), absolute.uri_base_id),
            ("file:///tmp/k.txt", None)
        );
    }
}
