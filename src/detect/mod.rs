//! The detector: a literal prefilter over every rule's keywords, then each
//! rule's anchored regex at the hits, then its validators.

mod stream;
pub mod validate;

use aho_corasick::{AhoCorasick, Input, MatchKind};

use crate::error::Error;
use crate::rules::{MAX_MATCH_LEN, Rule};

pub use stream::{CHUNK_SIZE, Located, StreamStats, scan_stream};

/// Comments that allow the secret before them on the same line.
pub const ALLOW_MARKERS: &[&str] = &[
    "keyward:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// How far after a secret to look for an allow marker on the same line.
const ALLOW_LOOKAHEAD: usize = 4096;

/// A secret in a buffer, by byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMatch {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    /// The allow marker that follows it on its line, if any.
    pub allow_marker: Option<&'static str>,
}

pub struct Detector {
    rules: Vec<Rule>,
    prefilter: AhoCorasick,
    /// The distinct keywords, and for each the rules that use it.
    keywords: Vec<String>,
    pattern_rules: Vec<Vec<usize>>,
    longest_keyword: usize,
}

impl Detector {
    pub fn new(rules: Vec<Rule>) -> Result<Detector, Error> {
        let mut keywords: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.def.keywords {
                match keywords.iter().position(|k| k == keyword) {
                    Some(p) => pattern_rules[p].push(index),
                    None => {
                        keywords.push(keyword.clone());
                        pattern_rules.push(vec![index]);
                    }
                }
            }
        }
        let prefilter = AhoCorasick::builder()
            // Leftmost-first search keeps the vectorised prefilter; other
            // keywords at a hit are checked by hand below.
            .match_kind(MatchKind::LeftmostFirst)
            .build(&keywords)
            .map_err(|e| Error::Rules(format!("cannot build the keyword prefilter: {e}")))?;
        let longest_keyword = keywords.iter().map(String::len).max().unwrap_or(0);
        Ok(Detector {
            rules,
            prefilter,
            keywords,
            pattern_rules,
            longest_keyword,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Find the secrets whose keyword starts in `buf[from..until]`, in order
    /// of position. Bytes outside that range are context: the byte before a
    /// secret and the bytes after it decide its boundaries.
    pub fn find(&self, buf: &[u8], from: usize, until: usize, out: &mut Vec<RawMatch>) {
        if self.rules.is_empty() || from >= until {
            return;
        }
        let search_end = (until + self.longest_keyword).min(buf.len());
        // Per rule: where its last match ended, so that a keyword inside a
        // match is not tried again.
        let mut last_end = vec![0usize; self.rules.len()];
        let mut pos = from;
        while pos < until {
            let Some(hit) = self.prefilter.find(Input::new(buf).range(pos..search_end)) else {
                break;
            };
            let at = hit.start();
            if at >= until {
                break;
            }
            // Every keyword that starts here, not only the one reported.
            for (keyword, rules) in self.keywords.iter().zip(&self.pattern_rules) {
                if !buf[at..].starts_with(keyword.as_bytes()) {
                    continue;
                }
                for &index in rules {
                    if at < last_end[index] {
                        continue;
                    }
                    if let Some(m) = self.try_rule(index, buf, at, keyword.len()) {
                        last_end[index] = m.end;
                        out.push(m);
                    }
                }
            }
            // One byte on, so that a keyword inside another is still seen.
            pos = at + 1;
        }
        // Overlapping hits of different rules may come out of order.
        out.sort_by_key(|m| (m.start, m.rule));
    }

    fn try_rule(
        &self,
        index: usize,
        buf: &[u8],
        at: usize,
        keyword_len: usize,
    ) -> Option<RawMatch> {
        let rule = &self.rules[index];
        let window = &buf[at..(at + MAX_MATCH_LEN).min(buf.len())];
        let (start, end) = match rule.secret_group {
            None => {
                let m = rule.anchored.find(window)?;
                (at + m.start(), at + m.end())
            }
            Some(group) => {
                let caps = rule.anchored.captures(window)?;
                let m = caps.get(group)?;
                (at + m.start(), at + m.end())
            }
        };
        if start > 0 && rule.boundary.contains(buf[start - 1]) && !after_percent_escape(buf, start)
        {
            return None;
        }
        if end < buf.len() && rule.boundary.contains(buf[end]) {
            return None;
        }
        let keyword_len = if start == at { keyword_len } else { 0 };
        if !validate::is_valid(rule, &buf[start..end], keyword_len) {
            return None;
        }
        Some(RawMatch {
            rule: index,
            start,
            end,
            allow_marker: allow_marker_after(buf, end),
        })
    }
}

/// A percent-escape (`key%3Dr8_…` in a URL) delimits a token like the
/// character it encodes.
fn after_percent_escape(buf: &[u8], start: usize) -> bool {
    start >= 3
        && buf[start - 3] == b'%'
        && buf[start - 2].is_ascii_hexdigit()
        && buf[start - 1].is_ascii_hexdigit()
}

/// The allow marker that follows `end` on the same line, if any.
fn allow_marker_after(buf: &[u8], end: usize) -> Option<&'static str> {
    let rest = &buf[end..(end + ALLOW_LOOKAHEAD).min(buf.len())];
    let line = match memchr::memchr(b'\n', rest) {
        Some(nl) => &rest[..nl],
        None => rest,
    };
    ALLOW_MARKERS
        .iter()
        .copied()
        .find(|marker| memchr::memmem::find(line, marker.as_bytes()).is_some())
}
