//! Files on disk, walked in parallel with the `ignore` crate, and any other
//! reader (standard input).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use super::{Progress, Report, Source};
use crate::detect::{CHUNK_SIZE, Detector};
use crate::error::Error;
use crate::finding::Origin;
use crate::path::FilePath;

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Scan files that .gitignore, .ignore and git's excludes would skip.
    pub no_ignore: bool,
    pub follow_links: bool,
    /// Larger files are skipped with a warning.
    pub max_file_size: Option<u64>,
    /// 0: one per core.
    pub threads: usize,
}

/// Files and directories named by the user.
pub struct Files {
    pub paths: Vec<PathBuf>,
    /// Paths in findings are relative to it.
    pub root: PathBuf,
    pub options: WalkOptions,
}

impl Source for Files {
    /// A missing path is an error; anything that goes wrong inside the
    /// walk is a warning.
    fn scan(&mut self, detector: &Detector, _progress: &dyn Progress) -> Result<Report, Error> {
        for path in &self.paths {
            if std::fs::symlink_metadata(path).is_err() {
                return Err(Error::MissingPath { path: path.clone() });
            }
        }
        let Some((first, rest)) = self.paths.split_first() else {
            return Ok(Report::default());
        };
        let mut builder = WalkBuilder::new(first);
        for path in rest {
            builder.add(path);
        }
        let honour = !self.options.no_ignore;
        builder
            .hidden(false)
            .ignore(honour)
            .git_ignore(honour)
            .git_global(honour)
            .git_exclude(honour)
            .parents(honour)
            .follow_links(self.options.follow_links)
            .threads(self.options.threads)
            .filter_entry(|entry| entry.file_name() != ".git");
        let results = Mutex::new(Report::default());
        let mut visitors = VisitorBuilder {
            detector,
            root: &self.root,
            options: &self.options,
            results: &results,
        };
        builder.build_parallel().visit(&mut visitors);
        Ok(results.into_inner().unwrap_or_else(|e| e.into_inner()))
    }
}

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
            path: self.name.clone(),
            commit: None,
        };
        report.found(detector, &origin, matches);
        Ok(report)
    }
}

struct VisitorBuilder<'a> {
    detector: &'a Detector,
    root: &'a Path,
    options: &'a WalkOptions,
    results: &'a Mutex<Report>,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            detector: self.detector,
            root: self.root,
            options: self.options,
            results: self.results,
            buf: Vec::new(),
            report: Report::default(),
        })
    }
}

/// Per-thread state: a reused buffer and the thread's own report, handed
/// over once when the thread is done.
struct FileVisitor<'a> {
    detector: &'a Detector,
    root: &'a Path,
    options: &'a WalkOptions,
    results: &'a Mutex<Report>,
    buf: Vec<u8>,
    report: Report,
}

impl Drop for FileVisitor<'_> {
    fn drop(&mut self) {
        let report = std::mem::take(&mut self.report);
        match self.results.lock() {
            Ok(mut results) => results.merge(report),
            Err(poisoned) => poisoned.into_inner().merge(report),
        }
    }
}

impl ParallelVisitor for FileVisitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(error) => {
                let (path, message) = walk_warning(&error, self.root);
                self.report.warn(path, message);
            }
        }
        WalkState::Continue
    }
}

impl FileVisitor<'_> {
    fn visit_entry(&mut self, entry: &DirEntry) {
        let Some(file_type) = entry.file_type() else {
            return; // stdin entries do not occur here
        };
        if file_type.is_dir() {
            return;
        }
        // A symlink inside the tree is git's link text, not content; one
        // named on the command line is followed.
        if file_type.is_symlink() && entry.depth() > 0 {
            return;
        }
        self.scan_file(entry.path());
    }

    fn scan_file(&mut self, path: &Path) {
        let origin = Origin {
            path: relative(path, self.root),
            commit: None,
        };
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return self.report.warn(origin.path, describe_io(&e, path)),
        };
        if !metadata.is_file() {
            return;
        }
        if let Some(max) = self.options.max_file_size
            && metadata.len() > max
        {
            self.report.stats.skipped += 1;
            let message = format!(
                "skipped: {} bytes is over the size limit ({max} bytes)",
                metadata.len()
            );
            return self.report.warn(origin.path, message);
        }
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return self.report.warn(origin.path, describe_io(&e, path)),
        };
        let mut matches = Vec::new();
        match self.detector.scan(&mut file, &mut self.buf, &mut matches) {
            Ok(bytes) => {
                self.report.stats.files += 1;
                self.report.stats.bytes += bytes;
            }
            Err(e) => self
                .report
                .warn(origin.path.clone(), format!("read failed: {e}")),
        }
        // Findings made before a read error are kept: nothing is lost.
        self.report.found(self.detector, &origin, matches);
        if self.buf.capacity() > 2 * CHUNK_SIZE {
            self.buf = Vec::new();
        }
    }
}

fn relative(path: &Path, root: &Path) -> FilePath {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => FilePath::from_path(rel),
        _ => FilePath::from_path(path),
    }
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

fn walk_warning(error: &ignore::Error, root: &Path) -> (FilePath, String) {
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
    let message = match (inner, &path) {
        (ignore::Error::Loop { child, .. }, _) => {
            return (
                relative(child, root),
                "symbolic link loop: skipped".to_string(),
            );
        }
        (ignore::Error::Io(e), Some(p)) => describe_io(e, p),
        _ => inner.to_string(),
    };
    (
        path.map(|p| relative(&p, root)).unwrap_or_default(),
        message,
    )
}
