//! The commands: turn arguments into the engine's options, run it, and
//! write what it returns. All terminal output happens here.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use keyward::baseline::Baseline;
use keyward::config::Config;
use keyward::detect::Detector;
use keyward::github;
use keyward::report::{self, Format, ReportInput};
use keyward::rules::{Rule, compile_rules};
use keyward::scan::{Progress, ScanOptions, ScanOutcome, Target, scan};
use keyward::source::fs::WalkOptions;
use keyward::source::git::{HistorySpec, repo_root};
use keyward::verify::{FailOn, VerifyOptions, verify_findings};

use crate::check::run_check;
use crate::cli::{
    Cli, ColorArg, Command, CommonArgs, ConfigArgs, FailOnArg, FormatArg, GithubArgs, RulesArgs,
    ScanArgs, VerifyArgs,
};

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules(args) => run_rules(args),
        Command::Check(args) => run_check(args),
        Command::Github(args) => run_github(args),
    }
}

/// Verification options: the defaults, base URLs from the environment only.
pub fn verify_options(args: &VerifyArgs) -> Result<VerifyOptions> {
    let seconds = |s: f64, name: &str| {
        std::time::Duration::try_from_secs_f64(s)
            .ok()
            .filter(|d| !d.is_zero())
            .with_context(|| format!("--{name} must be a positive number of seconds"))
    };
    Ok(VerifyOptions {
        concurrency: args.verify_concurrency.max(1),
        max_retries: args.verify_retries,
        timeout: seconds(args.verify_timeout, "verify-timeout")?,
        deadline: seconds(args.verify_deadline, "verify-deadline")?,
        ..VerifyOptions::default()
    }
    .with_env_overrides(|name| std::env::var(name).ok()))
}

fn load_config(args: &ConfigArgs, root: &Path) -> Result<Config> {
    Ok(match (&args.config, args.no_config) {
        (_, true) => Config::default(),
        (Some(path), false) => Config::load(path)?,
        (None, false) => Config::discover(root)?,
    })
}

fn build_rules(config: &Config) -> Result<Vec<Rule>> {
    Ok(compile_rules(config.rules.clone(), &config.disable)?)
}

/// A finished scan: findings after allowlists, baseline and verification.
struct Pipeline {
    outcome: ScanOutcome,
    detector: Detector,
    fail_on: FailOn,
    /// Extra words for the summary line.
    notes: Vec<String>,
}

impl Pipeline {
    fn blocking(&self) -> usize {
        self.outcome
            .findings
            .iter()
            .filter(|f| self.fail_on.blocks(f))
            .count()
    }
}

/// Scan, then apply the config's allowlist, the baseline and verification.
fn run_pipeline(common: &CommonArgs, target: Target, root: PathBuf) -> Result<Pipeline> {
    let config = load_config(&common.config, &root)?;
    let detector = Detector::new(build_rules(&config)?)?;
    let options = ScanOptions {
        target,
        root,
        walk: WalkOptions {
            no_ignore: common.no_ignore,
            follow_links: common.follow,
            max_file_size: (common.max_file_size > 0).then_some(common.max_file_size),
            threads: common.threads,
        },
        progress: progress_bar(),
    };
    let mut outcome = scan(&detector, &options)?;
    config.allow.apply(&mut outcome.findings);

    let mut notes = Vec::new();
    if let Some(path) = &common.baseline {
        let baseline = Baseline::load(path)?;
        let stale = baseline.apply(&mut outcome.findings);
        if common.prune_baseline && !stale.is_empty() {
            write_file(path, &baseline.pruned(&stale).to_json())?;
            notes.push(format!("{} stale baseline entries pruned", stale.len()));
        } else if !stale.is_empty() {
            notes.push(format!(
                "{} stale baseline entries (no longer found; --prune-baseline drops them)",
                stale.len()
            ));
        }
    }
    if common.verify {
        let stats = verify_findings(
            &mut outcome.findings,
            detector.rules(),
            &verify_options(&common.verify_options)?,
        )?;
        let live = outcome
            .active()
            .filter(|f| f.verification.as_ref().is_some_and(|v| v.status.is_live()))
            .count();
        notes.push(format!(
            "verified {} distinct keys with {} requests: {live} live",
            stats.distinct_keys, stats.requests
        ));
    }
    let fail_on = match common.fail_on {
        FailOnArg::Live => FailOn::Live,
        FailOnArg::Unrevoked => FailOn::Unrevoked,
        FailOnArg::Any => FailOn::Any,
    };
    Ok(Pipeline {
        outcome,
        detector,
        fail_on,
        notes,
    })
}

