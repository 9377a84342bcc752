//! The git index (`--staged`): the content the next commit would carry,
//! whatever the work tree says.

use std::path::PathBuf;

use super::{Progress, Report, Source};
use crate::detect::Detector;
use crate::error::Error;
use crate::finding::Origin;
use crate::git::{Git, parse_raw};

pub struct Index {
    /// Any directory inside the work tree.
    pub dir: PathBuf,
}

impl Source for Index {
    /// Scan what the index holds for every path that differs from HEAD.
    fn base(&self) -> std::path::PathBuf {
        Git::discover(&self.dir).map_or_else(|_| self.dir.clone(), |git| git.dir().to_path_buf())
    }

    fn scan(&mut self, detector: &Detector, progress: &dyn Progress) -> Result<Report, Error> {
        let git = Git::discover(&self.dir)?;
        let raw = git.run(&[
            "diff",
            "--cached",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--diff-filter=ACMRT",
        ])?;
        let changes: Vec<_> = parse_raw(&raw)
            .into_iter()
            .filter(|c| c.has_content())
            .collect();
        let mut report = Report::default();
        let shas: Vec<String> = changes.iter().map(|c| c.new_sha.clone()).collect();
        let found = super::scan_blobs(&git, detector, &shas, progress, &mut report)?;
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
        Ok(report)
    }
}
