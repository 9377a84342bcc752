//! Files on disk and any other stream (standard input).
//!
//! Directories are walked in parallel with the `ignore` crate. Inside a git
//! work tree the walk starts at the repository's root, so that only the
//! repository's own ignore rules apply (never a `.ignore` above it, never
//! the user's global excludes), and every file git tracks is scanned even
//! when an ignore rule matches it: a committed file is never invisible.
//! Files named on the command line are read whatever they are: a FIFO, a
//! pipe, `/dev/stdin`.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use super::{Progress, Report, Source};
use crate::detect::{CHUNK_SIZE, Detector};
use crate::error::Error;
use crate::finding::Origin;
use crate::git::Git;
use crate::path::FilePath;

/// Scanning threads are capped: more only contend for the disk.
pub const MAX_THREADS: usize = 64;

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Scan files that ignore rules would skip.
    pub no_ignore: bool,
    pub follow_links: bool,
    /// Larger regular files are skipped with a warning.
    pub max_file_size: Option<u64>,
    /// 0: one per core.
    pub threads: usize,
}

/// What a scan of a directory covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Coverage {
    /// Every tracked file, and untracked files the repository's ignore
    /// rules do not exclude. Outside a repository: what `.ignore` files
    /// inside the directory do not exclude.
    #[default]
    WorkTree,
    /// Only the files git tracks (CI: the checkout as committed).
    Tracked,
}

/// Files and directories named by the user. Paths in findings are the
/// names as given, joined with the path inside them.
pub struct Files {
    pub paths: Vec<PathBuf>,
    pub options: WalkOptions,
    pub coverage: Coverage,
}

/// A path the user named: as given, and resolved.
#[derive(Debug, Clone)]
struct Named {
    given: PathBuf,
    real: PathBuf,
}

impl Named {
    /// The name a file under this path is reported as.
    fn display(&self, path: &Path) -> FilePath {
        match path.strip_prefix(&self.real) {
            Ok(rest) if rest.as_os_str().is_empty() => FilePath::from_path(&self.given),
            Ok(rest) => FilePath::from_path(&self.given.join(rest)),
            Err(_) => FilePath::from_path(path),
        }
    }
}

impl Source for Files {
    /// A missing path is an error; anything that goes wrong inside the
    /// walk is a warning.
    fn scan(&mut self, detector: &Detector, _progress: &dyn Progress) -> Result<Report, Error> {
        let mut named_files = Vec::new();
        let mut dirs = Vec::new();
        for given in &self.paths {
            let is_dir = match std::fs::metadata(given) {
                Ok(meta) => meta.is_dir(),
                // A broken link named on the command line is a warning.
                Err(_) if std::fs::symlink_metadata(given).is_ok() => false,
                Err(_) => {
                    return Err(Error::MissingPath {
                        path: given.clone(),
                    });
                }
            };
            let real = std::fs::canonicalize(given).unwrap_or_else(|_| given.clone());
            let named = Named {
                given: given.clone(),
                real,
            };
            if is_dir {
                dirs.push(named);
            } else {
                named_files.push(named);
            }
        }
        let scanner = Scanner {
            detector,
            options: &self.options,
        };
        let mut report = Report::default();
        for named in &named_files {
            let display = || named.display(&named.real);
            scanner.scan_path(&named.given, &display, &mut report, &mut Vec::new());
        }
        if self.options.no_ignore {
            report.merge(walk(&scanner, &dirs, Rules::None, None));
            return Ok(report);
        }
        // Directories in a git work tree, by repository; the rest alone.
        let mut repos: BTreeMap<PathBuf, Vec<Named>> = BTreeMap::new();
        let mut loose = Vec::new();
        for named in dirs {
            match Git::discover(&named.real) {
                Ok(git) => repos
                    .entry(std::fs::canonicalize(git.dir()).unwrap_or(git.dir().to_path_buf()))
                    .or_default()
                    .push(named),
                Err(_) => loose.push(named),
            }
        }
        if !loose.is_empty() {
            report.merge(walk(&scanner, &loose, Rules::InsideOnly, None));
        }
        for (root, named) in repos {
            report.merge(scan_repository(&scanner, &root, &named, self.coverage)?);
        }
        Ok(report)
    }
}

