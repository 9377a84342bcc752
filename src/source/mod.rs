//! Where bytes come from: files on disk, standard input, the git index and
//! git history. Each source hands the detector byte streams and returns hits
//! with the place they were found.

pub mod fs;
pub mod git;

use crate::detect::Located;

/// A match and where it was found.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Relative to the scanned root, with forward slashes.
    pub path: String,
    pub commit: Option<String>,
    pub located: Located,
}

/// Something that could not be scanned. The scan goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// What a source produced.
#[derive(Debug, Default)]
pub struct SourceOutput {
    pub hits: Vec<Hit>,
    pub warnings: Vec<Warning>,
    pub files: u64,
    pub bytes: u64,
    pub skipped: u64,
    /// For git history: commits walked and distinct blobs scanned.
    pub commits: u64,
    pub blobs: u64,
}

impl SourceOutput {
    pub fn merge(&mut self, other: SourceOutput) {
        self.hits.extend(other.hits);
        self.warnings.extend(other.warnings);
        self.files += other.files;
        self.bytes += other.bytes;
        self.skipped += other.skipped;
        self.commits += other.commits;
        self.blobs += other.blobs;
    }
}

/// A path for display: forward slashes, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    match text.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => text,
    }
}
