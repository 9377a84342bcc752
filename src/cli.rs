//! Command-line arguments. Parsing only: the commands live in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use keyward_engine::policy::FailOn;

use crate::output::Format;
use crate::term::Color;

#[derive(Debug, Parser)]
#[command(
    name = "keyward",
    version,
    about = "Finds API keys in a repository, its staged changes or its history, before they leak.",
    after_help = "Exit status: 0 clean, 1 findings that block, 2 usage or runtime error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, stdin (-), the git index (--staged) or git history (--git).
    Scan(ScanArgs),
    /// List the active rules, built-in and custom.
    Rules(RulesArgs),
    /// Test one key: its format, whether it is live, and what an error means.
    /// The key is read from stdin or --env, never from the command line.
    Check(CheckArgs),
    /// Run in a GitHub Actions job (used by action.yml).
    Github(GithubArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Only keys a provider confirmed as working.
    Live,
    /// Everything but keys a provider confirmed revoked.
    Unrevoked,
    /// Every finding.
    Any,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> FailOn {
        match arg {
            FailOnArg::Live => FailOn::Live,
            FailOnArg::Unrevoked => FailOn::Unrevoked,
            FailOnArg::Any => FailOn::Any,
        }
    }
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Seconds per request.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub verify_timeout: f64,
    /// Seconds for the whole verification phase.
    #[arg(long, value_name = "SECS", default_value_t = 120.0)]
    pub verify_deadline: f64,
    /// Requests in flight at once, per provider (1 to 256).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub verify_concurrency: u64,
    /// Retries after a 429, a 5xx or a network error.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub verify_retries: u32,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Read the key from this environment variable instead of stdin.
    #[arg(long, value_name = "VAR")]
    pub env: Option<String>,
    /// Measure the round trip this many times.
    #[arg(long, default_value_t = 1)]
    pub rounds: usize,
    /// Only check the format; send nothing.
    #[arg(long)]
    pub offline: bool,
    /// Output format: text or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub verify: VerifyArgs,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Config file to use instead of keyward.toml or .keyward.toml at the root.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any config file.
    #[arg(long)]
    pub no_config: bool,
}

/// Options every scanning command shares.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Also scan files that .gitignore and .ignore exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links inside the tree.
    #[arg(long)]
    pub follow: bool,
    /// Skip larger files with a warning (K, M and G suffixes; 0 for no limit).
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Scanning threads (0: one per core; at most 64 are used).
    #[arg(long, short = 'j', default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=1024))]
    pub threads: u64,

    /// Ask each provider whether the keys found are live (sends them to the
    /// provider's own API, nowhere else).
    #[arg(long)]
    pub verify: bool,
    /// Which findings make the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Unrevoked)]
    pub fail_on: FailOnArg,
    #[command(flatten)]
    pub verify_options: VerifyArgs,

    #[command(flatten)]
    pub config: ConfigArgs,
    /// Report only findings that are not in this baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: drop the entries that are no longer found.
    #[arg(long, requires = "baseline")]
    pub prune_baseline: bool,
    /// Print whole secrets instead of redacted ones.
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory); `-`
    /// reads standard input. With --staged or --git: the repository that
    /// holds them, limited to the files under them.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Report format: text, json, sarif (code scanning) or github
    /// (workflow annotations).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour text output: auto (a terminal, unless NO_COLOR is set),
    /// always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print no summary line.
    #[arg(long, short)]
    pub quiet: bool,

    /// Scan what the git index holds for the paths that differ from HEAD.
    #[arg(long, conflicts_with_all = ["git"])]
    pub staged: bool,
    /// Scan the secrets each commit in RANGE adds (e.g. base..head).
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "HEAD")]
    pub git: Option<String>,
    /// With --git: every commit reachable from any ref.
    #[arg(long, requires = "git")]
    pub all: bool,
    /// Record the current findings in FILE and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// In a GitHub Actions job: scan what the event brings, write annotations,
/// SARIF, the job summary and step outputs.
#[derive(Debug, Args)]
pub struct GithubArgs {
    /// The directory to scan (the repository's work tree).
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// Where to write SARIF for code scanning.
    #[arg(long, value_name = "FILE", default_value = "keyward.sarif")]
    pub sarif_file: PathBuf,
    /// When the change's history cannot be fetched: fail (exit 2), or scan
    /// the tree with the built-in rules only.
    #[arg(long, value_enum, default_value_t = HistoryFallback::Fail)]
    pub history_fallback: HistoryFallback,
    /// Also write suppressed (allowed, baselined) results to the SARIF file.
    /// Code scanning ignores SARIF suppressions and would open an alert
    /// for each, so they are left out by default.
    #[arg(long)]
    pub sarif_suppressed: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFallback {
    Fail,
    Tree,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format: text, json or sarif (the rules as a SARIF run).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Where to look for keyward.toml.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `512M` → bytes; `0` means no limit.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 100K, 512M or 2G"))?;
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("{text:?} is not a size like 100K, 512M or 2G")),
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("10k"), Ok(10 << 10));
        assert_eq!(parse_size("7"), Ok(7));
        assert!(parse_size("lots").is_err());
    }
}