/// The named directories of one repository: the walk from its root (in
/// work-tree coverage) and the tracked files the walk did not reach.
fn scan_repository(
    scanner: &Scanner<'_>,
    root: &Path,
    named: &[Named],
    coverage: Coverage,
) -> Result<Report, Error> {
    let git = Git::new(root);
    let pathspecs: Vec<String> = named
        .iter()
        .filter_map(|n| n.real.strip_prefix(root).ok())
        .filter(|rel| !rel.as_os_str().is_empty())
        .map(|rel| rel.to_string_lossy().into_owned())
        .collect();
    let (walked, tracked) = std::thread::scope(|scope| {
        let tracked = scope.spawn(|| tracked_files(&git, &pathspecs));
        let walked = match coverage {
            Coverage::WorkTree => {
                let mut visited = HashSet::new();
                let report = walk(scanner, named, Rules::Repository(root), Some(&mut visited));
                Some((report, visited))
            }
            Coverage::Tracked => None,
        };
        (walked, tracked.join())
    });
    let tracked = tracked.map_err(|_| Error::Git("listing tracked files failed".into()))??;
    let (mut report, visited) = walked.unwrap_or_default();
    // Tracked files the walk skipped (an ignore rule matches them), or all
    // of them in tracked coverage.
    let mut buf = Vec::new();
    for rel in tracked {
        let path = root.join(&rel);
        if visited.contains(&path) {
            continue;
        }
        // Submodules and symbolic links carry no content of their own.
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let Some(owner) = named.iter().find(|n| path.starts_with(&n.real)) else {
            continue;
        };
        let display = || owner.display(&path);
        scanner.scan_path(&path, &display, &mut report, &mut buf);
    }
    Ok(report)
}

/// The files git tracks under `pathspecs` (all of them when empty),
/// relative to the repository's root.
fn tracked_files(git: &Git, pathspecs: &[String]) -> Result<Vec<PathBuf>, Error> {
    let mut args = vec!["--literal-pathspecs", "ls-files", "-z", "--cached", "--"];
    args.extend(pathspecs.iter().map(String::as_str));
    let out = git.run(&args)?;
    Ok(out
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| FilePath::from_bytes(p).to_path())
        .collect())
}

/// Which ignore rules a walk honours.
#[derive(Clone, Copy)]
enum Rules<'a> {
    None,
    /// `.ignore` files inside the walked directories only.
    InsideOnly,
    /// A repository's own rules, read from its root down.
    Repository(&'a Path),
}

/// Walk directories in parallel and scan their files. With `visited`, every
/// file reached is recorded there.
fn walk(
    scanner: &Scanner<'_>,
    named: &[Named],
    rules: Rules<'_>,
    visited: Option<&mut HashSet<PathBuf>>,
) -> Report {
    let roots: Vec<PathBuf> = match rules {
        Rules::Repository(root) => vec![root.to_path_buf()],
        _ => named.iter().map(|n| n.real.clone()).collect(),
    };
    let Some((first, rest)) = roots.split_first() else {
        return Report::default();
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    let honour = !matches!(rules, Rules::None);
    let in_repo = matches!(rules, Rules::Repository(_));
    builder
        .hidden(false)
        .parents(false)
        .ignore(honour)
        .git_ignore(in_repo)
        .git_exclude(in_repo)
        .git_global(false)
        .require_git(false)
        .follow_links(scanner.options.follow_links)
        .threads(threads(scanner.options.threads));
    // From a repository's root, descend only towards the named directories
    // (everywhere, when the root itself is named).
    let wanted: Vec<PathBuf> = named.iter().map(|n| n.real.clone()).collect();
    let everywhere = !in_repo || wanted.iter().any(|w| w == first);
    builder.filter_entry(move |entry| {
        entry.file_name() != ".git"
            && (everywhere
                || wanted
                    .iter()
                    .any(|w| w.starts_with(entry.path()) || entry.path().starts_with(w)))
    });
    let results = Mutex::new((Report::default(), HashSet::new()));
    let mut visitors = VisitorBuilder {
        scanner,
        named,
        everywhere,
        record: visited.is_some(),
        results: &results,
    };
    builder.build_parallel().visit(&mut visitors);
    let (report, seen) = results.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(visited) = visited {
        *visited = seen;
    }
    report
}

fn threads(asked: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match asked {
        0 => cores.min(MAX_THREADS),
        n => n.min(MAX_THREADS),
    }
}

/// Reads files and feeds the detector.
struct Scanner<'a> {
    detector: &'a Detector,
    options: &'a WalkOptions,
}

