//! Git as a source: the index (`--staged`) and commit history (`--git`).
//! Blobs are read through one `git cat-file --batch` process; each distinct
//! blob is scanned once.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
    let changes: Vec<Change> = parse_raw(&raw)
        .into_iter()
        .filter(Change::has_content)
        .collect();
    let shas = changes.iter().map(|c| c.new_sha.clone()).collect();
    let mut scanned = scan_blobs(detector, &root, shas, &|_, _| {})?;
    let mut output = SourceOutput {
        files: scanned.blobs,
        bytes: scanned.bytes,
        warnings: std::mem::take(&mut scanned.warnings),
        ..SourceOutput::default()
    };
    for change in changes {
        output
            .hits
            .extend(scanned.found(&change.new_sha).iter().map(|located| Hit {
                path: change.path.clone(),
                commit: None,
                located: located.clone(),
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
    let items = parse_log(&log);
    let changes = || {
        items.iter().filter_map(|item| match item {
            LogItem::Change(change) => change.has_content().then_some(change),
            LogItem::Commit(_) => None,
        })
    };
    // First every new blob, each once; then the blobs before the changes
    // whose new blob holds a secret, to tell added secrets from old ones.
    let mut seen = HashSet::new();
    let new_shas: Vec<String> = changes()
        .filter(|c| seen.insert(c.new_sha.clone()))
        .map(|c| c.new_sha.clone())
        .collect();
    let mut scanned = scan_blobs(detector, &root, new_shas, progress)?;
    let old_shas: Vec<String> = changes()
        .filter(|c| !scanned.found(&c.new_sha).is_empty())
        .flat_map(|c| c.old_shas.iter())
        .filter(|sha| *sha != NULL_SHA && seen.insert((*sha).clone()))
        .cloned()
        .collect();
    scanned.merge(scan_blobs(detector, &root, old_shas, &|_, _| {})?);

    let mut output = SourceOutput {
        blobs: scanned.blobs,
        bytes: scanned.bytes,
        warnings: std::mem::take(&mut scanned.warnings),
        ..SourceOutput::default()
    };
    let mut commit = "";
    for item in &items {
        let change = match item {
            LogItem::Commit(sha) => {
                commit = sha;
                output.commits += 1;
                continue;
            }
            LogItem::Change(change) => change,
        };
        let found = scanned.found(&change.new_sha);
        if found.is_empty() || !change.has_content() {
            continue;
        }
        let before: HashSet<(usize, &str)> = change
            .old_shas
            .iter()
            .flat_map(|sha| scanned.found(sha))
            .map(|l| (l.rule, l.secret.as_str()))
            .collect();
        output.hits.extend(
            found
                .iter()
                .filter(|l| !before.contains(&(l.rule, l.secret.as_str())))
                .map(|located| Hit {
                    path: change.path.clone(),
                    commit: Some(commit.to_string()),
                    located: located.clone(),
                }),
        );
    }
    Ok(output)
}

/// What scanning a set of blobs found.
#[derive(Default)]
struct BlobScan {
    /// Only blobs with matches are kept.
    found: HashMap<String, Vec<Located>>,
    blobs: u64,
    bytes: u64,
    warnings: Vec<Warning>,
}

impl BlobScan {
    fn found(&self, sha: &str) -> &[Located] {
        self.found.get(sha).map(Vec::as_slice).unwrap_or(&[])
    }

    fn merge(&mut self, other: BlobScan) {
        self.found.extend(other.found);
        self.blobs += other.blobs;
        self.bytes += other.bytes;
        self.warnings.extend(other.warnings);
    }
}

/// Scan each blob through one `git cat-file --batch`. A second thread writes
/// the requests, so that git streams objects without waiting for a round
/// trip per blob.
fn scan_blobs(
    detector: &Detector,
    root: &Path,
    shas: Vec<String>,
    progress: &dyn Fn(u64, u64),
) -> Result<BlobScan, Error> {
    let mut scan = BlobScan::default();
    if shas.is_empty() {
        return Ok(scan);
    }
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
    let requests = shas.clone();
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let mut stdin = std::io::BufWriter::new(stdin);
        for sha in &requests {
            writeln!(stdin, "{sha}")?;
        }
        stdin.flush()
    });
    let mut stdout = BufReader::with_capacity(1 << 16, stdout);
    let mut buf = Vec::new();
    let total = shas.len() as u64;
    let read_all = || -> std::io::Result<()> {
        for (done, sha) in shas.into_iter().enumerate() {
            let mut header = String::new();
            if stdout.read_line(&mut header)? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "git cat-file stopped",
                ));
            }
            let fields: Vec<&str> = header.split_whitespace().collect();
            let size: u64 = match fields.as_slice() {
                [_, _, size] => size.parse().map_err(|_| bad_header(&header))?,
                [_, "missing"] => {
                    scan.warnings.push(Warning {
                        path: String::new(),
                        message: format!("blob {sha} is missing (a shallow clone?)"),
                    });
                    continue;
                }
                _ => return Err(bad_header(&header)),
            };
            let mut body = (&mut stdout).take(size);
            let mut located = Vec::new();
            let scanned = scan_stream(detector, &mut body, &mut buf, &mut located);
            // Whatever happened, consume the rest of the object and its newline.
            std::io::copy(&mut body, &mut std::io::sink())?;
            let mut newline = [0u8; 1];
            stdout.read_exact(&mut newline)?;
            scan.bytes += scanned?.bytes;
            scan.blobs += 1;
            if !located.is_empty() {
                scan.found.insert(sha, located);
            }
            progress(done as u64 + 1, total);
        }
        Ok(())
    };
    let result = read_all();
    let _ = child.kill();
    let _ = child.wait();
    let _ = writer.join();
    result.map_err(|e| Error::Git(format!("reading blobs with git cat-file: {e}")))?;
    Ok(scan)
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
    fn has_content(&self) -> bool {
        self.new_sha != NULL_SHA && self.new_mode != SUBMODULE_MODE && self.new_mode != SYMLINK_MODE
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
