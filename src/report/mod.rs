//! Reports: the same findings rendered as text, JSON, SARIF or GitHub
//! workflow commands. Renderers return strings; the CLI writes them.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use crate::finding::Finding;
use crate::rules::Rule;
use crate::scan::ScanOutcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

/// Everything a renderer needs.
pub struct ReportInput<'a> {
    pub outcome: &'a ScanOutcome,
    pub rules: &'a [Rule],
    pub show_secrets: bool,
    pub color: bool,
}

/// A rendered report, with warnings about anything it had to leave out.
pub struct Rendered {
    pub text: String,
    pub warnings: Vec<String>,
}

pub fn render(format: Format, input: &ReportInput<'_>) -> Rendered {
    match format {
        Format::Text => plain(text::render(input)),
        Format::Json => plain(json::render(input)),
        Format::Sarif => sarif::render(input),
        Format::Github => plain(github::render(input)),
    }
}

fn plain(text: String) -> Rendered {
    Rendered {
        text,
        warnings: Vec::new(),
    }
}

/// A short human description of a finding's verification, if any.
pub fn verification_note(finding: &Finding) -> Option<String> {
    let v = finding.verification.as_ref()?;
    Some(match &v.reason {
        Some(reason) => format!("{} ({reason})", v.status.as_str()),
        None => v.status.as_str().to_string(),
    })
}

pub fn short_commit(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}