impl Scanner<'_> {
    /// Scan one file: a regular file (its callers make sure, since opening
    /// a FIFO would wait for a writer), or any non-directory named on the
    /// command line. `display` names it in a report: made only when there
    /// is something to report.
    fn scan_path(
        &self,
        path: &Path,
        display: &dyn Fn() -> FilePath,
        report: &mut Report,
        buf: &mut Vec<u8>,
    ) {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return report.warn(display(), describe_io(&e, path)),
        };
        let mut file = Capped {
            file,
            max: self.options.max_file_size,
            read: 0,
        };
        let mut matches = Vec::new();
        match self.detector.scan(&mut file, buf, &mut matches) {
            Ok(bytes) => {
                report.stats.files += 1;
                report.stats.bytes += bytes;
            }
            Err(e) => match e.get_ref().and_then(|e| e.downcast_ref::<TooBig>()) {
                Some(too_big) => {
                    report.stats.skipped += 1;
                    report.warn(display(), format!("skipped: {too_big}"));
                }
                None => report.warn(display(), format!("read failed: {e}")),
            },
        }
        // Findings made before a read error are kept: nothing is lost.
        if !matches.is_empty() {
            let origin = Origin {
                path: display().into(),
                commit: None,
            };
            report.found(self.detector, &origin, matches);
        }
    }
}

/// Bytes of a file read before its size is checked against the limit. Most
/// files end sooner and so cost no `stat`. Less than a chunk, so that the
/// check comes before the detector looks at any byte.
const PROBE: u64 = 1 << 20;
const _: () = assert!(PROBE < CHUNK_SIZE as u64);

/// A file whose size is checked only once it has shown it may be over the
/// limit, and which then fails with [`TooBig`].
struct Capped {
    file: File,
    /// The limit, until the size has been checked.
    max: Option<u64>,
    read: u64,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(max) = self.max else {
            return self.file.read(buf);
        };
        let probe = max.min(PROBE);
        if self.read < probe {
            let room = usize::try_from(probe - self.read).unwrap_or(usize::MAX);
            let n = buf.len().min(room);
            let got = self.file.read(&mut buf[..n])?;
            self.read += got as u64;
            return Ok(got);
        }
        let metadata = self.file.metadata()?;
        if metadata.is_file() && metadata.len() > max {
            let len = metadata.len();
            return Err(std::io::Error::other(TooBig { len, max }));
        }
        self.max = None;
        self.file.read(buf)
    }
}

/// A regular file over the size limit.
#[derive(Debug)]
struct TooBig {
    len: u64,
    max: u64,
}

impl std::fmt::Display for TooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} bytes is over the size limit ({} bytes)",
            self.len, self.max
        )
    }
}

impl std::error::Error for TooBig {}

/// One stream, such as standard input, scanned as one file named `name`.
pub struct Reader {
    pub name: FilePath,
    pub reader: Box<dyn Read + Send>,
}

impl Source for Reader {
    fn scan(&mut self, detector: &Detector, _progress: &dyn Progress) -> Result<Report, Error> {
        let mut report = Report::default();
        let mut matches = Vec::new();
        match detector.scan(&mut self.reader, &mut Vec::new(), &mut matches) {
            Ok(bytes) => {
                report.stats.files = 1;
                report.stats.bytes = bytes;
            }
            Err(e) => report.warn(self.name.clone(), format!("read failed: {e}")),
        }
        let origin = Origin {
            path: self.name.clone().into(),
            commit: None,
        };
        report.found(detector, &origin, matches);
        Ok(report)
    }
}

