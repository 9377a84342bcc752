//! The detector: a literal prefilter over every rule's keywords, then each
//! rule's anchored regex at the hits, then its boundaries and validators.

mod boundary;
mod decode;
mod placeholder;
mod prefilter;
mod stream;
pub mod validate;

use crate::error::Error;
use crate::rules::{MAX_LOOKBEHIND, MAX_MATCH_LEN, Rule};
use decode::{Decoder, Site};
use prefilter::{Kind, Prefilter};

pub use decode::Encoding;
pub use stream::CHUNK_SIZE;
pub use validate::Reject;

/// How deep encodings nest (base64 of JSON with escapes, base64 twice).
const MAX_DEPTH: usize = 2;

/// Decoded bytes of context before an encoded keyword: what a boundary
/// and a lookbehind read.
const DECODE_BEFORE: usize = MAX_LOOKBEHIND + 16;

/// Decoded bytes after a keyword whose key holds escapes.
const ESCAPED_AFTER: usize = 1024;

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
    /// The key itself, decoded if it was encoded.
    pub secret: String,
    /// Where the key's text is, encoded as it is in the stream.
    pub span: Span,
    /// The allow marker that follows it on its line, if any.
    pub allow_marker: Option<&'static str>,
    /// How the key was disguised, if it was.
    pub encoding: Option<Encoding>,
}

