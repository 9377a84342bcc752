//! What reaches the terminal and the file system: colour, stderr lines,
//! report files. Every byte keyward writes goes through here.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether text written to standard output (or to a file, when
    /// `to_file`) gets colour. `auto` follows the terminal, `NO_COLOR` and
    /// `CLICOLOR_FORCE`, as anstream reads them.
    pub fn enabled(self, to_file: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto if to_file => false,
            Color::Auto => !matches!(
                anstream::AutoStream::choice(&std::io::stdout()),
                anstream::ColorChoice::Never
            ),
        }
    }
}

/// `keyward: error: …` with the whole cause chain, once, keys redacted.
pub fn error(e: &anyhow::Error) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "keyward: error: {}",
        redact(&format!("{e:#}"))
    );
}

/// `keyward: warning: …` for each distinct warning, in order, keys redacted.
pub fn warnings<'a>(warnings: impl IntoIterator<Item = &'a str>) {
    let mut seen = std::collections::HashSet::new();
    let mut stderr = std::io::stderr().lock();
    for warning in warnings {
        if seen.insert(warning) {
            let _ = writeln!(stderr, "keyward: warning: {}", redact(warning));
        }
    }
}

/// Any key in a message that quotes input (a config value, an argument, a
/// panic), redacted with the built-in rules.
pub fn redact(text: &str) -> String {
    static DETECTOR: std::sync::OnceLock<Option<keyward_engine::detect::Detector>> =
        std::sync::OnceLock::new();
    // The built-in rules only: a config may be what failed to load.
    let detector = DETECTOR.get_or_init(|| {
        let ids = keyward_verify::providers::ids();
        let rules = keyward_engine::rules::compile_rules(Vec::new(), &[], &ids).ok()?;
        keyward_engine::detect::Detector::new(rules).ok()
    });
    match detector {
        Some(d) => d.redact_text(text),
        None => text.to_string(),
    }
}

/// Panics are bugs; their message may quote input, so it is redacted too.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr().lock(),
            "keyward: internal error{place}: {}\nkeyward: please report this at https://github.com/keyward/keyward/issues",
            redact(&message)
        );
    }));
}

/// A line for a human on stderr, prefixed `keyward: `.
pub fn note(text: &str) {
    stderr(&format!("keyward: {text}"));
}

/// Text for a human on stderr, as it is.
pub fn stderr(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Standard output. A closed pipe (`keyward scan | head`) ends output
/// quietly, as ripgrep does.
pub fn stdout(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// Write a whole file atomically: a temporary file beside it, then a
/// rename, so that an interruption leaves the old file, never a torn one.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    write_file_with(path, |out| Ok(out.write_all(text.as_bytes())?))
}

/// `write_file`, the content streamed by `fill`.
pub fn write_file_with<T>(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.keyward-{}.tmp", std::process::id()));
    let written = (|| -> Result<T> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&temp)?);
        let value = fill(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&temp, path)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// Standard output, streamed by `fill`. A closed pipe ends output quietly.
pub fn stdout_with<T: Default>(fill: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = fill(&mut out).and_then(|value| {
        out.flush()?;
        Ok(value)
    });
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(T::default()),
        other => other.context("cannot write to standard output"),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Append to a file the runner reads (`GITHUB_OUTPUT`, the job summary).
pub fn append_file(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `1 file`, `2 files`.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn human_bytes(bytes: u64) -> String {
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
