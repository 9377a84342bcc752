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

/// A rendered document, with warnings about anything it had to leave out.
pub struct Rendered {
    pub text: String,
    pub warnings: Vec<String>,
}

impl From<String> for Rendered {
    fn from(text: String) -> Rendered {
        Rendered {
            text,
            warnings: Vec::new(),
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

    /// Render `document`. A format a command has `require`d renders it.
    pub fn render(self, document: &Document<'_>) -> anyhow::Result<Rendered> {
        self.require(document.kind(), "this command")?;
        Ok(match (self, document) {
            (Format::Text, doc) => text::render(doc).into(),
            (Format::Json, doc) => json::render(doc).into(),
            (Format::Sarif, Document::Scan(findings)) => sarif::render(findings),
            (Format::Sarif, Document::Rules(rules)) => sarif::render(&Findings {
                report: &Report::default(),
                rules,
                show_secrets: false,
                color: false,
                suppressed: false,
            }),
            (Format::Github, Document::Scan(findings)) => github::render(findings).into(),
            _ => unreachable_format(self),
        })
    }
}

fn unreachable_format(format: Format) -> Rendered {
    // `require` has refused every other pair.
    format!("unsupported format {}\n", format.name()).into()
}

/// `abcdef012345…` → the first twelve characters of a commit.
pub fn short_commit(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}
