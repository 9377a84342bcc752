//! keyward's one way to run git: a runner whose behaviour the user's or the
//! repository's config cannot change, streamed output, object reading
//! through a pipelined `git cat-file --batch`, `--raw` output parsing, and
//! the words for what is missing. Sources and the GitHub integration build
//! on it; it knows nothing of either.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

use crate::error::Error;
use crate::path::FilePath;

/// The object id git writes for "no object".
pub const NULL_SHA: &str = "0000000000000000000000000000000000000000";
const SUBMODULE_MODE: &str = "160000";
const SYMLINK_MODE: &str = "120000";

/// Settings on every git call, whatever any config file says. Hooks run
/// code the repository chooses: `core.fsmonitor` runs one on any read of
/// the index (`--staged`), `core.hooksPath` covers the others (a fetch's
/// `reference-transaction`). `diff.relative` would limit and re-root paths
/// to the current directory, and `log.follow` turns a one-path log into a
/// rename-following one; neither has an option old gits know, so they are
/// pinned here. Everything else keyward relies on is passed as an option
/// where it is used (`--root`, `--no-show-signature`, `--no-ext-diff`, …).
const PINNED: &[&str] = &[
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "diff.relative=false",
    "-c",
    "log.follow=false",
    // The objects that are there (and would be pushed), not replacements.
    "--no-replace-objects",
];

/// Git in one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Git {
    /// The top of the work tree, or the git directory of a bare repository.
    dir: PathBuf,
    bare: bool,
}

impl Git {
    pub fn new(dir: impl Into<PathBuf>) -> Git {
        Git {
            dir: dir.into(),
            bare: false,
        }
    }

    /// Git at the top of the work tree that holds `dir`, or in the bare
    /// repository that `dir` is (or is inside of).
    pub fn discover(dir: &Path) -> Result<Git, Error> {
        let probe = Git::new(dir);
        let out = probe.run(&["rev-parse", "--is-bare-repository", "--absolute-git-dir"])?;
        let out = String::from_utf8_lossy(&out);
        let mut lines = out.lines();
        if lines.next() == Some("true")
            && let Some(git_dir) = lines.next()
        {
            return Ok(Git {
                dir: PathBuf::from(git_dir),
                bare: true,
            });
        }
        let out = probe.run(&["rev-parse", "--show-toplevel"])?;
        Ok(Git::new(String::from_utf8_lossy(&out).trim_end()))
    }