/// A progress line on stderr, only on a terminal and only once a scan has
/// taken two seconds; redrawn at most ten times a second.
fn progress_bar() -> Progress {
    if !std::io::stderr().is_terminal() {
        return Progress::default();
    }
    let started = std::time::Instant::now();
    let last = std::sync::Mutex::new(std::time::Duration::ZERO);
    Progress::new(move |done, total| {
        let elapsed = started.elapsed();
        let Ok(mut last) = last.lock() else { return };
        if elapsed.as_secs() < 2 || (elapsed - *last).as_millis() < 100 && done < total {
            return;
        }
        *last = elapsed;
        let width = 30u64;
        let filled = (done * width).checked_div(total).unwrap_or(width) as usize;
        let end = if done >= total { "\n" } else { "" };
        eprint!(
            "\rkeyward: [{}{}] {done}/{total} blobs{end}",
            "#".repeat(filled),
            " ".repeat(width as usize - filled)
        );
    })
}

/// What the scan is of, and the root its paths are relative to.
fn target_and_root(args: &ScanArgs) -> Result<(Target, PathBuf)> {
    if args.staged || args.git.is_some() {
        let root = repo_root(Path::new("."))?;
        let target = match &args.git {
            Some(_) if args.all => Target::History(HistorySpec::All),
            Some(range) => Target::History(HistorySpec::Range(range.clone())),
            None => Target::Staged,
        };
        return Ok((target, root));
    }
    if args.paths.len() == 1 && args.paths[0] == Path::new("-") {
        return Ok((Target::Stdin, PathBuf::from(".")));
    }
    if args.paths.iter().any(|p| p == Path::new("-")) {
        anyhow::bail!("`-` (stdin) cannot be combined with other paths");
    }
    let root = match args.paths.as_slice() {
        [dir] if dir.is_dir() => dir.clone(),
        _ => PathBuf::from("."),
    };
    Ok((Target::Paths(args.paths.clone()), root))
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    let (target, root) = target_and_root(&args)?;
    let mut pipeline = run_pipeline(&args.common, target, root)?;
    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::from_findings(&pipeline.outcome.findings);
        write_file(path, &baseline.to_json())?;
        pipeline.notes.push(format!(
            "wrote {} baseline entries to {}",
            baseline.entries.len(),
            path.display()
        ));
    }
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    let rendered = render(&pipeline, format, args.common.show_secrets, color);
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => write_stdout(&rendered)?,
    }
    let blocking = if args.write_baseline.is_some() {
        0
    } else {
        pipeline.blocking()
    };
    if !args.quiet {
        print_summary(&pipeline, blocking > 0 && format == Format::Text);
    }
    Ok(exit_code(blocking))
}

/// Render a report; warnings about it and the scan go to stderr.
fn render(pipeline: &Pipeline, format: Format, show_secrets: bool, color: bool) -> String {
    let rendered = report::render(
        format,
        &ReportInput {
            outcome: &pipeline.outcome,
            rules: pipeline.detector.rules(),
            show_secrets,
            color,
        },
    );
    let mut stderr = std::io::stderr().lock();
    for warning in &pipeline.outcome.warnings {
        let _ = writeln!(stderr, "keyward: warning: {warning}");
    }
    for warning in &rendered.warnings {
        let _ = writeln!(stderr, "keyward: warning: {warning}");
    }
    rendered.text
}

fn print_summary(pipeline: &Pipeline, with_fix: bool) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "keyward: {}",
        summary(&pipeline.outcome, &pipeline.notes)
    );
    if with_fix {
        let _ = writeln!(stderr, "{HOW_TO_FIX}");
    }
}

