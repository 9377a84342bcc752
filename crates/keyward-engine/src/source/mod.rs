//! Where bytes come from. Each source is one implementation of `Source`:
//! files and standard input (`files`), the git index (`index`) and git
//! history (`history`). A source feeds the detector and returns a `Report`.

pub mod files;
pub mod history;
pub mod index;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::AddAssign;

use crate::detect::{Detector, Match};
use crate::error::Error;
use crate::finding::{Finding, Origin};
use crate::git::Git;
use crate::path::FilePath;

/// Something to scan.
pub trait Source {
    /// Scan everything the source holds. An error means the source could
    /// not be read at all; what goes wrong with one item is a warning.
    fn scan(&mut self, detector: &Detector, progress: &dyn Progress) -> Result<Report, Error>;

    /// The directory relative paths in findings are relative to: the
    /// working directory, or a repository's root for git sources.
    fn base(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(".")
    }
}

/// Told how a long scan advances; the caller decides what is shown.
pub trait Progress: Sync {
    /// Work of `items` items begins.
    fn begin(&self, _items: u64) {}
    /// `items` more items are known: a source that finds its work as it
    /// goes grows the total.
    fn more(&self, _items: u64) {}
    /// One item of `bytes` bytes is done.
    fn advance(&self, _bytes: u64) {}
    fn finish(&self) {}
}

/// Shows nothing.
pub struct Silent;

impl Progress for Silent {}

/// Counters every source keeps; they add up across threads and sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
    pub skipped: u64,
    /// For git history: commits walked and distinct blobs scanned.
    pub commits: u64,
    pub blobs: u64,
}

impl AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped += other.skipped;
        self.commits += other.commits;
        self.blobs += other.blobs;
    }
}

/// Something that could not be scanned. The scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Empty when the warning is about no one path.
    pub path: FilePath,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.as_bytes().is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path.escaped(), self.message)
        }
    }
}

/// What a scan found: findings (suppressed ones included), warnings and
/// counters. Sources fill one per thread; `merge` joins them.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    pub stats: Stats,
    /// Why the scan could not see everything it was asked to check. The
    /// caller reports what was found, then fails: keyward fails closed.
    pub incomplete: Option<String>,
}

impl Report {
    /// Record what the detector matched at `origin`.
    pub fn found(
        &mut self,
        detector: &Detector,
        origin: &Origin,
        matches: impl IntoIterator<Item = Match>,
    ) {
        self.findings.extend(
            matches
                .into_iter()
                .map(|m| Finding::new(&detector.rules()[m.rule], origin, m)),
        );
    }

    pub fn warn(&mut self, path: FilePath, message: impl Into<String>) {
        self.warnings.push(Warning {
            path,
            message: message.into(),
        });
    }

    pub fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.warnings.extend(other.warnings);
        self.stats += other.stats;
        if let Some(why) = other.incomplete {
            self.fail(why);
        }
    }

    /// Record that something asked for could not be scanned.
    pub fn fail(&mut self, why: String) {
        self.incomplete = Some(match self.incomplete.take() {
            Some(before) => format!("{before}; {why}"),
            None => why,
        });
    }

    /// Sort findings by path, line, column and rule, drop exact repeats,
    /// and sort warnings: the same input gives the same report.
    pub fn sort(&mut self) {
        self.findings
            .sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
        self.warnings.sort();
    }

    /// Findings that are not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    /// Suppressed findings counted per reason, in a stable order.
    pub fn suppressed_by_reason(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for s in self.findings.iter().filter_map(|f| f.suppression) {
            *counts.entry(s.reason()).or_default() += 1;
        }
        counts
    }
}

/// Scan git blobs, each once, and keep the matches of those that hold any.
/// The ids of missing blobs go to `missing`.
fn scan_blobs(
    git: &Git,
    detector: &Detector,
    shas: &[String],
    progress: &dyn Progress,
    report: &mut Report,
    missing: &mut Vec<String>,
) -> Result<HashMap<String, Vec<Match>>, Error> {
    let mut found = HashMap::new();
    if shas.is_empty() {
        return Ok(found);
    }
    progress.begin(shas.len() as u64);
    let mut buf = Vec::new();
    let result = git.read_blobs(shas, |sha, blob| {
        let Some((size, reader)) = blob else {
            missing.push(sha.to_string());
            return Ok(());
        };
        let mut matches = Vec::new();
        report.stats.bytes += detector.scan(reader, &mut buf, &mut matches)?;
        report.stats.blobs += 1;
        if !matches.is_empty() {
            found.insert(sha.to_string(), matches);
        }
        progress.advance(size);
        Ok(())
    });
    progress.finish();
    result.map(|()| found)
}
