//! Text for people: findings as `path:line:col  rule  redacted`, rules as a
//! table, `check` as labelled lines.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::{Document, Findings, KeyReport, short_commit};
use keyward_engine::rules::Rule;

const PATH: Style = AnsiColor::Magenta.on_default();
const PLACE: Style = AnsiColor::Green.on_default();
const RULE: Style = AnsiColor::Red.on_default().bold();

pub fn write(document: &Document<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    match document {
        Document::Scan(findings) => scan(findings, out),
        Document::Rules(rules) => out.write_all(rules_table(rules).as_bytes()),
        Document::Check(report) => out.write_all(check(report).as_bytes()),
    }
}

/// A line per finding, written as it is made.
fn scan(findings: &Findings<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let paint = |style: Style| {
        if findings.color {
            (style.render().to_string(), style.render_reset().to_string())
        } else {
            (String::new(), String::new())
        }
    };
    let ((p, p_end), (l, l_end), (r, r_end)) = (paint(PATH), paint(PLACE), paint(RULE));
    let mut line = String::new();
    for f in findings.report.active() {
        line.clear();
        let _ = write!(
            line,
            "{p}{}{p_end}:{l}{}:{}{l_end}  {r}{}{r_end}  {}",
            f.path.escaped(),
            f.span.line,
            f.span.column,
            f.rule_id,
            f.display_secret(findings.show_secrets),
        );
        if let Some(encoding) = f.encoding {
            let _ = write!(line, "  ({})", encoding.as_str());
        }
        if let Some(commit) = &f.commit {
            let _ = write!(line, "  commit {}", short_commit(commit));
        }
        if let Some(v) = &f.verification {
            let _ = write!(line, "  [{}]", v.label());
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// One line per rule, and where its keys are rotated on the next.
fn rules_table(rules: &[Rule]) -> String {
    let mut out = String::new();
    for r in rules {
        let _ = writeln!(
            out,
            "{:<34} {:<14} {:<8} {:<10} {}",
            r.id(),
            r.def.provider,
            r.def.severity.as_str(),
            if r.def.verifier.is_some() {
                "verifiable"
            } else {
                "-"
            },
            r.def.description
        );
        if let Some(url) = &r.def.rotate {
            let _ = writeln!(out, "{:34} rotate: {url}", "");
        }
    }
    out
}

fn check(report: &KeyReport<'_>) -> String {
    let mut out = String::new();
    if let Some(message) = &report.invalid {
        let _ = writeln!(out, "format:   invalid\n{message}");
        return out;
    }
    if let (Some(redacted), Some(rule)) = (report.redacted, report.rule) {
        let _ = writeln!(
            out,
            "key:      {redacted}\nrule:     {} ({})\nformat:   valid",
            rule.id(),
            rule.def.provider
        );
    }
    if let Some(why) = report.not_checked {
        let _ = writeln!(out, "status:   not checked ({why})");
        return out;
    }
    if let Some(v) = report.verification {
        let _ = writeln!(
            out,
            "status:   {}{}",
            v.label(),
            v.http_status
                .map(|s| format!(", HTTP {s}"))
                .unwrap_or_default()
        );
    }
    if let (Some(meaning), Some(fix)) = (report.meaning, report.fix) {
        let _ = writeln!(out, "meaning:  {meaning}\nfix:      {fix}");
    }
    let mut latencies = report.latencies_ms.to_vec();
    latencies.sort_unstable();
    if let (Some(min), Some(max)) = (latencies.first(), latencies.last()) {
        let median = latencies[latencies.len() / 2];
        let _ = writeln!(
            out,
            "latency:  min {min} ms, median {median} ms, max {max} ms over {} round{}",
            latencies.len(),
            if latencies.len() == 1 { "" } else { "s" }
        );
    }
    out
}
