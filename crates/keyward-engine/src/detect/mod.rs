//! The detector: a literal prefilter over every rule's keywords, then each
//! rule's anchored regex at the hits, then its boundaries and validators.

mod boundary;
mod placeholder;
mod prefilter;
mod stream;
pub mod validate;

use crate::error::Error;
use crate::rules::{MAX_MATCH_LEN, Rule};
use prefilter::Prefilter;

pub use stream::CHUNK_SIZE;
pub use validate::Reject;

/// Comments that allow the secret before them on the same line.
pub const ALLOW_MARKERS: &[&str] = &[
    "keyward:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// How far after a secret to look for an allow marker on the same line.
const ALLOW_LOOKAHEAD: usize = 4096;

/// Where a secret sits: 1-based lines, and columns in characters. The end
/// column is one past the secret's last character, as SARIF wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
}

/// A secret the detector found in a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub rule: usize,
    pub secret: String,
    pub span: Span,
    /// The allow marker that follows it on its line, if any.
    pub allow_marker: Option<&'static str>,
}

/// A match by byte offsets in a buffer, before lines are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    rule: usize,
    start: usize,
    end: usize,
    allow_marker: Option<&'static str>,
}

/// What `Detector::check_key` says of one whole string.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyCheck {
    /// A key of this rule.
    Valid(usize),
    /// It starts like a key of this rule but is not one.
    Invalid { rule: usize, reject: Reject },
    /// No rule's keyword starts it.
    Unknown,
}

pub struct Detector {
    rules: Vec<Rule>,
    prefilter: Prefilter,
}

impl Detector {
    pub fn new(rules: Vec<Rule>) -> Result<Detector, Error> {
        let prefilter = Prefilter::new(&rules)?;
        Ok(Detector { rules, prefilter })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Find the secrets whose keyword starts in `buf[from..until]`, in order
    /// of position. Bytes outside that range are context: the byte before a
    /// secret and the bytes after it decide its boundaries.
    fn find(&self, buf: &[u8], from: usize, until: usize, out: &mut Vec<Hit>) {
        let first = out.len();
        // Per rule: where its last match ended, so that a keyword inside a
        // match is not tried again.
        let mut last_end = vec![0usize; self.rules.len()];
        self.prefilter.for_each(buf, from, until, |at, literal| {
            for &index in &literal.rules {
                if at < last_end[index] {
                    continue;
                }
                if let Some(hit) = self.try_rule(index, buf, at, literal.bytes.len()) {
                    last_end[index] = hit.end;
                    out.push(hit);
                }
            }
        });
        // Overlapping hits of different rules may come out of order.
        out[first..].sort_by_key(|m| (m.start, m.rule));
        self.drop_overlaps(out, first);
    }

    /// Where the secrets of two built-in rules overlap (a service-account
    /// file and the private key inside it, a token inside a credential
    /// URL), report one: the longer secret, or on the same span the more
    /// precise rule, then the earlier rule. A custom rule's matches are
    /// always reported. `out[first..]` is sorted by start.
    fn drop_overlaps(&self, out: &mut Vec<Hit>, first: usize) {
        let strength = |h: &Hit| (h.end - h.start, self.rules[h.rule].def.precision);
        let builtin = |h: &Hit| self.rules[h.rule].builtin;
        let hits = &out[first..];
        let mut keep = vec![true; hits.len()];
        for i in 0..hits.len() {
            for j in i + 1..hits.len() {
                if hits[j].start >= hits[i].end {
                    break;
                }
                if !keep[i] || !keep[j] || !builtin(&hits[i]) || !builtin(&hits[j]) {
                    continue;
                }
                let weaker = if strength(&hits[i]) >= strength(&hits[j]) {
                    j
                } else {
                    i
                };
                keep[weaker] = false;
            }
        }
        let mut index = 0;
        out.retain(|_| {
            let kept = index < first || keep[index - first];
            index += 1;
            kept
        });
    }

    fn try_rule(&self, index: usize, buf: &[u8], at: usize, keyword_len: usize) -> Option<Hit> {
        let rule = &self.rules[index];
        let (start, end) = if rule.lookbehind == 0 {
            let window = &buf[at..(at + MAX_MATCH_LEN).min(buf.len())];
            let m = match rule.secret_group {
                None => rule.pattern.find(window)?,
                Some(group) => rule.pattern.captures(window)?.get(group)?,
            };
            (at + m.start(), at + m.end())
        } else {
            // The first match that holds the keyword.
            let from = at.saturating_sub(rule.lookbehind);
            let window = &buf[from..(at + MAX_MATCH_LEN).min(buf.len())];
            let keyword = (at - from)..(at - from + keyword_len);
            let caps = rule
                .pattern
                .captures_iter(window)
                .map_while(|c| {
                    c.get(0)
                        .filter(|m| m.start() <= keyword.start)
                        .map(|m| (m, c))
                })
                .find(|(m, _)| m.end() >= keyword.end)?
                .1;
            let m = caps.get(rule.secret_group.unwrap_or(0))?;
            (from + m.start(), from + m.end())
        };
        if !boundary::stands_alone(buf, start, end, &rule.boundary_left, &rule.boundary_right) {
            return None;
        }
        let keyword_len = if start == at { keyword_len } else { 0 };
        validate::check(rule, &buf[start..end], keyword_len).ok()?;
        Some(Hit {
            rule: index,
            start,
            end,
            allow_marker: allow_marker_after(buf, end),
        })
    }

    /// Judge one whole string as a key, and say why it is not one.
    pub fn check_key(&self, key: &[u8]) -> KeyCheck {
        let mut first_reject = None;
        for (index, rule) in self.rules.iter().enumerate() {
            // A rule with a lookbehind has its keyword inside the key.
            let holds = |k: &&String| match rule.lookbehind {
                0 => key.starts_with(k.as_bytes()),
                _ => memchr::memmem::find(key, k.as_bytes()).is_some(),
            };
            let Some(keyword) = rule
                .def
                .keywords
                .iter()
                .filter(holds)
                .max_by_key(|k| k.len())
            else {
                continue;
            };
            let keyword_len = if key.starts_with(keyword.as_bytes()) {
                keyword.len()
            } else {
                0
            };
            let whole = rule
                .pattern
                .captures(key)
                .and_then(|caps| caps.get(rule.secret_group.unwrap_or(0)))
                .is_some_and(|m| m.start() == 0 && m.end() == key.len());
            let verdict = match rule.def.validate.length {
                Some(expected) if key.len() != expected => Err(Reject::Length {
                    got: key.len(),
                    expected,
                }),
                _ if !whole => Err(Reject::Shape),
                _ => validate::check(rule, key, keyword_len),
            };
            match verdict {
                Ok(()) => return KeyCheck::Valid(index),
                Err(reject) => {
                    first_reject.get_or_insert(KeyCheck::Invalid {
                        rule: index,
                        reject,
                    });
                }
            }
        }
        first_reject.unwrap_or(KeyCheck::Unknown)
    }
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
