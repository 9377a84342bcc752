//! One scan from start to finish: detect, allow, baseline, verify. `scan`
//! and `github` share it; they differ in where the config comes from and
//! how the result is written.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use keyward_engine::baseline::Baseline;
use keyward_engine::config::Config;
use keyward_engine::detect::Detector;
use keyward_engine::policy::FailOn;
use keyward_engine::rules::compile_rules;
use keyward_engine::scan::scan;
use keyward_engine::source::{Progress, Report, Source};
use keyward_engine::verdict::Status;
use keyward_verify::{VerifyOptions, verify_findings};

use crate::term::{count, human_bytes};

/// How to judge what a source holds.
pub struct Settings {
    pub config: Config,
    pub baseline: Option<BaselineUse>,
    /// `Some` with `--verify`.
    pub verify: Option<VerifyOptions>,
    pub fail_on: FailOn,
}

pub struct BaselineUse {
    pub baseline: Baseline,
    /// Where to write it back without its stale entries, if asked to.
    pub prune_to: Option<PathBuf>,
}

/// A finished scan.
pub struct Scanned {
    pub report: Report,
    pub detector: Detector,
    pub fail_on: FailOn,
    /// Extra words for the summary line.
    pub notes: Vec<String>,
    pub elapsed: Duration,
}

/// The rules a config asks for, checked against the known verifiers.
pub fn detector(config: &Config) -> Result<Detector> {
    let rules = compile_rules(
        config.rules.clone(),
        &config.disable,
        &keyward_verify::providers::ids(),
    )?;
    Ok(Detector::new(rules)?)
}

pub fn run(
    source: &mut dyn Source,
    settings: Settings,
    progress: &dyn Progress,
) -> Result<Scanned> {
    let started = Instant::now();
    let detector = detector(&settings.config)?;
    let mut report = scan(source, &detector, progress)?;
    settings
        .config
        .allow
        .apply(&mut report.findings, &source.base());

    let mut notes = Vec::new();
    if let Some(BaselineUse { baseline, prune_to }) = &settings.baseline {
        let stale = baseline.apply(&mut report.findings);
        match prune_to {
            Some(path) if !stale.is_empty() => {
                crate::term::write_file(path, &baseline.pruned(&stale).to_json())?;
                notes.push(format!("{} stale baseline entries pruned", stale.len()));
            }
            _ if !stale.is_empty() => notes.push(format!(
                "{} stale baseline entries (no longer found; --prune-baseline drops them)",
                stale.len()
            )),
            _ => {}
        }
    }
    if let Some(options) = &settings.verify {
        let stats = verify_findings(&mut report.findings, detector.rules(), options)
            .map_err(anyhow::Error::msg)?;
        let live = report
            .active()
            .filter(|f| f.verification.as_ref().is_some_and(|v| v.status.is_live()))
            .count();
        notes.push(format!(
            "verified {} with {}: {live} live",
            count(stats.distinct_keys as u64, "distinct key", "distinct keys"),
            count(stats.requests as u64, "request", "requests"),
        ));
        let unknown = report
            .active()
            .filter(|f| {
                f.verification
                    .as_ref()
                    .is_some_and(|v| v.status == Status::Unknown)
            })
            .count();
        if settings.fail_on == FailOn::Live && unknown > 0 {
            notes.push(format!(
                "{unknown} could not be verified (unknown) and do not block under --fail-on live"
            ));
        }
    }
    Ok(Scanned {
        report,
        detector,
        fail_on: settings.fail_on,
        notes,
        elapsed: started.elapsed(),
    })
}

impl Scanned {
    /// Print the scan's warnings and those of writing its report, each
    /// once.
    pub fn print_warnings(&self, written: &[String]) {
        let scan: Vec<String> = self
            .report
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect();
        crate::term::warnings(scan.iter().chain(written).map(String::as_str));
    }

    pub fn blocking(&self) -> usize {
        self.report
            .findings
            .iter()
            .filter(|f| self.fail_on.blocks(f))
            .count()
    }

    /// The summary line: what was scanned, found, suppressed and skipped.
    pub fn summary(&self) -> String {
        let s = &self.report.stats;
        let active = self.report.active().count();
        let mut line = if s.commits > 0 || s.blobs > 0 {
            format!(
                "{}, {}",
                count(s.commits, "commit", "commits"),
                count(s.blobs, "blob", "blobs")
            )
        } else {
            count(s.files, "file", "files")
        };
        line.push_str(&format!(
            ", {} scanned in {:.2}s: {} finding{}",
            human_bytes(s.bytes),
            self.elapsed.as_secs_f64(),
            active,
            if active == 1 { "" } else { "s" }
        ));
        let suppressed = self.report.suppressed_by_reason();
        let total: usize = suppressed.values().sum();
        line.push_str(&format!(", {total} suppressed"));
        if total > 0 {
            let parts: Vec<String> = suppressed
                .iter()
                .map(|(r, n)| format!("{r}: {n}"))
                .collect();
            line.push_str(&format!(" ({})", parts.join(", ")));
        }
        if s.skipped > 0 {
            line.push_str(&format!(", {} skipped", s.skipped));
        }
        if !self.report.warnings.is_empty() {
            line.push_str(&format!(
                ", {}",
                count(self.report.warnings.len() as u64, "warning", "warnings")
            ));
        }
        for note in &self.notes {
            line.push_str("; ");
            line.push_str(note);
        }
        line
    }
}
