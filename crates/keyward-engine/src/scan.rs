//! Run a source through the detector: the engine's one entry point.

use crate::detect::Detector;
use crate::error::Error;
use crate::source::{Progress, Report, Source};

/// Scan `source` and return its report in a stable order.
pub fn scan(
    source: &mut dyn Source,
    detector: &Detector,
    progress: &dyn Progress,
) -> Result<Report, Error> {
    let mut report = source.scan(detector, progress)?;
    report.sort();
    Ok(report)
}
