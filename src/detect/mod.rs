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
    /// For each prefilter pattern, the rules that use it as a keyword.
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
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .map_err(|e| Error::Rules(format!("cannot build the keyword prefilter: {e}")))?;
        let longest_keyword = keywords.iter().map(String::len).max().unwrap_or(0);
        Ok(Detector {
            rules,
            prefilter,
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
        let input = Input::new(buf).range(from..search_end);
        // Per rule: where its last match ended, so that a keyword inside a
        // match is not tried again.
        let mut last_end = vec![0usize; self.rules.len()];
        for hit in self.prefilter.find_overlapping_iter(input) {
            if hit.start() >= until {
                break;
            }
            for &index in &self.pattern_rules[hit.pattern().as_usize()] {
                if hit.start() < last_end[index] {
                    continue;
                }
                if let Some(m) = self.try_rule(index, buf, hit.start(), hit.len()) {
                    last_end[index] = m.end;
                    out.push(m);
                }
            }
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
