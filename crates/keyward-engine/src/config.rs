//! `keyward.toml`: custom rules, disabled rules and allowlists. A config file
//! in a scanned repository is untrusted: it can add rules and allowlists, but
//! it has no way to turn on verification or choose where keys are sent.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::error::Error;
use crate::finding::{Finding, Suppression};
use crate::rules::RuleDef;

/// Names looked for at the scanned root, in order.
pub const CONFIG_NAMES: &[&str] = &["keyward.toml", ".keyward.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    rules: Vec<Spanned<RuleDef>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    allow: AllowFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowFile {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
    #[serde(default)]
    fingerprints: Vec<String>,
}

/// A loaded config: rules to add, rules to drop, and what to allow.
#[derive(Debug, Default)]
pub struct Config {
    pub source: Option<PathBuf>,
    /// Each custom rule with its position in the file, for error messages.
    pub rules: Vec<(RuleDef, Option<String>)>,
    pub disable: Vec<String>,
    pub allow: Allowlist,
}

#[derive(Debug, Default)]
pub struct Allowlist {
    paths: Option<Gitignore>,
    secrets: Vec<Regex>,
    fingerprints: Vec<String>,
}

impl Config {
    /// The config at `root`, if there is one.
    pub fn discover(root: &Path) -> Result<Config, Error> {
        for name in CONFIG_NAMES {
            let path = root.join(name);
            if path.is_file() {
                return Config::load(&path);
            }
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("{}: cannot read config: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, path, base)
    }

    /// Parse config text. Every error names the file, line and column.
    pub fn parse(text: &str, path: &Path, base: &Path) -> Result<Config, Error> {
        let at = |span: std::ops::Range<usize>| {
            let (line, column) = line_column(text, span.start);
            format!("{}:{line}:{column}", path.display())
        };
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(&at)
                .unwrap_or_else(|| path.display().to_string());
            Error::Config(format!("{place}: {}", e.message().trim_end()))
        })?;
        let mut paths = GitignoreBuilder::new(base);
        for glob in &file.allow.paths {
            paths.add_line(None, glob.get_ref()).map_err(|e| {
                Error::Config(format!("{}: bad path pattern: {e}", at(glob.span())))
            })?;
        }
        let paths = paths
            .build()
            .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        let secrets = file
            .allow
            .secrets
            .iter()
            .map(|s| {
                Regex::new(s.get_ref())
                    .map_err(|e| Error::Config(format!("{}: bad secret regex: {e}", at(s.span()))))
            })
            .collect::<Result<_, _>>()?;
        Ok(Config {
            source: Some(path.to_path_buf()),
            rules: file
                .rules
                .into_iter()
                .map(|r| {
                    let place = at(r.span());
                    (r.into_inner(), Some(place))
                })
                .collect(),
            disable: file.disable.into_iter().map(Spanned::into_inner).collect(),
            allow: Allowlist {
                paths: (!paths.is_empty()).then_some(paths),
                secrets,
                fingerprints: file.allow.fingerprints,
            },
        })
    }
}

impl Allowlist {
    /// Mark findings the allowlist covers as suppressed.
    pub fn apply(&self, findings: &mut [Finding]) {
        for finding in findings.iter_mut().filter(|f| !f.is_suppressed()) {
            finding.suppression = self.covers(finding);
        }
    }

    fn covers(&self, finding: &Finding) -> Option<Suppression> {
        if let Some(paths) = &self.paths
            && paths
                .matched_path_or_any_parents(finding.path.to_path(), false)
                .is_ignore()
        {
            return Some(Suppression::ConfigPath);
        }
        if self
            .secrets
            .iter()
            .any(|r| r.is_match(finding.secret.expose()))
        {
            return Some(Suppression::ConfigSecret);
        }
        if self.fingerprints.contains(&finding.fingerprint) {
            return Some(Suppression::ConfigFingerprint);
        }
        None
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