struct VisitorBuilder<'a> {
    scanner: &'a Scanner<'a>,
    named: &'a [Named],
    /// Every path walked is under a named one.
    everywhere: bool,
    record: bool,
    results: &'a Mutex<(Report, HashSet<PathBuf>)>,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            scanner: self.scanner,
            named: self.named,
            everywhere: self.everywhere,
            record: self.record,
            results: self.results,
            buf: Vec::new(),
            report: Report::default(),
            seen: Vec::new(),
        })
    }
}

/// Per-thread state: a reused buffer and the thread's own report, handed
/// over once when the thread is done.
struct FileVisitor<'a> {
    scanner: &'a Scanner<'a>,
    named: &'a [Named],
    everywhere: bool,
    record: bool,
    results: &'a Mutex<(Report, HashSet<PathBuf>)>,
    buf: Vec<u8>,
    report: Report,
    seen: Vec<PathBuf>,
}

impl Drop for FileVisitor<'_> {
    fn drop(&mut self) {
        let report = std::mem::take(&mut self.report);
        let seen = std::mem::take(&mut self.seen);
        let mut results = self.results.lock().unwrap_or_else(|e| e.into_inner());
        results.0.merge(report);
        results.1.extend(seen);
    }
}

impl ParallelVisitor for FileVisitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(error) => {
                let (path, message) = walk_warning(&error);
                let display = display_in(self.named, &path.unwrap_or_default());
                self.report.warn(display, message);
            }
        }
        WalkState::Continue
    }
}

impl FileVisitor<'_> {
    fn visit_entry(&mut self, entry: &DirEntry) {
        let Some(file_type) = entry.file_type() else {
            return;
        };
        if file_type.is_dir() {
            return;
        }
        let path = entry.path();
        if self.record {
            self.seen.push(path.to_path_buf());
        }
        // A symlink inside the tree is git's link text, not content.
        if file_type.is_symlink() {
            return;
        }
        // Only regular files: never a FIFO, a socket or a device.
        if !file_type.is_file() {
            return;
        }
        // From a repository's root, only files under a named directory.
        if !self.everywhere && !self.named.iter().any(|n| path.starts_with(&n.real)) {
            return;
        }
        let named = self.named;
        let display = || display_in(named, path);
        self.scanner
            .scan_path(path, &display, &mut self.report, &mut self.buf);
        if self.buf.capacity() > 2 * CHUNK_SIZE {
            self.buf = Vec::new();
        }
    }
}

/// The name of a path found under one of the named directories.
fn display_in(named: &[Named], path: &Path) -> FilePath {
    named
        .iter()
        .filter(|n| path.starts_with(&n.real))
        .max_by_key(|n| n.real.as_os_str().len())
        .map(|n| n.display(path))
        .unwrap_or_else(|| FilePath::from_path(path))
}

fn describe_io(error: &std::io::Error, path: &Path) -> String {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && error.kind() == std::io::ErrorKind::NotFound
    {
        return "broken symbolic link: skipped".to_string();
    }
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied: skipped".to_string(),
        _ => format!("cannot read: {error}"),
    }
}

/// The path a walk error is about, and what to say.
fn walk_warning(error: &ignore::Error) -> (Option<PathBuf>, String) {
    let mut inner = error;
    let mut path = None;
    loop {
        match inner {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                inner = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner = err;
            }
            _ => break,
        }
    }
    match (inner, path) {
        (ignore::Error::Loop { child, .. }, _) => (
            Some(child.clone()),
            "symbolic link loop: skipped".to_string(),
        ),
        (ignore::Error::Io(e), Some(p)) => {
            let message = describe_io(e, &p);
            (Some(p), message)
        }
        (other, path) => (path, other.to_string()),
    }
}
