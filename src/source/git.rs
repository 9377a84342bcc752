//! Git as a source: the index (`--staged`) and commit history (`--git`).
//! Blobs are read through one `git cat-file --batch` process; each distinct
//! blob is scanned once.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::{Hit, SourceOutput, Warning};
use crate::detect::{Detector, Located, scan_stream};
use crate::error::Error;

/// Which commits to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistorySpec {
    /// A revision range as git understands it (`base..head`, or one commit
    /// for it and all its ancestors).
    Range(String),
    /// Every commit reachable from any ref.
    All,
}

const NULL_SHA: &str = "0000000000000000000000000000000000000000";
const SUBMODULE_MODE: &str = "160000";
const SYMLINK_MODE: &str = "120000";

/// The top of the work tree that holds `dir`.
pub fn repo_root(dir: &Path) -> Result<PathBuf, Error> {
    let out = git(dir, &["rev-parse", "--show-toplevel"])?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out).trim_end()))
}

/// Scan what the index holds for every path that differs from HEAD: the
/// content the next commit would carry, whatever the work tree says.
pub fn scan_staged(detector: &Detector, dir: &Path) -> Result<SourceOutput, Error> {
    let root = repo_root(dir)?;
    let raw = git(
        &root,
        &[
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--diff-filter=ACMRT",
        ],
    )?;
    let mut output = SourceOutput::default();
    let mut blobs = BlobReader::start(&root)?;
    let mut buf = Vec::new();
    for change in parse_raw(&raw) {
        let Some(change) = change.scannable() else {
            continue;
        };
        let mut located = Vec::new();
        match blobs.scan(detector, &change.new_sha, &mut buf, &mut located) {
            Ok(bytes) => {
                output.files += 1;
                output.bytes += bytes;
            }
            Err(e) => output.warnings.push(Warning {
                path: change.path.clone(),
                message: format!("cannot read the staged blob: {e}"),
            }),
        }
        output.hits.extend(located.into_iter().map(|located| Hit {
            path: change.path.clone(),
            commit: None,
            located,
        }));
    }
    Ok(output)
}

/// Scan the secrets that each commit in `spec` adds: those in a file's new
/// blob that were not in the file's blob before the commit.
pub fn scan_history(
    detector: &Detector,
    dir: &Path,
    spec: &HistorySpec,
    progress: &dyn Fn(u64, u64),
) -> Result<SourceOutput, Error> {
    let root = repo_root(dir)?;
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
    match spec {
        HistorySpec::All => args.push("--all"),
        HistorySpec::Range(range) => {
            args.push(range);
            args.push("--");
        }
    }
    let log = git(&root, &args)?;
    let mut output = SourceOutput::default();
    let mut blobs = BlobReader::start(&root)?;
    let mut cache: HashMap<String, Vec<Located>> = HashMap::new();
    let mut buf = Vec::new();
    let mut commit = String::new();
    let items = parse_log(&log);
    let total = items
        .iter()
        .filter(|i| matches!(i, LogItem::Commit(_)))
        .count() as u64;
    for item in items {
        let change = match item {
            LogItem::Commit(sha) => {
                commit = sha;
                output.commits += 1;
                progress(output.commits, total);
                continue;
            }
            LogItem::Change(change) => change,
        };
        let Some(change) = change.scannable() else {
            continue;
        };
        let mut before: HashSet<(usize, String)> = HashSet::new();
        for sha in change.old_shas.iter().filter(|s| s.as_str() != NULL_SHA) {
            let found = blob_matches(detector, &mut blobs, &mut cache, sha, &mut buf, &mut output);
            before.extend(found.iter().map(|l| (l.rule, l.secret.clone())));
        }
        let found = blob_matches(
            detector,
            &mut blobs,
            &mut cache,
            &change.new_sha,
            &mut buf,
            &mut output,
        );
        output.hits.extend(
            found
                .iter()
                .filter(|l| !before.contains(&(l.rule, l.secret.clone())))
                .map(|located| Hit {
                    path: change.path.clone(),
                    commit: Some(commit.clone()),
                    located: located.clone(),
                }),
        );
    }
    Ok(output)
}