    /// The one repository that holds `paths` (relative to the current
    /// directory), and each path relative to its top, to limit a scan to.
    /// A path need not exist: history holds files the work tree no longer
    /// has. No limit comes back when a path is the whole repository.
    pub fn for_paths(paths: &[PathBuf]) -> Result<(Git, Vec<PathBuf>), Error> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::io("cannot read the current directory", e))?;
        let mut found: Option<(Git, PathBuf)> = None;
        let mut limits = Vec::new();
        let mut whole = paths.is_empty();
        for path in paths {
            let (existing, rest) = split_existing(&cwd.join(path))?;
            let dir = if existing.is_dir() {
                existing.clone()
            } else {
                existing
                    .parent()
                    .map_or(existing.clone(), Path::to_path_buf)
            };
            let git = Git::discover(&dir).map_err(|e| match e {
                Error::Git(m) => {
                    Error::Git(format!("{}: not in a git repository ({m})", path.display()))
                }
                other => other,
            })?;
            match &found {
                Some((first, first_path)) if *first != git => {
                    return Err(Error::Git(format!(
                        "{} and {} are in different repositories; scan one at a time",
                        first_path.display(),
                        path.display()
                    )));
                }
                Some(_) => {}
                None => found = Some((git.clone(), path.clone())),
            }
            let top = canonical(&git.dir)?;
            let Ok(inside) = existing.strip_prefix(&top) else {
                return Err(Error::Git(format!(
                    "{} is outside the repository at {}",
                    path.display(),
                    git.dir.display()
                )));
            };
            let rel = inside.join(rest);
            if git.bare && !rel.as_os_str().is_empty() {
                return Err(Error::Git(format!(
                    "{}: a bare repository has no files to limit the scan to; name the repository itself",
                    path.display()
                )));
            }
            if rel.as_os_str().is_empty() {
                whole = true;
            } else {
                limits.push(rel);
            }
        }
        let git = match found {
            Some((git, _)) => git,
            None => Git::discover(&cwd)?,
        };
        Ok((git, if whole { Vec::new() } else { limits }))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn is_bare(&self) -> bool {
        self.bare
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.dir).args(PINNED);
        // Read what is here: never fetch a partial clone's missing objects
        // behind the user's back (git 2.44+), and take no optional locks.
        cmd.env("GIT_NO_LAZY_FETCH", "1")
            .env("GIT_OPTIONAL_LOCKS", "0");
        cmd
    }

    /// Run git and return its standard output, or an error with its
    /// standard error.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, Error> {
        let out = self
            .command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(cannot_run)?;
        if !out.status.success() {
            return Err(failed(args, &out.stderr));
        }
        Ok(out.stdout)
    }

    /// `run`, with `input` written to git's standard input by a second
    /// thread, so that neither side waits on a full pipe.
    pub fn run_with_input<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        input: Vec<u8>,
    ) -> Result<Vec<u8>, Error> {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(cannot_run)?;
        let stdin = child.stdin.take();
        let writer = std::thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(&input);
            }
        });
        let out = child.wait_with_output();
        let _ = writer.join();
        let out = out.map_err(cannot_run)?;
        if !out.status.success() {
            return Err(failed(args, &out.stderr));
        }
        Ok(out.stdout)
    }

    /// Start git and read its standard output as it comes.
    pub fn stream<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Stream, Error> {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(cannot_run)?;
        let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(Error::Git("git has no pipes".into()));
        };
        widen(&stdout);
        // Drained as it comes, so that a chatty git never blocks on it.
        let stderr = std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        });
        Ok(Stream {
            child: Some(child),
            stdout: BufReader::with_capacity(1 << 16, Patient::new(stdout)),
            stderr: Some(stderr),
            args: args.iter().map(|a| a.as_ref().to_owned()).collect(),
        })
    }

    /// The commit a revision names, if it names one here.
    pub fn commit(&self, rev: &str) -> Option<String> {
        if rev.starts_with('-') {
            return None;
        }
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

    /// Start one `git cat-file --batch`: requests go in on one side and
    /// objects come out of the other, in request order, so that a reader
    /// and a writer on two threads keep git streaming.
    pub fn cat_file(&self) -> Result<(CatFile, Requests, Objects), Error> {
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
        widen(&stdout);
        Ok((
            CatFile(child),
            Requests(BufWriter::with_capacity(1 << 16, stdin)),
            Objects(BufReader::with_capacity(1 << 16, Patient::new(stdout))),
        ))
    }

    /// Read objects through one `git cat-file --batch`, calling `f` with
    /// each id and its content (`None` when git says it is missing), in
    /// request order. Whatever `f` leaves unread of an object is skipped.
    pub fn read_blobs(
        &self,
        shas: &[String],
        mut f: impl FnMut(&str, Option<(u64, &mut dyn Read)>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        if shas.is_empty() {
            return Ok(());
        }
        let (mut cat_file, mut requests, mut objects) = self.cat_file()?;
        let ids = shas.to_vec();
        let writer = std::thread::spawn(move || -> std::io::Result<()> {
            for id in &ids {
                requests.request(id)?;
            }
            requests.flush()
        });
        let result = shas
            .iter()
            .try_for_each(|sha| objects.next(sha, |blob| f(sha, blob)));
        cat_file.stop();
        let _ = writer.join();
        result.map_err(|e| Error::Git(format!("reading objects with git cat-file: {e}")))
    }

    /// Why `ids` are not in the object store, and what would bring them:
    /// a sentence for the user. `revs` are the revision arguments of the
    /// scan, for a command that lists every missing object.
    pub fn explain_missing(&self, ids: &[String], revs: &[&str]) -> String {
        let dir = shell_word(&self.dir.to_string_lossy());
        let count = match ids.len() {
            1 => "1 object".to_string(),
            n => format!("{n} objects"),
        };
        let remote = self.promisor_remote();
        let fetch = |remote: &str| {
            if ids.len() <= 8 {
                format!("git -C {dir} fetch {remote} {}", ids.join(" "))
            } else {
                format!(
                    "git -C {dir} rev-list --objects --missing=print {} | sed -n 's/^?//p' | git -C {dir} fetch {remote} --stdin",
                    revs.join(" ")
                )
            }
        };
        let first = match ids {
            [one] => one.clone(),
            [one, ..] => format!("{one}, …"),
            [] => String::new(),
        };
        match remote {
            Some(remote) => format!(
                "{count} to scan ({first}) are not in this repository: it is a partial clone, \
                 and they were never fetched from its promisor remote `{remote}` (keyward \
                 does not fetch). Fetch them, then scan again: `{}`",
                fetch(&remote)
            ),
            None if self.has_promisor_packs() => format!(
                "{count} to scan ({first}) are not in this repository: it was cloned \
                 partially (its packs are promisor packs) but no promisor remote is \
                 configured to fetch them from. Fetch them from a remote that has them \
                 (`{}`), or scan a full clone",
                fetch("REMOTE")
            ),
            None => format!(
                "{count} to scan ({first}) are missing from the object store, and no \
                 promisor remote promises them: the repository is damaged or incomplete \
                 (`git -C {dir} fsck` tells more). Fetch them from a remote that has them \
                 (`{}`), or scan a fresh clone",
                fetch("REMOTE")
            ),
        }
    }

    /// The remote a partial clone fetches missing objects from.
    fn promisor_remote(&self) -> Option<String> {
        if let Ok(out) = self.run(&["config", "--get", "extensions.partialClone"]) {
            let name = String::from_utf8_lossy(&out).trim().to_string();
            if !name.is_empty() {
                return Some(name);
            }
        }
        let out = self
            .run(&["config", "--get-regexp", r"^remote\..*\.promisor$"])
            .ok()?;
        String::from_utf8_lossy(&out).lines().find_map(|line| {
            let (key, value) = line.split_once(' ')?;
            let name = key.strip_prefix("remote.")?.strip_suffix(".promisor")?;
            (value == "true").then(|| name.to_string())
        })
    }

    fn has_promisor_packs(&self) -> bool {
        let Ok(out) = self.run(&["rev-parse", "--git-path", "objects/pack"]) else {
            return false;
        };
        let dir = self.dir.join(String::from_utf8_lossy(&out).trim_end());
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "promisor"))
        })
    }

    /// `error` made precise when this is a shallow clone: a revision git
    /// cannot find may be beyond the boundary.
    pub fn explain_failure(&self, error: Error) -> Error {
        match error {
            Error::Git(message) if self.is_shallow() => Error::Git(format!(
                "{message} (this is a shallow clone: commits beyond its boundary are not here; \
                 `git -C {dir} fetch --deepen=N` or `--unshallow` brings them)",
                dir = shell_word(&self.dir.to_string_lossy())
            )),
            other => other,
        }
    }
}