fn exit_code(blocking: usize) -> ExitCode {
    if blocking > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `keyward github`: the scan the event asks for, reported the ways a
/// workflow run shows it.
fn run_github(args: GithubArgs) -> Result<ExitCode> {
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
    let plan = github::plan(&event_name, &payload);
    let tree = Target::Paths(vec![args.path.clone()]);
    let repo = match &plan {
        github::Plan::Tree => None,
        _ => Some(repo_root(&args.path)?),
    };
    let (target, notes) = match &repo {
        None => (tree, Vec::new()),
        Some(repo) => github::prepare(&plan, repo, tree)?,
    };
    for note in &notes {
        eprintln!("keyward: {note}");
    }
    let (root, scanned) = match (&target, repo) {
        (Target::History(HistorySpec::Range(range)), Some(repo)) => {
            (repo, format!("the commits in `{range}`"))
        }
        _ => (
            args.path.clone(),
            format!("the tree at {}", args.path.display()),
        ),
    };
    let mut pipeline = run_pipeline(&args.common, target, root)?;
    pipeline.notes.splice(0..0, notes);
    let show = args.common.show_secrets;
    write_file(
        &args.sarif_file,
        &render(&pipeline, Format::Sarif, show, false),
    )?;
    write_stdout(&render(&pipeline, Format::Github, show, false))?;
    let sarif = args.sarif_file.display().to_string();
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        append_file(
            Path::new(&path),
            &github::step_summary(&pipeline.outcome, &scanned, &pipeline.notes),
        )?;
    }
    if let Some(path) = std::env::var_os("GITHUB_OUTPUT") {
        append_file(
            Path::new(&path),
            &github::outputs(&pipeline.outcome, &sarif),
        )?;
    }
    print_summary(&pipeline, false);
    Ok(exit_code(pipeline.blocking()))
}

const HOW_TO_FIX: &str = "\
keyward: to fix: rotate each key at its provider (`keyward rules` lists where), then remove it
         (staged: `git restore --staged FILE`; pushed: purge it from history).
         A false positive: add `keyward:allow` in a comment on its line, or a baseline.";

fn summary(outcome: &ScanOutcome, notes: &[String]) -> String {
    let s = &outcome.stats;
    let active = outcome.active().count();
    let mut line = if s.commits > 0 || s.blobs > 0 {
        format!("{} commits, {} blobs", s.commits, s.blobs)
    } else {
        format!("{} files", s.files)
    };
    line.push_str(&format!(
        ", {} scanned in {:.2}s: {} finding{}",
        human_bytes(s.bytes),
        s.elapsed.as_secs_f64(),
        active,
        if active == 1 { "" } else { "s" }
    ));
    let suppressed = outcome.suppressed_by_reason();
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
    if !outcome.warnings.is_empty() {
        line.push_str(&format!(", {} warnings", outcome.warnings.len()));
    }
    for note in notes {
        line.push_str("; ");
        line.push_str(note);
    }
    line
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn append_file(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A closed pipe (`keyward scan | head`) ends output quietly.
fn write_stdout(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

fn run_rules(args: RulesArgs) -> Result<ExitCode> {
    let config = load_config(&args.config, &args.root)?;
    let rules = build_rules(&config)?;
    let text = match args.format {
        FormatArg::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id(),
                        "name": r.name(),
                        "provider": r.def.provider,
                        "description": r.def.description,
                        "severity": r.def.severity.as_str(),
                        "builtin": r.builtin,
                        "verifiable": r.def.verifier.is_some(),
                        "rotate": r.def.rotate,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list)? + "\n"
        }
        _ => {
            let mut out = String::new();
            for r in &rules {
                out.push_str(&format!(
                    "{:<26} {:<12} {:<8} {:<10} {}\n",
                    r.id(),
                    r.def.provider,
                    r.def.severity.as_str(),
                    if r.def.verifier.is_some() {
                        "verifiable"
                    } else {
                        "-"
                    },
                    r.def.description
                ));
            }
            out
        }
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
