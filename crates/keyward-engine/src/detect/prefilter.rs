//! The literal prefilter: every rule's keywords, and each decoder's encoded
//! forms of them, found without a regex. It yields each occurrence once,
//! with what to try there, at a cost that does not grow with how many
//! rules share a keyword.
//!
//! Literals are searched in three groups, so that clean text pays for the
//! first only: plain keywords; UTF-16 forms, searched only where the text
//! holds a NUL byte; and the other encoded forms.

use aho_corasick::{AhoCorasick, Input, MatchKind};

use super::decode::{self, Decoder, Encoding, Form};
use crate::error::Error;
use crate::rules::Rule;

/// What a literal stands for.
pub(crate) enum Kind {
    /// A keyword, and the rules that start with it.
    Plain { rules: Vec<usize> },
    /// A keyword's encoded form.
    Encoded {
        decoder: &'static dyn Decoder,
        form: Form,
    },
}

pub(crate) struct Literal {
    pub bytes: Vec<u8>,
    pub kind: Kind,
}

/// One automaton over some literals.
struct Searcher {
    automaton: AhoCorasick,
    /// The literal each pattern is.
    ids: Vec<usize>,
    /// Per pattern: the patterns that are prefixes of it. They start at the
    /// same place, which leftmost-first search reports only once.
    prefixes: Vec<Vec<usize>>,
    longest: usize,
}

impl Searcher {
    fn new(literals: &[Literal], ids: Vec<usize>) -> Result<Searcher, Error> {
        let mut ids = ids;
        // Longest first: where several start, the reported one is the
        // longest, and the others are its prefixes.
        ids.sort_by(|&a, &b| {
            literals[b]
                .bytes
                .len()
                .cmp(&literals[a].bytes.len())
                .then(literals[a].bytes.cmp(&literals[b].bytes))
        });
        let bytes = |p: usize| &literals[ids[p]].bytes;
        let prefixes = (0..ids.len())
            .map(|p| {
                (0..ids.len())
                    .filter(|&o| bytes(o).len() < bytes(p).len() && bytes(p).starts_with(bytes(o)))
                    .collect()
            })
            .collect();
        let automaton = AhoCorasick::builder()
            // Leftmost-first keeps the vectorised prefilter.
            .match_kind(MatchKind::LeftmostFirst)
            .build(ids.iter().map(|&id| &literals[id].bytes))
            .map_err(|e| Error::Rules(format!("cannot build the keyword prefilter: {e}")))?;
        let longest = ids
            .iter()
            .map(|&id| literals[id].bytes.len())
            .max()
            .unwrap_or(0);
        Ok(Searcher {
            automaton,
            ids,
            prefixes,
            longest,
        })
    }

    /// Push `(at, literal)` for every literal that starts in
    /// `buf[from..until]`.
    fn hits(&self, buf: &[u8], from: usize, until: usize, out: &mut Vec<(usize, usize)>) {
        if self.ids.is_empty() {
            return;
        }
        let end = (until + self.longest).min(buf.len());
        let mut pos = from;
        while pos < until {
            let Some(hit) = self.automaton.find(Input::new(buf).range(pos..end)) else {
                break;
            };
            let at = hit.start();
            if at >= until {
                break;
            }
            let p = hit.pattern().as_usize();
            out.push((at, self.ids[p]));
            out.extend(self.prefixes[p].iter().map(|&o| (at, self.ids[o])));
            // One byte on, so that a literal inside another is still seen.
            pos = at + 1;
        }
    }
}

pub(crate) struct Prefilter {
    literals: Vec<Literal>,
    plain: Searcher,
    wide: Searcher,
    encoded: Searcher,
}

impl Prefilter {
    pub fn new(rules: &[Rule], decoders: bool) -> Result<Prefilter, Error> {
        let mut literals: Vec<Literal> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.def.keywords {
                let found = literals.iter_mut().find(|l| {
                    l.bytes == keyword.as_bytes() && matches!(l.kind, Kind::Plain { .. })
                });
                match found {
                    Some(Literal {
                        kind: Kind::Plain { rules },
                        ..
                    }) => rules.push(index),
                    _ => literals.push(Literal {
                        bytes: keyword.as_bytes().to_vec(),
                        kind: Kind::Plain { rules: vec![index] },
                    }),
                }
            }
        }
        let keywords: Vec<Vec<u8>> = literals.iter().map(|l| l.bytes.clone()).collect();
        for decoder in decode::all().into_iter().filter(|_| decoders) {
            let forms = keywords
                .iter()
                .flat_map(|keyword| decoder.forms(keyword))
                .chain(decoder.triggers());
            for form in forms {
                if literals.iter().any(|l| l.bytes == form.literal) {
                    continue;
                }
                literals.push(Literal {
                    bytes: form.literal.clone(),
                    kind: Kind::Encoded { decoder, form },
                });
            }
        }
        let group = |wanted: fn(&Kind) -> bool| -> Vec<usize> {
            (0..literals.len())
                .filter(|&i| wanted(&literals[i].kind))
                .collect()
        };
        let plain = group(|k| matches!(k, Kind::Plain { .. }));
        let wide =
            group(|k| matches!(k, Kind::Encoded { form, .. } if form.encoding == Encoding::Utf16));
        let encoded =
            group(|k| matches!(k, Kind::Encoded { form, .. } if form.encoding != Encoding::Utf16));
        Ok(Prefilter {
            plain: Searcher::new(&literals, plain)?,
            wide: Searcher::new(&literals, wide)?,
            encoded: Searcher::new(&literals, encoded)?,
            literals,
        })
    }

    pub fn literal(&self, id: usize) -> &Literal {
        &self.literals[id]
    }

    /// Every literal that starts in `buf[from..until]`, as `(at, literal)`
    /// in order of position. Encoded literals are also looked for in the
    /// `lead` bytes before `from`: an encoded key's literal may start a few
    /// bytes after the key itself.
    pub fn hits(
        &self,
        buf: &[u8],
        from: usize,
        until: usize,
        lead: usize,
        out: &mut Vec<(usize, usize)>,
    ) {
        out.clear();
        self.plain.hits(buf, from, until, out);
        let early = from.saturating_sub(lead);
        self.encoded.hits(buf, early, until, out);
        let end = (until + self.wide.longest).min(buf.len());
        if memchr::memchr(0, &buf[early..end]).is_some() {
            self.wide.hits(buf, early, until, out);
        }
        out.sort_unstable();
    }
}
