//! Files on disk, walked in parallel with the `ignore` crate, and stdin.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use super::{Hit, SourceOutput, Warning, display_path};
use crate::detect::{Detector, scan_stream};
use crate::error::Error;

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

/// Walk `paths` and scan every file. A missing path is an error; anything
/// that goes wrong inside the walk is a warning.
pub fn scan_paths(
    detector: &Detector,
    paths: &[PathBuf],
    root: &Path,
    options: &WalkOptions,
) -> Result<SourceOutput, Error> {
    for path in paths {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(Error::MissingPath { path: path.clone() });
        }
    }
    let Some((first, rest)) = paths.split_first() else {
        return Ok(SourceOutput::default());
    };
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    let honour = !options.no_ignore;
    builder
        .hidden(false)
        .ignore(honour)
        .git_ignore(honour)
        .git_global(honour)
        .git_exclude(honour)
        .parents(honour)
        .follow_links(options.follow_links)
        .threads(options.threads)
        .filter_entry(|entry| entry.file_name() != ".git");
    let results = Mutex::new(Vec::new());
    let mut visitors = VisitorBuilder {
        detector,
        root,
        options,
        results: &results,
    };
    builder.build_parallel().visit(&mut visitors);
    let mut output = SourceOutput::default();
    for part in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        output.merge(part);
    }
    Ok(output)
}

/// Scan standard input as one file named `path`.
pub fn scan_reader(detector: &Detector, reader: &mut dyn Read, path: &str) -> SourceOutput {
    let mut output = SourceOutput::default();
    let mut buf = Vec::new();
    let mut located = Vec::new();
    match scan_stream(detector, reader, &mut buf, &mut located) {
        Ok(stats) => {
            output.files = 1;
            output.bytes = stats.bytes;
        }
        Err(e) => output.warnings.push(Warning {
            path: path.to_string(),
            message: format!("read failed: {e}"),
        }),
    }
    output.hits = located
        .into_iter()
        .map(|located| Hit {
            path: path.to_string(),
            commit: None,
            located,
        })
        .collect();
    output
}

struct VisitorBuilder<'a> {
    detector: &'a Detector,
    root: &'a Path,
    options: &'a WalkOptions,
    results: &'a Mutex<Vec<SourceOutput>>,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            detector: self.detector,
            root: self.root,
            options: self.options,
            results: self.results,
            buf: Vec::new(),
            output: SourceOutput::default(),
        })
    }
}

/// Per-thread state: a reused buffer and the thread's own results, handed
/// over once when the thread is done.
struct FileVisitor<'a> {
    detector: &'a Detector,
    root: &'a Path,
    options: &'a WalkOptions,
    results: &'a Mutex<Vec<SourceOutput>>,
    buf: Vec<u8>,
    output: SourceOutput,
}

impl Drop for FileVisitor<'_> {
    fn drop(&mut self) {
        let output = std::mem::take(&mut self.output);
        match self.results.lock() {
            Ok(mut results) => results.push(output),
            Err(poisoned) => poisoned.into_inner().push(output),
        }
    }
}

impl ParallelVisitor for FileVisitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(error) => self.output.warnings.push(walk_warning(&error, self.root)),
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
        let display = relative_display(path, self.root);
        let warn = |output: &mut SourceOutput, message: String| {
            output.warnings.push(Warning {
                path: display.clone(),
                message,
            })
        };
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return warn(&mut self.output, describe_io(&e, path)),
        };
        if !metadata.is_file() {
            return;
        }
        if let Some(max) = self.options.max_file_size
            && metadata.len() > max
        {
            self.output.skipped += 1;
            let message = format!(
                "skipped: {} bytes is over --max-file-size ({max} bytes)",
                metadata.len()
            );
            return warn(&mut self.output, message);
        }
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return warn(&mut self.output, describe_io(&e, path)),
        };
        let mut located = Vec::new();
        match scan_stream(self.detector, &mut file, &mut self.buf, &mut located) {
            Ok(stats) => {
                self.output.files += 1;
                self.output.bytes += stats.bytes;
            }
            Err(e) => warn(&mut self.output, format!("read failed: {e}")),
        }
        // Findings made before a read error are kept: nothing is lost.
        self.output
            .hits
            .extend(located.into_iter().map(|located| Hit {
                path: display.clone(),
                commit: None,
                located,
            }));
        if self.buf.capacity() > 2 * crate::detect::CHUNK_SIZE {
            self.buf = Vec::new();
        }
    }
}

fn relative_display(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => display_path(rel),
        _ => display_path(path),
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

fn walk_warning(error: &ignore::Error, root: &Path) -> Warning {
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
            return Warning {
                path: relative_display(child, root),
                message: "symbolic link loop: skipped".to_string(),
            };
        }
        (ignore::Error::Io(e), Some(p)) => describe_io(e, p),
        _ => inner.to_string(),
    };
    Warning {
        path: path.map(|p| relative_display(&p, root)).unwrap_or_default(),
        message,
    }
}