/// A match by byte offsets in a buffer, before lines are counted.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    rule: usize,
    start: usize,
    end: usize,
    allow_marker: Option<&'static str>,
    /// For a key found by decoding: how, and the decoded key.
    decoded: Option<(Encoding, Vec<u8>)>,
    /// How many decodings deep it was found: matches at different depths
    /// are layers (a config file and the token inside it), not duplicates.
    depth: u8,
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
        let prefilter = Prefilter::new(&rules, true)?;
        Ok(Detector { rules, prefilter })
    }

    /// A detector that finds only plain keys: what the decoders cost is
    /// measured against it.
    pub fn without_decoders(rules: Vec<Rule>) -> Result<Detector, Error> {
        let prefilter = Prefilter::new(&rules, false)?;
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
        self.find_nested(buf, from, until, 0, out);
        // A key found both plainly and through a decoder keeps its plain
        // form, which sorts first.
        out[first..].sort_by(|a, b| {
            (a.start, a.rule, a.end, a.decoded.is_some()).cmp(&(
                b.start,
                b.rule,
                b.end,
                b.decoded.is_some(),
            ))
        });
        let mut kept = first;
        for i in first..out.len() {
            let duplicate = kept > first && {
                let last = &out[kept - 1];
                (last.start, last.end, last.rule) == (out[i].start, out[i].end, out[i].rule)
            };
            if !duplicate {
                out.swap(kept, i);
                kept += 1;
            }
        }
        out.truncate(kept);
        self.drop_overlaps(out, first);
    }

    fn find_nested(&self, buf: &[u8], from: usize, until: usize, depth: usize, out: &mut Vec<Hit>) {
        if from >= until {
            return;
        }
        let mut hits = Vec::new();
        self.prefilter
            .hits(buf, from, until, if depth == 0 { 16 } else { 0 }, &mut hits);
        if hits.is_empty() {
            return;
        }
        // Per rule: where its last match ended, so that a keyword inside a
        // match is not tried again; per decoder: how far it has decoded.
        let mut last_end = vec![0usize; self.rules.len()];
        let mut decoded_to = [0usize; 3];
        for (at, id) in hits {
            let literal = self.prefilter.literal(id);
            match &literal.kind {
                Kind::Plain { rules } => {
                    let mut matched = false;
                    if at >= from {
                        for &index in rules {
                            if at < last_end[index] {
                                continue;
                            }
                            if let Some(hit) = self.try_rule(index, buf, at, literal.bytes.len()) {
                                last_end[index] = hit.end;
                                out.push(hit);
                                matched = true;
                            }
                        }
                    }
                    // A keyword whose key holds an escape (`\/`, `%2F`).
                    if !matched
                        && at >= from
                        && depth < MAX_DEPTH
                        && decode::escaped_token_follows(buf, at + literal.bytes.len())
                    {
                        let form = decode::Form {
                            literal: Vec::new(),
                            encoding: Encoding::Escaped,
                            variant: 0,
                        };
                        self.decode_at(buf, at, &decode::Escape, &form, (from, until), depth, out);
                    }
                }
                Kind::Encoded { decoder, form } => {
                    let slot = match form.encoding {
                        Encoding::Base64 => 0,
                        Encoding::Utf16 => 1,
                        Encoding::Escaped | Encoding::Percent => 2,
                    };
                    if depth >= MAX_DEPTH || at < decoded_to[slot] {
                        continue;
                    }
                    decoded_to[slot] =
                        self.decode_at(buf, at, *decoder, form, (from, until), depth, out);
                }
            }
        }
    }

    /// Decode the run around an encoded keyword at `at` and find keys in it;
    /// keep those whose encoded text starts in `range`. Returns how far the
    /// decoded run reached.
    #[allow(clippy::too_many_arguments)]
    fn decode_at(
        &self,
        buf: &[u8],
        at: usize,
        decoder: &dyn Decoder,
        form: &decode::Form,
        range: (usize, usize),
        depth: usize,
        out: &mut Vec<Hit>,
    ) -> usize {
        // An escaped key is short; an encoded run may hold a long one.
        let after = match form.encoding {
            Encoding::Escaped | Encoding::Percent => ESCAPED_AFTER,
            _ => MAX_MATCH_LEN,
        };
        let Some(decoded) = decoder.decode(
            buf,
            Site {
                hit: at,
                form,
                before: DECODE_BEFORE,
                after,
            },
        ) else {
            return at + 1;
        };
        let mut inner = Vec::new();
        self.find_nested(
            &decoded.bytes,
            0,
            decoded.bytes.len(),
            depth + 1,
            &mut inner,
        );
        for hit in inner {
            let (start, end) = decoded.span(hit.start, hit.end);
            if start < range.0 || start >= range.1 {
                continue;
            }
            let secret = match hit.decoded {
                Some((_, secret)) => secret,
                None => decoded.bytes[hit.start..hit.end].to_vec(),
            };
            // Decoding may only have given a plain key new context.
            let decoded_key = (buf[start..end] != secret[..]).then(|| {
                let encoding = match (form.encoding, memchr::memchr(b'%', &buf[start..end])) {
                    (Encoding::Escaped, Some(_)) => Encoding::Percent,
                    (encoding, _) => encoding,
                };
                (encoding, secret)
            });
            out.push(Hit {
                rule: hit.rule,
                start,
                end,
                allow_marker: hit.allow_marker.or_else(|| allow_marker_after(buf, end)),
                depth: hit.depth + u8::from(decoded_key.is_some()),
                decoded: decoded_key,
            });
        }
        decoded.ends.last().copied().unwrap_or(at + 1)
    }

    /// Where the secrets of two built-in rules overlap (a service-account
    /// file and the private key inside it, a token inside a credential
    /// URL), report one: the longer secret, or on the same span the more
    /// precise rule, then the earlier rule. A custom rule's matches are
    /// always reported, and a key decoded from inside a match is another
    /// layer, not a duplicate (a Docker config, its `auth`, the token in it).
    /// `out[first..]` is sorted by start.
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
                if !keep[i]
                    || !keep[j]
                    || !builtin(&hits[i])
                    || !builtin(&hits[j])
                    || hits[i].depth != hits[j].depth
                {
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
            decoded: None,
            depth: 0,
        })
    }

    /// `text` with every key in it redacted, for messages that quote input
    /// (a config value, an argument) and must never show a key.
    pub fn redact_text(&self, text: &str) -> String {
        let mut hits = Vec::new();
        self.find(text.as_bytes(), 0, text.len(), &mut hits);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for hit in hits {
            if hit.start < at
                || !text.is_char_boundary(hit.start)
                || !text.is_char_boundary(hit.end)
            {
                continue;
            }
            out.push_str(&text[at..hit.start]);
            let secret = match &hit.decoded {
                Some((_, secret)) => String::from_utf8_lossy(secret).into_owned(),
                None => text[hit.start..hit.end].to_string(),
            };
            out.push_str(&self.rules[hit.rule].redact(&secret));
            at = hit.end;
        }
        out.push_str(&text[at..]);
        out
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
