//! `path:line:col  rule  redacted`, one finding a line.

use std::fmt::Write;

use super::{ReportInput, short_commit, verification_note};

const MAGENTA: &str = "\x1b[35m";
const GREEN: &str = "\x1b[32m";
const RED_BOLD: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

pub fn render(input: &ReportInput<'_>) -> String {
    let paint = |code: &'static str| if input.color { code } else { "" };
    let mut out = String::new();
    for f in input.outcome.active() {
        let _ = write!(
            out,
            "{}{}{}:{}{}:{}{}  {}{}{}  {}",
            paint(MAGENTA),
            f.path,
            paint(RESET),
            paint(GREEN),
            f.line,
            f.column,
            paint(RESET),
            paint(RED_BOLD),
            f.rule_id,
            paint(RESET),
            f.display_secret(input.show_secrets),
        );
        if let Some(commit) = &f.commit {
            let _ = write!(out, "  commit {}", short_commit(commit));
        }
        if let Some(note) = verification_note(f) {
            let _ = write!(out, "  [{note}]");
        }
        out.push('\n');
    }
    out
}
