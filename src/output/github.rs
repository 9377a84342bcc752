//! GitHub workflow commands: one `::error` annotation per finding.

use std::fmt::Write;

use super::{Findings, short_commit};

pub fn write(findings: &Findings<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in findings.report.active() {
        let mut message = format!("{} {} found", f.provider, f.redacted);
        if let Some(encoding) = f.encoding {
            let _ = write!(message, " ({})", encoding.as_str());
        }
        if let Some(commit) = &f.commit {
            let _ = write!(message, " in commit {}", short_commit(commit));
        }
        if let Some(v) = &f.verification {
            let _ = write!(message, " (verified: {})", v.label());
        }
        writeln!(
            out,
            "::error file={},line={},col={},endColumn={},title={}::{}",
            escape_property(&f.path.to_string_lossy()),
            f.span.line,
            f.span.column,
            f.span.end_column,
            escape_property(&format!("keyward: {}", f.rule_id)),
            escape_data(&message),
        )?;
    }
    Ok(())
}

/// An `::error` annotation about the run itself, not a file.
pub fn error(title: &str, message: &str) -> String {
    format!(
        "::error title={}::{}\n",
        escape_property(title),
        escape_data(message)
    )
}

/// Workflow command data escaping, as the runner decodes it.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
