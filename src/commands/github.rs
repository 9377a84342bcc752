//! `keyward github`: the scan an Actions event asks for, reported the ways
//! a workflow run shows it: annotations, SARIF, the job summary and step
//! outputs. Config and baseline come from the trusted side of the change;
//! what cannot be seen fails the step.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use keyward_engine::git::Git;
use keyward_engine::source::files::{Coverage, Files, Reader};
use keyward_engine::source::history::{History, Range};
use keyward_engine::source::{Silent, Source};

use super::{exit_code, verify_options, walk_options};
use crate::cli::{GithubArgs, HistoryFallback};
use crate::github::event::plan;
use crate::github::fetch::{Fallback, Target, prepare};
use crate::github::summary::{outputs, step_summary};
use crate::github::trust;
use crate::output::github as annotation;
use crate::output::{Document, Findings, Format};
use crate::pipeline::{self, BaselineUse, Settings};
use crate::term;

pub fn run(args: GithubArgs) -> Result<ExitCode> {
    let result = scan(args);
    if let Err(e) = &result {
        // Shown on the run's page, not only in its log.
        let _ = term::stdout(&annotation::error(
            "keyward could not check this change",
            &format!("{e:#}"),
        ));
    }
    result
}

fn scan(args: GithubArgs) -> Result<ExitCode> {
    let common = &args.common;
    if common.prune_baseline {
        anyhow::bail!(
            "--prune-baseline does not apply to `keyward github`: the baseline is read from the trusted side"
        );
    }
    let event_name = std::env::var("GITHUB_EVENT_NAME").unwrap_or_default();
    let payload: serde_json::Value = match std::env::var_os("GITHUB_EVENT_PATH") {
        Some(path) => {
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("cannot read the event at {}", Path::new(&path).display())
            })?;
            serde_json::from_str(&text).context("the event payload is not JSON")?
        }
        None => serde_json::Value::Null,
    };
    let git_ref = std::env::var("GITHUB_REF").ok();
    let plan = plan(&event_name, &payload, git_ref.as_deref()).map_err(anyhow::Error::msg)?;
    // Paths in annotations and SARIF are relative to the repository root,
    // whatever directory is scanned.
    let sarif_file = std::path::absolute(&args.sarif_file)?;
    let git = Git::discover(&args.path)?;
    let root = git.dir().to_path_buf();
    let scanned_dir = relative_to(&std::path::absolute(&args.path)?, &root)?;
    std::env::set_current_dir(&root).with_context(|| format!("cannot enter {}", root.display()))?;
    let git = Git::new(".");
    let fallback = match args.history_fallback {
        HistoryFallback::Fail => Fallback::Fail,
        HistoryFallback::Tree => Fallback::Tree,
    };
    let prepared = prepare(&plan, &git, fallback).map_err(anyhow::Error::msg)?;
    let mut notes = prepared.notes;
    for note in &notes {
        term::note(note);
    }
    let config = trust::config(
        &git,
        &prepared.trusted,
        common.config.config.as_ref(),
        common.config.no_config,
        &mut notes,
    )?;
    let baseline = match &common.baseline {
        Some(path) => trust::baseline(&git, &prepared.trusted, path, &mut notes)?.map(|baseline| {
            BaselineUse {
                baseline,
                prune_to: None,
            }
        }),
        None => None,
    };
    let (mut source, scanned): (Box<dyn Source>, String) = match prepared.target {
        Target::History(range) => {
            let what = match &range {
                Range::Revisions(r) => format!("the commits in `{r}`"),
                Range::All => "every commit".to_string(),
            };
            let history = History {
                dir: PathBuf::from("."),
                range,
                paths: Vec::new(),
            };
            (Box::new(history), what)
        }
        Target::Tree => {
            let files = Files {
                paths: vec![scanned_dir.clone()],
                options: walk_options(common),
                coverage: Coverage::Tracked,
            };
            (
                Box::new(files),
                format!("the tracked files in `{}`", scanned_dir.display()),
            )
        }
        Target::Nothing => (
            Box::new(Reader {
                name: Default::default(),
                reader: Box::new(std::io::empty()),
            }),
            "nothing".to_string(),
        ),
    };
    let settings = Settings {
        config,
        baseline,
        verify: match common.verify {
            true => Some(verify_options(&common.verify_options)?),
            false => None,
        },
        fail_on: super::fail_on(common)?,
    };
    let mut result = pipeline::run(source.as_mut(), settings, &Silent)?;
    result.notes.splice(0..0, notes);
    let findings = Findings {
        report: &result.report,
        rules: result.detector.rules(),
        show_secrets: common.show_secrets,
        color: false,
        suppressed: args.sarif_suppressed,
    };
    let document = Document::Scan(&findings);
    let warnings = term::write_file_with(&sarif_file, |out| Format::Sarif.write(&document, out))?;
    term::stdout_with(|out| Format::Github.write(&document, out))?;
    result.print_warnings(&warnings);
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        term::append_file(
            Path::new(&path),
            &step_summary(&result.report, &scanned, &result.notes),
        )?;
    }
    if let Some(path) = std::env::var_os("GITHUB_OUTPUT") {
        let shown = args.sarif_file.display().to_string();
        term::append_file(Path::new(&path), &outputs(&result.report, &shown))?;
    }
    term::note(&result.summary());
    if let Some(why) = &result.report.incomplete {
        term::error(&anyhow::anyhow!("{why}"));
        return Ok(ExitCode::from(2));
    }
    Ok(exit_code(result.blocking()))
}

/// `path` relative to `root`, which must hold it.
fn relative_to(path: &Path, root: &Path) -> Result<PathBuf> {
    let real = std::fs::canonicalize(path)
        .with_context(|| format!("{}: no such directory", path.display()))?;
    let root = std::fs::canonicalize(root)?;
    let rel = real.strip_prefix(&root).with_context(|| {
        format!(
            "{} is not inside the repository at {}",
            path.display(),
            root.display()
        )
    })?;
    Ok(if rel.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        rel.to_path_buf()
    })
}
