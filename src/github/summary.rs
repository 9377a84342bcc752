//! The job summary (`$GITHUB_STEP_SUMMARY`) and step outputs
//! (`$GITHUB_OUTPUT`).

use std::fmt::Write;

use keyward_engine::source::Report;

use crate::output::short_commit;

/// The markdown table for the job summary.
pub fn step_summary(report: &Report, scanned: &str, notes: &[String]) -> String {
    let active: Vec<_> = report.active().collect();
    let mut md = String::from("## keyward\n\n");
    let _ = writeln!(
        md,
        "Scanned {scanned}: **{} finding{}**.",
        active.len(),
        if active.len() == 1 { "" } else { "s" }
    );
    for note in notes {
        let _ = writeln!(md, "\n> {note}");
    }
    if !active.is_empty() {
        md.push_str(
            "\n| File | Line | Rule | Key | Commit | Verified |\n|---|---|---|---|---|---|\n",
        );
        for f in &active {
            let _ = writeln!(
                md,
                "| `{}` | {} | `{}` | `{}` | {} | {} |",
                cell(&f.path.escaped()),
                f.span.line,
                f.rule_id,
                f.redacted,
                f.commit.as_deref().map(short_commit).unwrap_or("-"),
                f.verification
                    .as_ref()
                    .map(|v| v.status.as_str())
                    .unwrap_or("-"),
            );
        }
        md.push_str("\nRotate each key at its provider first, then remove it from the history. A false positive can be allowed with a `keyward:allow` comment or a baseline.\n");
    }
    // An inline allow is part of the change itself: show where, so that
    // review sees every line the change exempted.
    let inline: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.suppression.is_some_and(|s| s.is_in_source()))
        .collect();
    if !inline.is_empty() {
        md.push_str("\n**Allowed inline** (review these lines):\n\n");
        for f in inline {
            let (path, line, rule) = (cell(&f.path.escaped()), f.span.line, &f.rule_id);
            let commit = f.commit.as_deref().map(short_commit);
            let commit = commit.map(|c| format!(" in {c}")).unwrap_or_default();
            let _ = writeln!(md, "- `{path}` line {line}: `{rule}`{commit}");
        }
    }
    let suppressed: usize = report.suppressed_by_reason().values().sum();
    if suppressed > 0 {
        let _ = writeln!(
            md,
            "\n{suppressed} suppressed (allowed inline, by config or by the baseline)."
        );
    }
    md
}

/// Text that stays inside one code span in one table cell: no line break
/// (after it, a `<!--` would hide the rows that follow), no pipe, no
/// backtick. Inside a code span, HTML is inert.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
        .replace('|', "\\|")
        .replace('`', "'")
}

/// `key=value` lines for the step outputs.
pub fn outputs(report: &Report, sarif_file: &str) -> String {
    let live = report
        .active()
        .filter(|f| f.verification.as_ref().is_some_and(|v| v.status.is_live()))
        .count();
    format!(
        "findings={}\nlive={live}\nsarif-file={}\n",
        report.active().count(),
        sarif_file.replace(['\n', '\r'], "")
    )
}
