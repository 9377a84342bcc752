//! Output formats: one `Format`, one module per format. A command renders a
//! `Document`; a format either renders it or says it cannot, and the
//! command refuses that format before doing any work.

pub mod github;
mod json;
mod sarif;
mod text;

use clap::ValueEnum;
use keyward_engine::rules::Rule;
use keyward_engine::source::Report;
use keyward_engine::verdict::Verification;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

/// What a command produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scan,
    Rules,
    Check,
}

/// A scan's findings, with what a renderer needs to show them.
pub struct Findings<'a> {
    pub report: &'a Report,
    pub rules: &'a [Rule],
    pub show_secrets: bool,
    /// Colour for text.
    pub color: bool,
    /// Write suppressed results too (SARIF; the other formats show only
    /// what blocks or would block).
    pub suppressed: bool,
}

/// `keyward check`'s answer about one key.
pub struct KeyReport<'a> {
    pub redacted: Option<&'a str>,
    pub rule: Option<&'a Rule>,
    /// Why the key's format is not valid, if it is not.
    pub invalid: Option<String>,
    /// Why nothing was asked, if nothing was.
    pub not_checked: Option<&'a str>,
    pub verification: Option<&'a Verification>,
    pub meaning: Option<&'a str>,
    pub fix: Option<&'a str>,
    pub latencies_ms: &'a [u64],
}

pub enum Document<'a> {
    Scan(&'a Findings<'a>),
    Rules(&'a [Rule]),
    Check(&'a KeyReport<'a>),
}

impl Document<'_> {
    fn kind(&self) -> Kind {
        match self {
            Document::Scan(_) => Kind::Scan,
            Document::Rules(_) => Kind::Rules,
            Document::Check(_) => Kind::Check,
        }
    }
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }

    pub fn supports(self, kind: Kind) -> bool {
        !matches!(
            (self, kind),
            (Format::Github, Kind::Rules) | (Format::Sarif | Format::Github, Kind::Check)
        )
    }

    /// Refuse a format `command` cannot write, naming those it can.
    pub fn require(self, kind: Kind, command: &str) -> anyhow::Result<()> {
        if self.supports(kind) {
            return Ok(());
        }
        let can: Vec<&str> = Format::value_variants()
            .iter()
            .filter(|f| f.supports(kind))
            .map(|f| f.name())
            .collect();
        anyhow::bail!(
            "`keyward {command}` cannot write --format {}; it writes {}",
            self.name(),
            can.join(", ")
        )
    }

    /// Write `document` to `out`, and return warnings about what it had
    /// to leave out. A format a command has `require`d writes it.
    pub fn write(
        self,
        document: &Document<'_>,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<Vec<String>> {
        self.require(document.kind(), "this command")?;
        let mut warnings = Vec::new();
        match (self, document) {
            (Format::Text, doc) => text::write(doc, out)?,
            (Format::Json, doc) => json::write(doc, out)?,
            (Format::Sarif, Document::Scan(findings)) => warnings = sarif::write(findings, out)?,
            (Format::Sarif, Document::Rules(rules)) => {
                let report = Report::default();
                let findings = Findings {
                    report: &report,
                    rules,
                    show_secrets: false,
                    color: false,
                    suppressed: false,
                };
                warnings = sarif::write(&findings, out)?;
            }
            (Format::Github, Document::Scan(findings)) => github::write(findings, out)?,
            // `require` has refused every other pair.
            _ => {}
        }
        Ok(warnings)
    }

    /// `write` into memory, for small documents.
    pub fn render(self, document: &Document<'_>) -> anyhow::Result<String> {
        let mut bytes = Vec::new();
        self.write(document, &mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// `abcdef012345…` → the first twelve characters of a commit.
pub fn short_commit(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}