/// A pipe of 1 MiB instead of 64 KiB, where the system allows it, so that
/// git can write ahead while keyward waits (see `Patient`). Only speed
/// depends on it.
fn widen(pipe: &ChildStdout) {
    #[cfg(target_os = "linux")]
    let _ = rustix::pipe::fcntl_setpipe_size(pipe, 1 << 20);
    #[cfg(not(target_os = "linux"))]
    let _ = pipe;
}

/// How long to let git write before reading again after a short read.
const PATIENCE: std::time::Duration = std::time::Duration::from_micros(300);

/// A pipe from git read in large pieces. Git writes a blob 16 KiB at a
/// time and keyward scans faster than git inflates, so a plain reader is
/// woken for every write: on a busy machine those switches cost more than
/// the reading. After a read that brought less than half of what was
/// asked, this waits a moment before the next one; git is the slower side,
/// so the wait costs no throughput, and the wide pipe holds what git writes
/// meanwhile.
pub struct Patient<R> {
    inner: R,
    short: bool,
}

impl<R> Patient<R> {
    fn new(inner: R) -> Patient<R> {
        Patient {
            inner,
            short: false,
        }
    }
}

impl<R: Read> Read for Patient<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.short {
            std::thread::sleep(PATIENCE);
        }
        let n = self.inner.read(buf)?;
        self.short = n > 0 && n < buf.len() / 2;
        Ok(n)
    }
}

