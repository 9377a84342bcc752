//! The git index (`--staged`): the content the next commit would carry,
//! whatever the work tree says.

use std::ffi::OsString;
use std::path::PathBuf;

use super::{Progress, Report, Source};
use crate::detect::Detector;
use crate::error::Error;
use crate::finding::Origin;
use crate::git::{Git, literal_pathspec, parse_raw};

pub struct Index {
    /// Any directory inside the work tree.
    pub dir: PathBuf,
    /// Paths relative to the repository's top that limit the scan to the
    /// files under them; empty: every file.
    pub paths: Vec<PathBuf>,
}

impl Source for Index {
    /// Scan what the index holds for every path that differs from HEAD.
    fn base(&self) -> std::path::PathBuf {
        Git::discover(&self.dir).map_or_else(|_| self.dir.clone(), |git| git.dir().to_path_buf())
    }

    fn scan(&mut self, detector: &Detector, progress: &dyn Progress) -> Result<Report, Error> {
        let git = Git::discover(&self.dir)?;
        if git.is_bare() {
            return Err(Error::Git(format!(
                "{} is a bare repository: it has no index to scan",
                git.dir().display()
            )));
        }
        let mut args: Vec<OsString> = [
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--diff-filter=ACMRT",
            "--",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        args.extend(self.paths.iter().map(|p| literal_pathspec(p)));
        let raw = git.run(&args)?;
        let changes: Vec<_> = parse_raw(&raw)
            .into_iter()
            .filter(|c| c.has_content())
            .collect();
        let mut report = Report::default();
        let mut missing = Vec::new();
        let shas: Vec<String> = changes.iter().map(|c| c.new_sha.clone()).collect();
        let found = super::scan_blobs(&git, detector, &shas, progress, &mut report, &mut missing)?;
        report.stats.files = std::mem::take(&mut report.stats.blobs);
        for change in changes {
            if let Some(matches) = found.get(&change.new_sha) {
                let origin = Origin {
                    path: change.path.into(),
                    commit: None,
                };
                report.found(detector, &origin, matches.iter().cloned());
            }
        }
        if !missing.is_empty() {
            report.fail(git.explain_missing(&missing, &["--indexed-objects"]));
        }
        Ok(report)
    }
}
