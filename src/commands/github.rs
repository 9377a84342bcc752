//! `keyward github`: the scan an Actions event asks for, reported the ways
//! a workflow run shows it: annotations, SARIF, the job summary and step
//! outputs.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use keyward_engine::git::Git;
use keyward_engine::source::files::Files;
use keyward_engine::source::history::{History, Range};
use keyward_engine::source::{Silent, Source};

use super::{exit_code, load_config, settings, walk_options};
use crate::cli::GithubArgs;
use crate::github::event::{Plan, plan};
use crate::github::fetch::{Target, prepare};
use crate::github::summary::{outputs, step_summary};
use crate::output::{Document, Findings, Format};
use crate::pipeline;
use crate::term;

pub fn run(args: GithubArgs) -> Result<ExitCode> {
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
    let plan = plan(&event_name, &payload);
    let (target, notes) = match &plan {
        Plan::Tree => (Target::Tree, Vec::new()),
        _ => prepare(&plan, &Git::discover(&args.path)?),
    };
    for note in &notes {
        term::note(note);
    }
    let common = &args.common;
    let (mut source, root, scanned): (Box<dyn Source>, _, _) = match target {
        Target::History(range) => {
            let root = Git::discover(&args.path)?.dir().to_path_buf();
            let what = match &range {
                Range::Revisions(r) => format!("the commits in `{r}`"),
                Range::All => "every commit".to_string(),
            };
            (
                Box::new(History {
                    dir: root.clone(),
                    range,
                    paths: Vec::new(),
                }),
                root,
                what,
            )
        }
        Target::Tree => (
            Box::new(Files {
                paths: vec![args.path.clone()],
                root: args.path.clone(),
                options: walk_options(common),
            }),
            args.path.clone(),
            format!("the tree at {}", args.path.display()),
        ),
    };
    let config = load_config(&common.config, &root)?;
    let mut result = pipeline::run(source.as_mut(), settings(common, config)?, &Silent)?;
    result.notes.splice(0..0, notes);
    let findings = Findings {
        report: &result.report,
        rules: result.detector.rules(),
        show_secrets: common.show_secrets,
        color: false,
    };
    let sarif = Format::Sarif.render(&Document::Scan(&findings))?;
    term::write_file(&args.sarif_file, &sarif.text)?;
    let annotations = Format::Github.render(&Document::Scan(&findings))?;
    term::stdout(&annotations.text)?;
    result.print_warnings(&[&sarif, &annotations]);
    let sarif_file = args.sarif_file.display().to_string();
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        term::append_file(
            Path::new(&path),
            &step_summary(&result.report, &scanned, &result.notes),
        )?;
    }
    if let Some(path) = std::env::var_os("GITHUB_OUTPUT") {
        term::append_file(Path::new(&path), &outputs(&result.report, &sarif_file))?;
    }
    term::note(&result.summary());
    if let Some(why) = &result.report.incomplete {
        term::error(&anyhow::anyhow!("{why}"));
        return Ok(ExitCode::from(2));
    }
    Ok(exit_code(result.blocking()))
}