fn cannot_run(error: std::io::Error) -> Error {
    Error::Git(format!("cannot run git: {error}"))
}

fn failed<S: AsRef<OsStr>>(args: &[S], stderr: &[u8]) -> Error {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect();
    Error::Git(format!(
        "`git {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(stderr).trim()
    ))
}

/// A word as a POSIX shell reads it back.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./+:@=,".contains(&b))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn canonical(path: &Path) -> Result<PathBuf, Error> {
    path.canonicalize()
        .map_err(|e| Error::io(format!("{}", path.display()), e))
}

/// `path` as the longest prefix that exists, canonical, and the rest.
fn split_existing(path: &Path) -> Result<(PathBuf, PathBuf), Error> {
    let mut rest: Vec<&OsStr> = Vec::new();
    let mut at = path;
    loop {
        if at.exists() {
            let mut tail = PathBuf::new();
            for part in rest.iter().rev() {
                tail.push(part);
            }
            return Ok((canonical(at)?, tail));
        }
        match (at.components().next_back(), at.parent()) {
            (Some(Component::Normal(name)), Some(parent)) => {
                rest.push(name);
                at = parent;
            }
            (Some(Component::CurDir), Some(parent)) => at = parent,
            _ => {
                return Err(Error::MissingPath {
                    path: path.to_path_buf(),
                });
            }
        }
    }
}

/// A pathspec that means the path itself (no glob), from the top.
pub fn literal_pathspec(path: &Path) -> OsString {
    let mut spec = OsString::from(":(top,literal)");
    spec.push(path.as_os_str());
    spec
}

/// A running git whose standard output is read as it comes. Dropped
/// unfinished, it stops git.
pub struct Stream {
    child: Option<Child>,
    stdout: BufReader<Patient<ChildStdout>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    args: Vec<OsString>,
}

impl Stream {
    pub fn reader(&mut self) -> &mut BufReader<Patient<ChildStdout>> {
        &mut self.stdout
    }

