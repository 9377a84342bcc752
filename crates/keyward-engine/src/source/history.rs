//! Git history (`--git`): the secrets each commit adds. Each distinct blob
//! is scanned once.

use std::collections::HashSet;
use std::path::PathBuf;

use super::{Progress, Report, Silent, Source};
use crate::detect::Detector;
use crate::error::Error;
use crate::finding::Origin;
use crate::git::{Change, Git, NULL_SHA, parse_change};

/// Which commits to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Range {
    /// A revision range as git understands it (`base..head`, or one commit
    /// for it and all its ancestors).
    Revisions(String),
    /// Every commit reachable from any ref.
    All,
}

pub struct History {
    /// Any directory inside the work tree.
    pub dir: PathBuf,
    pub range: Range,
}

impl Source for History {
    /// Report the secrets in a file's new blob that were not in the file's
    /// blob before the commit.
    fn base(&self) -> std::path::PathBuf {
        Git::discover(&self.dir).map_or_else(|_| self.dir.clone(), |git| git.dir().to_path_buf())
    }

    fn scan(&mut self, detector: &Detector, progress: &dyn Progress) -> Result<Report, Error> {
        let git = Git::discover(&self.dir)?;
        let mut args = vec![
            "log",
            "-z",
            "--raw",
            "--no-abbrev",
            "-M",
            "-c",
            "--reverse",
            "--format=%x01%H",
        ];
        match &self.range {
            Range::All => args.push("--all"),
            Range::Revisions(range) => {
                args.push(range);
                args.push("--");
            }
        }
        let log = git.run(&args)?;
        let items = parse_log(&log);
        let changes = || {
            items.iter().filter_map(|item| match item {
                LogItem::Change(change) => change.has_content().then_some(change),
                LogItem::Commit(_) => None,
            })
        };
        let mut report = Report::default();
        // First every new blob, each once; then the blobs before the changes
        // whose new blob holds a secret, to tell added secrets from old ones.
        let mut seen = HashSet::new();
        let new_shas: Vec<String> = changes()
            .filter(|c| seen.insert(c.new_sha.clone()))
            .map(|c| c.new_sha.clone())
            .collect();
        let mut found = super::scan_blobs(&git, detector, &new_shas, progress, &mut report)?;
        let old_shas: Vec<String> = changes()
            .filter(|c| found.contains_key(&c.new_sha))
            .flat_map(|c| c.old_shas.iter())
            .filter(|sha| *sha != NULL_SHA && seen.insert((*sha).clone()))
            .cloned()
            .collect();
        found.extend(super::scan_blobs(
            &git,
            detector,
            &old_shas,
            &Silent,
            &mut report,
        )?);

        let mut commit = "";
        for item in &items {
            let change = match item {
                LogItem::Commit(sha) => {
                    commit = sha;
                    report.stats.commits += 1;
                    continue;
                }
                LogItem::Change(change) => change,
            };
            let Some(matches) = found.get(&change.new_sha) else {
                continue;
            };
            if !change.has_content() {
                continue;
            }
            let before: HashSet<(usize, &str)> = change
                .old_shas
                .iter()
                .filter_map(|sha| found.get(sha))
                .flatten()
                .map(|m| (m.rule, m.secret.as_str()))
                .collect();
            let origin = Origin {
                path: change.path.clone().into(),
                commit: Some(commit.to_string()),
            };
            let added = matches
                .iter()
                .filter(|m| !before.contains(&(m.rule, m.secret.as_str())))
                .cloned();
            report.found(detector, &origin, added);
        }
        Ok(report)
    }
}

enum LogItem {
    Commit(String),
    Change(Change),
}

/// `git log -z --raw --format=%x01%H` output: a commit line, then its
/// changes. Merges come in combined form (`::`), one old blob per parent.
fn parse_log(log: &[u8]) -> Vec<LogItem> {
    let mut items = Vec::new();
    let mut tokens = log
        .split(|b| *b == 0)
        .map(|t| t.strip_prefix(b"\n").unwrap_or(t));
    while let Some(token) = tokens.next() {
        if let Some(sha) = token.strip_prefix(b"\x01") {
            items.push(LogItem::Commit(String::from_utf8_lossy(sha).into_owned()));
        } else if token.starts_with(b":")
            && let Some(change) = parse_change(token, &mut tokens)
        {
            items.push(LogItem::Change(change));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_rename_and_combined_changes() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let log = format!(
            "\x01{c}\0\n:000000 100644 {NULL_SHA} {a} A\0x.txt\0\
             :100644 100644 {a} {b} R100\0x.txt\0y.txt\0\
             \x01{a}\0\n::100644 100644 100644 {a} {b} {c} MM\0m.txt\0"
        );
        let items = parse_log(log.as_bytes());
        let changes: Vec<&Change> = items
            .iter()
            .filter_map(|i| match i {
                LogItem::Change(c) => Some(c),
                LogItem::Commit(_) => None,
            })
            .collect();
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[1].path.as_bytes(), b"y.txt");
        assert_eq!(changes[1].old_shas, vec![a.clone()]);
        assert_eq!(changes[2].old_shas, vec![a, b]);
        assert_eq!(changes[2].new_sha, c);
    }
}
