//! Config and baseline from the trusted side of a change. A pull request
//! can edit `keyward.toml` or the baseline, but its edit takes effect only
//! once merged: the check of the change itself uses the base's versions.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use keyward_engine::baseline::Baseline;
use keyward_engine::config::{CONFIG_NAMES, Config};
use keyward_engine::git::Git;

use super::fetch::Trusted;
use crate::output::short_commit;

/// A file the scan is judged by, as the checkout holds it and as the trusted
/// side holds it.
struct Versions {
    /// Path relative to the repository root, for reading it from a commit.
    rel: String,
    checkout: Option<Vec<u8>>,
    trusted: Option<Vec<u8>>,
    /// `base:keyward.toml` for messages.
    name: String,
}

fn versions(git: &Git, trusted: &Trusted, path: &Path) -> Result<Option<Versions>> {
    let root = git.dir();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let Ok(rel) = absolute.strip_prefix(root) else {
        return Ok(None); // outside the repository: not the change's to edit
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let checkout = std::fs::read(&absolute).ok();
    let (trusted, name) = match trusted {
        Trusted::Commit(rev) => (
            git.file_at(rev, &rel)?,
            format!("{}:{rel}", short_commit(rev)),
        ),
        Trusted::Checkout => (checkout.clone(), rel.clone()),
        Trusted::Nothing => (None, rel.clone()),
    };
    Ok(Some(Versions {
        rel,
        checkout,
        trusted,
        name,
    }))
}

/// Say what the change does to a file it cannot change for its own check.
fn note_change(v: &Versions, what: &str, notes: &mut Vec<String>) {
    match (&v.trusted, &v.checkout) {
        (Some(a), Some(b)) if a != b => notes.push(format!(
            "this change edits {what} `{}`: the trusted version applies to this check, the edit once merged",
            v.rel
        )),
        (None, Some(_)) => notes.push(format!(
            "this change adds {what} `{}`: it applies once merged, not to this check",
            v.rel
        )),
        (Some(_), None) => notes.push(format!(
            "this change deletes {what} `{}`: the trusted version still applies to this check",
            v.rel
        )),
        _ => {}
    }
}

/// The config: `--no-config`, `--config FILE`, or `keyward.toml` /
/// `.keyward.toml` at the root, each read from the trusted side. A file
/// outside the repository (one the workflow provides) is read as it is.
pub fn config(
    git: &Git,
    trusted: &Trusted,
    explicit: Option<&PathBuf>,
    none: bool,
    notes: &mut Vec<String>,
) -> Result<Config> {
    if none {
        return Ok(Config::default());
    }
    let candidates: Vec<PathBuf> = match explicit {
        Some(path) => vec![path.clone()],
        None => CONFIG_NAMES.iter().map(PathBuf::from).collect(),
    };
    for path in &candidates {
        let Some(v) = versions(git, trusted, path)? else {
            return Ok(Config::load(path)?);
        };
        note_change(&v, "the config", notes);
        if let Some(text) = &v.trusted {
            let text = String::from_utf8_lossy(text);
            return Ok(Config::parse(&text, Path::new(&v.name), git.dir())?);
        }
    }
    if let Some(path) = explicit
        && versions(git, trusted, path)?.is_some_and(|v| v.checkout.is_none())
    {
        anyhow::bail!("{}: cannot read config: no such file", path.display());
    }
    Ok(Config::default())
}

/// The baseline named by `--baseline`, read from the trusted side.
pub fn baseline(
    git: &Git,
    trusted: &Trusted,
    path: &Path,
    notes: &mut Vec<String>,
) -> Result<Option<Baseline>> {
    let Some(v) = versions(git, trusted, path)? else {
        return Ok(Some(Baseline::load(path)?));
    };
    note_change(&v, "the baseline", notes);
    match &v.trusted {
        Some(text) => {
            let text = String::from_utf8_lossy(text);
            Ok(Some(Baseline::parse(&text, &v.name)?))
        }
        None if v.checkout.is_some() => Ok(None),
        None => Err(anyhow::anyhow!("no such file"))
            .with_context(|| format!("{}: cannot read baseline", path.display())),
    }
}