    /// Wait for git; its failure is an error with its standard error.
    pub fn finish(mut self) -> Result<(), Error> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let status = child
            .wait()
            .map_err(|e| Error::Git(format!("cannot wait for git: {e}")))?;
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if !status.success() {
            return Err(failed(&self.args, &stderr));
        }
        Ok(())
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The `git cat-file --batch` process; stopped when dropped.
pub struct CatFile(Child);

impl CatFile {
    /// Stop git: whoever still writes requests or reads objects gets an
    /// error instead of waiting.
    pub fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for CatFile {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The side of a `git cat-file --batch` that takes object ids.
pub struct Requests(BufWriter<ChildStdin>);

impl Requests {
    /// Ask for an object. Requests are buffered: `flush` sends them.
    pub fn request(&mut self, id: &str) -> std::io::Result<()> {
        self.0.write_all(id.as_bytes())?;
        self.0.write_all(b"\n")
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The side of a `git cat-file --batch` that gives objects back.
pub struct Objects(BufReader<Patient<ChildStdout>>);

impl Objects {
    /// The next object, which must be `id`: `f` gets its size and a reader
    /// of its content, or `None` when git says it is missing. Whatever `f`
    /// leaves unread is skipped.
    pub fn next<T>(
        &mut self,
        id: &str,
        f: impl FnOnce(Option<(u64, &mut dyn Read)>) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let mut header = String::new();
        if self.0.read_line(&mut header)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "git cat-file stopped",
            ));
        }
        let mut fields = header.split_whitespace();
        let size: u64 = match (fields.next(), fields.next(), fields.next(), fields.next()) {
            (Some(sha), Some(_), Some(size), None) if sha == id => {
                size.parse().map_err(|_| bad_header(&header))?
            }
            (Some(sha), Some("missing"), None, None) if sha == id => return f(None),
            _ => return Err(bad_header(&header)),
        };
        let mut body = (&mut self.0).take(size);
        let result = f(Some((size, &mut body)));
        // Whatever happened, consume the rest of the object and its newline.
        std::io::copy(&mut body, &mut std::io::sink())?;
        let mut newline = [0u8; 1];
        self.0.read_exact(&mut newline)?;
        result
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
        has_content(&self.new_mode, &self.new_sha)
    }
}

pub(crate) fn has_content(new_mode: &str, new_sha: &str) -> bool {
    !is_null(new_sha) && new_mode != SUBMODULE_MODE && new_mode != SYMLINK_MODE
}

/// The id git writes for "no object", SHA-1 or SHA-256.
pub(crate) fn is_null(sha: &str) -> bool {
    sha.bytes().all(|b| b == b'0')
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

/// What one `--raw` header says of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header<'a> {
    pub new_mode: &'a str,
    pub new_sha: &'a str,
    /// A combined diff of a merge (`::`, one old side per parent).
    pub merge: bool,
    /// The path was not there on some side before: rename detection could
    /// make it a rename.
    pub added: bool,
    pub deleted: bool,
}

/// `:old_mode… new_mode old_sha… new_sha status`, without the path.
pub(crate) fn parse_header(header: &[u8]) -> Option<Header<'_>> {
    let header = std::str::from_utf8(header).ok()?;
    let parents = header.bytes().take_while(|b| *b == b':').count();
    if parents == 0 {
        return None;
    }
    let mut fields = header[parents..].split(' ');
    let new_mode = fields.nth(parents)?;
    let mut added = false;
    for _ in 0..parents {
        added |= is_null(fields.next()?);
    }
    let new_sha = fields.next()?;
    // The status, and nothing after it.
    fields.next()?;
    fields.next().is_none().then_some(Header {
        new_mode,
        new_sha,
        merge: parents > 1,
        added,
        deleted: is_null(new_sha),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_give_the_new_side() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let plain = format!(":100644 100755 {a} {b} M");
        let h = parse_header(plain.as_bytes()).unwrap();
        assert_eq!((h.new_mode, h.new_sha), ("100755", b.as_str()));
        assert!(!h.merge && !h.added && !h.deleted);
        let add = format!(":000000 100644 {NULL_SHA} {b} A");
        assert!(parse_header(add.as_bytes()).unwrap().added);
        let delete = format!(":100644 000000 {a} {NULL_SHA} D");
        assert!(parse_header(delete.as_bytes()).unwrap().deleted);
        let merge = format!("::100644 000000 120000 {a} {NULL_SHA} {c} MA");
        let h = parse_header(merge.as_bytes()).unwrap();
        assert_eq!((h.new_mode, h.new_sha), ("120000", c.as_str()));
        assert!(h.merge && h.added && !h.deleted);
        assert_eq!(parse_header(b":100644 100644 x"), None);
        assert!(!has_content("120000", &c));
        assert!(!has_content("160000", &c));
        assert!(!has_content("100644", NULL_SHA));
        assert!(has_content("100644", &c));
    }

    #[test]
    fn shell_words_quote_what_a_shell_would_split() {
        assert_eq!(shell_word("/tmp/repo"), "/tmp/repo");
        assert_eq!(shell_word("/tmp/my repo"), "'/tmp/my repo'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn pathspecs_are_literal_and_from_the_top() {
        assert_eq!(
            literal_pathspec(Path::new("config/a[1].txt")),
            OsString::from(":(top,literal)config/a[1].txt")
        );
    }
}
