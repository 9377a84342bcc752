//! The scan engine: runs a source through the detector and turns hits into
//! findings. It never prints; warnings travel in the outcome.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::detect::Detector;
use crate::error::Error;
use crate::finding::{Finding, Secret, Suppression, SuppressionKind, fingerprint, redact};
use crate::source::fs::{WalkOptions, scan_paths, scan_reader};
use crate::source::git::{HistorySpec, scan_history, scan_staged};
use crate::source::{Hit, SourceOutput, Warning};

/// What to scan.
#[derive(Debug, Clone)]
pub enum Target {
    Paths(Vec<PathBuf>),
    Stdin,
    /// The git index: what the next commit would hold.
    Staged,
    History(HistorySpec),
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub target: Target,
    /// Paths in findings are relative to it; config files are found in it.
    pub root: PathBuf,
    pub walk: WalkOptions,
    /// Told (done, total) as a history scan reads its blobs.
    pub progress: Progress,
}

/// A progress callback; the caller decides whether anything is shown.
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>>);

impl Progress {
    pub fn new(f: impl Fn(u64, u64) + Send + Sync + 'static) -> Progress {
        Progress(Some(std::sync::Arc::new(f)))
    }

    pub fn report(&self, done: u64, total: u64) {
        if let Some(f) = &self.0 {
            f(done, total);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(on)"
        } else {
            "Progress(off)"
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScanStats {
    pub files: u64,
    pub bytes: u64,
    pub skipped: u64,
    pub commits: u64,
    pub blobs: u64,
    pub elapsed: Duration,
}

#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// Sorted by path, line, column and rule; suppressed findings included.
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    pub stats: ScanStats,
}

impl ScanOutcome {
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    /// Suppressed findings counted per reason, in a stable order.
    pub fn suppressed_by_reason(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for f in &self.findings {
            if let Some(s) = &f.suppression {
                *counts.entry(s.reason.as_str()).or_default() += 1;
            }
        }
        counts
    }
}

pub fn scan(detector: &Detector, options: &ScanOptions) -> Result<ScanOutcome, Error> {
    let started = Instant::now();
    let output = match &options.target {
        Target::Paths(paths) => scan_paths(detector, paths, &options.root, &options.walk)?,
        Target::Stdin => scan_reader(detector, &mut std::io::stdin().lock(), "<stdin>"),
        Target::Staged => scan_staged(detector, &options.root)?,
        Target::History(spec) => scan_history(detector, &options.root, spec, &|done, total| {
            options.progress.report(done, total)
        })?,
    };
    Ok(outcome_from(detector, output, started.elapsed()))
}

fn outcome_from(detector: &Detector, output: SourceOutput, elapsed: Duration) -> ScanOutcome {
    let SourceOutput {
        hits,
        mut warnings,
        files,
        bytes,
        skipped,
        commits,
        blobs,
    } = output;
    let mut findings: Vec<Finding> = hits
        .into_iter()
        .map(|hit| to_finding(detector, hit))
        .collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    warnings.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    ScanOutcome {
        findings,
        warnings,
        stats: ScanStats {
            files,
            bytes,
            skipped,
            commits,
            blobs,
            elapsed,
        },
    }
}

fn to_finding(detector: &Detector, hit: Hit) -> Finding {
    let rule = &detector.rules()[hit.located.rule];
    let located = hit.located;
    Finding {
        rule_id: rule.id().to_string(),
        provider: rule.def.provider.clone(),
        path: hit.path,
        commit: hit.commit,
        line: located.line,
        column: located.column,
        end_line: located.end_line,
        end_column: located.end_column,
        redacted: redact(rule, &located.secret),
        fingerprint: fingerprint(rule.id(), &located.secret),
        secret: Secret::new(located.secret),
        suppression: located.allow_marker.map(|marker| Suppression {
            kind: SuppressionKind::InSource,
            reason: format!("inline {marker}"),
        }),
        verification: None,
    }
}
