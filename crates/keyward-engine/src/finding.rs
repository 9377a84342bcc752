//! The one findings model that every report consumes.

use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::detect::{Encoding, Match, Span};
use crate::path::FilePath;
use crate::rules::Rule;
use crate::verdict::Verification;

/// A secret value. Its `Debug` never shows it, so that it cannot leak
/// through a log line or a panic message.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The full value: for the verifier and `--show-secrets` only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Why a finding does not block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppression {
    /// An allow marker on the secret's own line.
    Inline(&'static str),
    ConfigPath,
    ConfigSecret,
    ConfigFingerprint,
    Baseline,
}

impl Suppression {
    /// A short reason, counted per reason in the summary.
    pub fn reason(self) -> String {
        match self {
            Suppression::Inline(marker) => format!("inline {marker}"),
            Suppression::ConfigPath => "config path".into(),
            Suppression::ConfigSecret => "config secret".into(),
            Suppression::ConfigFingerprint => "config fingerprint".into(),
            Suppression::Baseline => "baseline".into(),
        }
    }

    /// A comment in the source, rather than something outside it.
    pub fn is_in_source(self) -> bool {
        matches!(self, Suppression::Inline(_))
    }
}

/// Where a match was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: Arc<FilePath>,
    /// Set for findings from git history.
    pub commit: Option<String>,
}

/// One secret at one place. Strings every finding of a rule or a file
/// shares are shared, so that a million findings stay small.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule_id: Arc<str>,
    pub provider: Arc<str>,
    pub path: Arc<FilePath>,
    pub commit: Option<String>,
    pub span: Span,
    pub secret: Secret,
    pub redacted: String,
    pub fingerprint: String,
    pub suppression: Option<Suppression>,
    pub verification: Option<Verification>,
    /// How the key was disguised where it was found (base64, UTF-16, …).
    /// Its fingerprint is the plain key's.
    pub encoding: Option<Encoding>,
}

impl Finding {
    /// The one place a match becomes a finding.
    pub fn new(rule: &Rule, origin: &Origin, m: Match) -> Finding {
        Finding {
            rule_id: rule.shared_id.clone(),
            provider: rule.shared_provider.clone(),
            path: origin.path.clone(),
            commit: origin.commit.clone(),
            span: m.span,
            redacted: rule.redact(&m.secret),
            fingerprint: fingerprint(rule.id(), &m.secret),
            secret: Secret::new(m.secret),
            suppression: m.allow_marker.map(Suppression::Inline),
            verification: None,
            encoding: m.encoding,
        }
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }

    /// The secret as shown: redacted unless the user asked otherwise.
    pub fn display_secret(&self, show: bool) -> &str {
        if show {
            self.secret.expose()
        } else {
            &self.redacted
        }
    }

    /// Sort key for deterministic output.
    pub fn sort_key(&self) -> (&FilePath, u64, u64, &str, Option<&str>) {
        (
            &*self.path,
            self.span.line,
            self.span.column,
            &self.rule_id,
            self.commit.as_deref(),
        )
    }
}

/// A stable identity for (rule, secret) that does not reveal the secret.
/// The hash is domain-separated, so that it cannot be looked up in a table
/// of plain SHA-256 values.
pub fn fingerprint(rule_id: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"keyward-fingerprint-v1\0");
    hasher.update(rule_id.as_bytes());
    hasher.update(b"\0");
    hasher.update(secret.as_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
impl Finding {
    /// A finding of rule `r` for `secret` in `path`, for tests.
    pub(crate) fn sample(path: &str, secret: &str) -> Finding {
        Finding {
            rule_id: "r".into(),
            provider: "p".into(),
            path: FilePath::from_bytes(path.as_bytes()).into(),
            commit: None,
            span: Span {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 2,
            },
            secret: Secret::new(secret.into()),
            redacted: String::new(),
            fingerprint: fingerprint("r", secret),
            suppression: None,
            verification: None,
            encoding: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::new("value-that-must-not-show".into());
        assert!(!format!("{s:?}").contains("must-not-show"));
    }

    #[test]
    fn fingerprint_is_stable_and_rule_scoped() {
        assert_eq!(fingerprint("a", "x"), fingerprint("a", "x"));
        assert_ne!(fingerprint("a", "x"), fingerprint("b", "x"));
        assert_eq!(fingerprint("a", "x").len(), 32);
    }
}
