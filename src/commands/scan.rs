//! `keyward scan`: files, standard input, the index or history.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use keyward_engine::baseline::Baseline;
use keyward_engine::git::Git;
use keyward_engine::path::FilePath;
use keyward_engine::source::files::{Coverage, Files, Reader};
use keyward_engine::source::history::{History, Range};
use keyward_engine::source::index::Index;
use keyward_engine::source::{Progress, Silent, Source};

use super::{exit_code, load_config, settings, walk_options};
use crate::cli::ScanArgs;
use crate::output::{Document, Findings, Format, Kind};
use crate::pipeline;
use crate::progress::Bar;
use crate::term;

pub const HOW_TO_FIX: &str = "\
keyward: to fix: rotate each key at its provider (`keyward rules` lists where), then remove it
         (staged: `git restore --staged FILE`; pushed: purge it from history).
         A false positive: add `keyward:allow` in a comment on its line, or a baseline.";

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    args.format.require(Kind::Scan, "scan")?;
    let (mut source, root) = source(&args)?;
    let config = load_config(&args.common.config, &root)?;
    let bar = Bar::for_blobs();
    let progress: &dyn Progress = match &bar {
        Some(bar) => bar,
        None => &Silent,
    };
    let mut scanned = pipeline::run(source.as_mut(), settings(&args.common, config)?, progress)?;
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_findings(&scanned.report.findings);
        term::write_file(path, &baseline.to_json())?;
        scanned.notes.push(format!(
            "wrote {} baseline entries to {}",
            baseline.entries.len(),
            path.display()
        ));
    }
    let color = args.color.enabled(args.output.is_some());
    let document = Document::Scan(&Findings {
        report: &scanned.report,
        rules: scanned.detector.rules(),
        show_secrets: args.common.show_secrets,
        color,
        suppressed: true,
    });
    let write = |out: &mut dyn std::io::Write| args.format.write(&document, out);
    let warnings = match &args.output {
        Some(path) => term::write_file_with(path, write)?,
        None => term::stdout_with(write)?,
    };
    scanned.print_warnings(&warnings);
    let blocking = if args.write_baseline.is_some() {
        0
    } else {
        scanned.blocking()
    };
    if !args.quiet {
        term::note(&scanned.summary());
        if blocking > 0 && args.format == Format::Text {
            term::stderr(HOW_TO_FIX);
        }
    }
    // Fail closed: what was found is reported, but a scan that could not
    // see everything it was asked to check is no pass.
    if let Some(why) = &scanned.report.incomplete {
        term::error(&anyhow::anyhow!("{why}"));
        return Ok(ExitCode::from(2));
    }
    Ok(exit_code(blocking))
}

/// What the arguments ask to scan, and the directory whose config applies:
/// the repository root of what is scanned (or the working directory), so
/// that naming a subdirectory neither loses the root's config nor obeys a
/// vendored one.
fn source(args: &ScanArgs) -> Result<(Box<dyn Source>, PathBuf)> {
    if args.staged || args.git.is_some() {
        return git_source(args);
    }
    let paths = match args.paths.as_slice() {
        [] => vec![PathBuf::from(".")],
        paths => paths.to_vec(),
    };
    if paths.len() == 1 && paths[0] == Path::new("-") {
        let reader = Reader {
            name: FilePath::from_bytes(b"<stdin>".to_vec()),
            reader: Box::new(std::io::stdin()),
        };
        return Ok((Box::new(reader), config_root(Path::new("."))));
    }
    if paths.iter().any(|p| p == Path::new("-")) {
        anyhow::bail!("`-` (stdin) cannot be combined with other paths");
    }
    let root = config_root(&paths[0]);
    let files = Files {
        paths,
        options: walk_options(&args.common),
        coverage: Coverage::WorkTree,
    };
    Ok((Box::new(files), root))
}

/// The top of the work tree that holds `path`, or the working directory.
fn config_root(path: &Path) -> PathBuf {
    let dir = if path.is_dir() {
        path
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    Git::discover(dir).map_or_else(|_| PathBuf::from("."), |git| git.dir().to_path_buf())
}

/// `--staged` or `--git`: the paths choose the repository (the current
/// directory's without any) and limit the scan to the files under them.
/// `--git` takes an optional value, so `--git .` or `--git src/` gives a
/// path, not a revision: a value that exists on disk and names no commit is
/// a path.
fn git_source(args: &ScanArgs) -> Result<(Box<dyn Source>, PathBuf)> {
    if args.paths.iter().any(|p| p == Path::new("-")) {
        anyhow::bail!("`-` (stdin) cannot be combined with --staged or --git");
    }
    let mut paths = args.paths.clone();
    let mut range = args.git.clone();
    // HEAD, the default, is always the revision.
    if let Some(value) = &args.git
        && value != "HEAD"
        && Path::new(value).exists()
    {
        let here = Git::discover(Path::new(".")).ok();
        if here.as_ref().and_then(|g| g.commit(value)).is_some() {
            anyhow::bail!(
                "`{value}` names both a commit and a path: write `--git '{value}^{{commit}}'` for the commit, or `--git HEAD {value}` for the path"
            );
        }
        paths.insert(0, PathBuf::from(value));
        range = Some("HEAD".to_string());
    }
    let (git, limits) = Git::for_paths(&paths)?;
    let root = git.dir().to_path_buf();
    let source: Box<dyn Source> = match range {
        Some(range) if args.all => {
            if range != "HEAD" {
                anyhow::bail!("--all scans every ref: drop the range `{range}`");
            }
            Box::new(History {
                dir: root.clone(),
                range: Range::All,
                paths: limits,
            })
        }
        Some(range) => Box::new(History {
            dir: root.clone(),
            range: Range::Revisions(range),
            paths: limits,
        }),
        None => Box::new(Index {
            dir: root.clone(),
            paths: limits,
        }),
    };
    Ok((source, root))
}