fn blob_matches<'c>(
    detector: &Detector,
    blobs: &mut BlobReader,
    cache: &'c mut HashMap<String, Vec<Located>>,
    sha: &str,
    buf: &mut Vec<u8>,
    output: &mut SourceOutput,
) -> &'c [Located] {
    if !cache.contains_key(sha) {
        let mut located = Vec::new();
        match blobs.scan(detector, sha, buf, &mut located) {
            Ok(bytes) => {
                output.blobs += 1;
                output.bytes += bytes;
            }
            Err(e) => output.warnings.push(Warning {
                path: String::new(),
                message: format!("cannot read blob {sha}: {e}"),
            }),
        }
        cache.insert(sha.to_string(), located);
    }
    cache.get(sha).map(Vec::as_slice).unwrap_or(&[])
}

/// One changed path in `git diff --raw` or `git log --raw` output.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    new_mode: String,
    old_shas: Vec<String>,
    new_sha: String,
    path: String,
}

impl Change {
    /// Deletions, submodules and symlinks carry no content to scan.
    fn scannable(self) -> Option<Change> {
        let skip = self.new_sha == NULL_SHA
            || self.new_mode == SUBMODULE_MODE
            || self.new_mode == SYMLINK_MODE;
        (!skip).then_some(self)
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

fn parse_raw(raw: &[u8]) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut tokens = raw.split(|b| *b == 0);
    while let Some(token) = tokens.next() {
        if token.starts_with(b":")
            && let Some(change) = parse_change(token, &mut tokens)
        {
            changes.push(change);
        }
    }
    changes
}

/// `:old_mode new_mode old_sha new_sha status` (with one more `:`, mode and
/// sha per extra parent), followed by the path, and a second path for
/// renames and copies.
fn parse_change<'a>(header: &[u8], tokens: &mut impl Iterator<Item = &'a [u8]>) -> Option<Change> {
    let header = String::from_utf8_lossy(header);
    let parents = header.bytes().take_while(|b| *b == b':').count();
    let fields: Vec<&str> = header[parents..].split(' ').collect();
    if fields.len() != 2 * (parents + 1) + 1 {
        return None;
    }
    let status = fields[fields.len() - 1];
    let new_mode = fields[parents].to_string();
    let old_shas = fields[parents + 1..2 * parents + 1]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let new_sha = fields[2 * parents + 1].to_string();
    let mut path = String::from_utf8_lossy(tokens.next()?).into_owned();
    if parents == 1 && (status.starts_with('R') || status.starts_with('C')) {
        path = String::from_utf8_lossy(tokens.next()?).into_owned();
    }
    Some(Change {
        new_mode,
        old_shas,
        new_sha,
        path,
    })
}

/// Run git in `dir` and return its standard output.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Error> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Git(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(Error::Git(format!(
            "`git {}` failed: {}",
            args.join(" "),
            stderr.trim()
        )));
    }
    Ok(out.stdout)
}

/// A long-running `git cat-file --batch`.
struct BlobReader {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl BlobReader {
    fn start(root: &Path) -> Result<BlobReader, Error> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::Git(format!("cannot run git cat-file: {e}")))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(Error::Git("git cat-file has no pipes".into()));
        };
        Ok(BlobReader {
            child,
            stdin,
            stdout: BufReader::with_capacity(1 << 16, stdout),
        })
    }

    /// Scan one blob; returns its size.
    fn scan(
        &mut self,
        detector: &Detector,
        sha: &str,
        buf: &mut Vec<u8>,
        out: &mut Vec<Located>,
    ) -> std::io::Result<u64> {
        writeln!(self.stdin, "{sha}")?;
        self.stdin.flush()?;
        let mut header = String::new();
        self.stdout.read_line(&mut header)?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size: u64 = match fields.as_slice() {
            [_, _, size] => size.parse().map_err(|_| bad_header(&header))?,
            [_, "missing"] => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "missing from the repository (a shallow clone?)",
                ));
            }
            _ => return Err(bad_header(&header)),
        };
        let mut body = (&mut self.stdout).take(size);
        let result = scan_stream(detector, &mut body, buf, out);
        // Whatever happened, consume the rest of the object and its newline.
        std::io::copy(&mut body, &mut std::io::sink())?;
        let mut newline = [0u8; 1];
        self.stdout.read_exact(&mut newline)?;
        result.map(|stats| stats.bytes)
    }
}

impl Drop for BlobReader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bad_header(header: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("unexpected git cat-file header {:?}", header.trim_end()),
    )
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
        assert_eq!(changes[1].path, "y.txt");
        assert_eq!(changes[1].old_shas, vec![a.clone()]);
        assert_eq!(changes[2].old_shas, vec![a, b]);
        assert_eq!(changes[2].new_sha, c);
    }
}
