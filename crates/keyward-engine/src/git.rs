//! keyward's one way to run git: a runner, object reading through one
//! pipelined `git cat-file --batch`, and `--raw` output parsing. Sources
//! and the GitHub integration build on it; it knows nothing of either.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::path::FilePath;

/// The object id git writes for "no object".
pub const NULL_SHA: &str = "0000000000000000000000000000000000000000";
const SUBMODULE_MODE: &str = "160000";
const SYMLINK_MODE: &str = "120000";

/// Git in one repository.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
}

impl Git {
    pub fn new(dir: impl Into<PathBuf>) -> Git {
        Git { dir: dir.into() }
    }

    /// Git at the top of the work tree that holds `dir`.
    pub fn discover(dir: &Path) -> Result<Git, Error> {
        let out = Git::new(dir).run(&["rev-parse", "--show-toplevel"])?;
        Ok(Git::new(String::from_utf8_lossy(&out).trim_end()))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.dir);
        cmd
    }

    /// Run git and return its standard output, or an error with its
    /// standard error.
    pub fn run(&self, args: &[&str]) -> Result<Vec<u8>, Error> {
        let out = self
            .command()
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

    /// The commit a revision names, if it names one here.
    pub fn commit(&self, rev: &str) -> Option<String> {
        self.run(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .ok()
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .filter(|s| !s.is_empty())
    }

    /// The content of `path` (relative to the root) at revision `rev`, or
    /// `None` when the revision has no such file.
    pub fn file_at(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, Error> {
        // `rev:path^{blob}` would read `^{blob}` as part of the path.
        let spec = format!("{rev}:{path}");
        match self.run(&["cat-file", "-t", &spec]) {
            Ok(kind) if kind.trim_ascii() == b"blob" => {
                self.run(&["cat-file", "blob", &spec]).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The commits whose parents this (shallow) clone does not hold.
    pub fn shallow_commits(&self) -> Vec<String> {
        let Ok(out) = self.run(&["rev-parse", "--git-path", "shallow"]) else {
            return Vec::new();
        };
        let file = PathBuf::from(String::from_utf8_lossy(&out).trim_end());
        let file = if file.is_absolute() {
            file
        } else {
            self.dir.join(file)
        };
        std::fs::read_to_string(file)
            .map(|text| text.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    pub fn is_shallow(&self) -> bool {
        self.run(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|out| out.starts_with(b"true"))
    }

    /// Read objects through one `git cat-file --batch`, calling `f` with
    /// each id and its content (`None` when git says it is missing), in
    /// request order. A second thread writes the requests, so that git
    /// streams objects without a round trip per object. Whatever `f` leaves
    /// unread of an object is skipped.
    pub fn read_blobs(
        &self,
        shas: &[String],
        mut f: impl FnMut(&str, Option<(u64, &mut dyn Read)>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        if shas.is_empty() {
            return Ok(());
        }
        let mut child = self
            .command()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::Git(format!("cannot run git cat-file: {e}")))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(Error::Git("git cat-file has no pipes".into()));
        };
        let requests = shas.to_vec();
        let writer = std::thread::spawn(move || -> std::io::Result<()> {
            let mut stdin = std::io::BufWriter::new(stdin);
            for sha in &requests {
                writeln!(stdin, "{sha}")?;
            }
            stdin.flush()
        });
        let mut stdout = BufReader::with_capacity(1 << 16, stdout);
        let mut read_all = || -> std::io::Result<()> {
            for sha in shas {
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
                        f(sha, None)?;
                        continue;
                    }
                    _ => return Err(bad_header(&header)),
                };
                let mut body = (&mut stdout).take(size);
                let result = f(sha, Some((size, &mut body)));
                // Whatever happened, consume the rest of the object and its newline.
                std::io::copy(&mut body, &mut std::io::sink())?;
                let mut newline = [0u8; 1];
                stdout.read_exact(&mut newline)?;
                result?;
            }
            Ok(())
        };
        let result = read_all();
        let _ = child.kill();
        let _ = child.wait();
        let _ = writer.join();
        result.map_err(|e| Error::Git(format!("reading objects with git cat-file: {e}")))
    }
}

fn bad_header(header: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("unexpected git cat-file header {:?}", header.trim_end()),
    )
}

/// One changed path in `git diff --raw` or `git log --raw` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub new_mode: String,
    pub old_shas: Vec<String>,
    pub new_sha: String,
    pub path: FilePath,
}

impl Change {
    /// Deletions, submodules and symlinks carry no content to scan.
    pub fn has_content(&self) -> bool {
        self.new_sha != NULL_SHA && self.new_mode != SUBMODULE_MODE && self.new_mode != SYMLINK_MODE
    }
}

/// `-z --raw` output without commit lines.
pub(crate) fn parse_raw(raw: &[u8]) -> Vec<Change> {
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
pub(crate) fn parse_change<'a>(
    header: &[u8],
    tokens: &mut impl Iterator<Item = &'a [u8]>,
) -> Option<Change> {
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
    let mut path = tokens.next()?;
    if parents == 1 && (status.starts_with('R') || status.starts_with('C')) {
        path = tokens.next()?;
    }
    Some(Change {
        new_mode,
        old_shas,
        new_sha,
        path: FilePath::from_bytes(path),
    })
}
