//! GitHub workflow commands: one `::error` annotation per finding.

use std::fmt::Write;

use super::{ReportInput, short_commit, verification_note};

pub fn render(input: &ReportInput<'_>) -> String {
    let mut out = String::new();
    for f in input.outcome.active() {
        let mut message = format!("{} {} found", f.provider, f.redacted);
        if let Some(commit) = &f.commit {
            let _ = write!(message, " in commit {}", short_commit(commit));
        }
        if let Some(note) = verification_note(f) {
            let _ = write!(message, " (verified: {note})");
        }
        let _ = writeln!(
            out,
            "::error file={},line={},col={},endColumn={},title={}::{}",
            escape_property(&f.path),
            f.line,
            f.column,
            f.end_column,
            escape_property(&format!("keyward: {}", f.rule_id)),
            escape_data(&message),
        );
    }
    out
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
