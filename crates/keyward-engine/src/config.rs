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
        // A bad regex is reported at its own line, not its table's.
        for rule in &file.rules {
            if let Err(e) = regex::bytes::RegexBuilder::new(&rule.get_ref().regex)
                .size_limit(1 << 22)
                .build()
            {
                // The table's span may be its header alone: look from it
                // to the next table.
                let start = rule.span().start;
                let rest = &text[start..];
                let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
                let within = &rest[..end];
                let offset = within
                    .match_indices("regex")
                    .find(|(i, _)| within[..*i].trim_end_matches([' ', '\t']).ends_with('\n'))
                    .map_or(0, |(i, _)| i);
                let place = at(start + offset..start + offset + 1);
                return Err(Error::Config(format!(
                    "{place}: rule {:?} has a bad regex: {e}",
                    rule.get_ref().id
                )));
            }
        }
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
    /// Mark findings the allowlist covers as suppressed. Their relative
    /// paths are relative to `base`; path patterns are relative to the
    /// config file's directory.
    pub fn apply(&self, findings: &mut [Finding], base: &Path) {
        let resolve = Resolver::new(base, self.paths.as_ref().map(Gitignore::path));
        for finding in findings.iter_mut().filter(|f| !f.is_suppressed()) {
            finding.suppression = self.covers(finding, &resolve);
        }
    }

    fn covers(&self, finding: &Finding, resolve: &Resolver) -> Option<Suppression> {
        if let Some(paths) = &self.paths
            && let Some(path) = resolve.relative(&finding.path.to_path())
            && paths.matched_path_or_any_parents(&path, false).is_ignore()
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

/// Turns a finding's path into one relative to the config's directory.
struct Resolver {
    base: Option<PathBuf>,
    config: Option<PathBuf>,
}

impl Resolver {
    fn new(base: &Path, config: Option<&Path>) -> Resolver {
        let absolute = |p: &Path| std::path::absolute(p).ok().map(|p| normalize(&p));
        Resolver {
            base: absolute(base),
            config: config.and_then(absolute),
        }
    }

    /// `None` for a path outside the config's directory: no pattern of
    /// it applies there.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let (Some(base), Some(config)) = (&self.base, &self.config) else {
            return (!path.is_absolute()).then(|| path.to_path_buf());
        };
        let absolute = normalize(&base.join(path));
        absolute.strip_prefix(config).ok().map(Path::to_path_buf)
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
