//! The literal prefilter: every rule's keywords, and each decoder's encoded
//! forms of them, found without a regex. It yields each occurrence once,
//! with what to try there, at a cost that does not grow with how many
//! rules share a keyword.
//!
//! Each literal is found by an anchor, its rarest four bytes, searched in
//! vectorised passes of a few dozen anchors each (Teddy), and confirmed in
//! full at each anchor hit. Literals are searched in three groups: plain
//! keywords; UTF-16 forms, searched only where the text holds a NUL byte;
//! and the other encoded forms.

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

/// How common each byte is in source code (0 rarest, 255 commonest),
/// measured once on the Linux sources and the crates.io registry. Anchors
/// are chosen from a literal's rarest bytes, so that the search meets them
/// rarely in ordinary text.
#[rustfmt::skip]
const BYTE_RANK: [u8; 256] = [
    201,  39,  54,  26,  62,  21,  63,  19,  58, 182, 246,  14,  50,  24,  51,  16,
     59,  15,  73,  69,  70,  52,  87,  68,  79,  66,  77,  86,  90,  75,  84,  72,
    255, 176, 222, 203, 165, 145, 178, 188, 228, 229, 170, 164, 237, 227, 223, 234,
    233, 221, 226, 212, 200, 194, 198, 185, 199, 181, 240, 216, 184, 231, 195, 155,
    168, 218, 186, 213, 205, 225, 206, 183, 179, 217, 156, 172, 207, 197, 210, 208,
    211, 163, 214, 220, 224, 187, 180, 173, 174, 171, 159, 193, 196, 190, 154, 245,
    189, 247, 236, 244, 239, 254, 235, 230, 232, 249, 166, 202, 242, 238, 251, 248,
    241, 177, 252, 250, 253, 243, 209, 204, 215, 219, 175, 192, 167, 191, 146,  38,
    148, 123, 142, 117, 162, 161, 160, 135, 141,  98, 124,  93, 119,  92, 116,  96,
    147, 152, 122,  80, 136,  95, 150,  74,  97,  88, 100,  78, 109, 143, 137, 105,
    121,  83, 104,  85, 115,  91, 111,  89, 130, 103, 127, 101, 132, 108, 129, 102,
    138, 113, 140, 120, 131, 114, 110,  82, 134, 126, 133,  99, 128, 106, 118, 107,
     34,   8,  67,  32,  65,  29,  57,  28,  64,  17,  48,  12,  81,  20,  76,  44,
     60,  25,  61,  27,  55,  10,  46,  13,  71,  47,  45,  11,  43,   7,  42,   9,
    139, 169, 157,  94,  49,  23,  56,  22,  53,  18, 144, 149, 151, 125,  36, 112,
    153,   4,  35,   6,  33,   5,  31,   2,  40,   3,  41,   1,  30,   0,  37, 158,
];

/// Anchors per vectorised pass: more make each pass slower than a second
/// pass would be.
const ANCHORS_PER_PASS: usize = 24;

/// The window of `literal` the search looks for: its rarest 4 bytes, or
/// all of it when shorter.
fn anchor(literal: &[u8]) -> (usize, &[u8]) {
    let width = literal.len().min(4);
    let cost = |w: &[u8]| {
        w.iter()
            .map(|&b| u32::from(BYTE_RANK[usize::from(b)]))
            .sum::<u32>()
    };
    let at = (0..=literal.len() - width)
        .min_by_key(|&i| cost(&literal[i..i + width]))
        .unwrap_or(0);
    (at, &literal[at..at + width])
}

/// One pass over the text for some anchors.
enum Pass {
    /// Teddy: vectorised, for up to a few dozen anchors.
    Packed(aho_corasick::packed::Searcher),
    /// Where Teddy is not available.
    Automaton(AhoCorasick),
}

impl Pass {
    fn new(anchors: &[&[u8]]) -> Result<Pass, Error> {
        let packed = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .heuristic_pattern_limits(false)
            .builder()
            .extend(anchors)
            .build();
        match packed {
            Some(searcher) => Ok(Pass::Packed(searcher)),
            None => AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(anchors)
                .map(Pass::Automaton)
                .map_err(|e| Error::Rules(format!("cannot build the keyword prefilter: {e}"))),
        }
    }

    /// The first anchor in `buf[from..end]`: (start, pattern index).
    fn find(&self, buf: &[u8], from: usize, end: usize) -> Option<(usize, usize)> {
        match self {
            Pass::Packed(s) => s
                .find_in(buf, aho_corasick::Span { start: from, end })
                .map(|m| (m.start(), m.pattern().as_usize())),
            Pass::Automaton(a) => a
                .find(Input::new(buf).range(from..end))
                .map(|m| (m.start(), m.pattern().as_usize())),
        }
    }
}

/// Some literals, found by their anchors in a few vectorised passes.
struct Searcher {
    /// Each pass, and for each of its patterns the anchor it is.
    passes: Vec<(Pass, Vec<usize>)>,
    /// Per anchor: the literals that hold it, and at which offset.
    holders: Vec<Vec<(usize, usize)>>,
    /// The most bytes a literal extends past its anchor's start.
    reach: usize,
    longest_offset: usize,
}

impl Searcher {
    fn new(literals: &[Literal], ids: Vec<usize>) -> Result<Searcher, Error> {
        let mut anchors: Vec<Vec<u8>> = Vec::new();
        let mut holders: Vec<Vec<(usize, usize)>> = Vec::new();
        let (mut reach, mut longest_offset) = (0, 0);
        for id in ids {
            let bytes = &literals[id].bytes;
            let (offset, window) = anchor(bytes);
            let index = match anchors.iter().position(|a| a == window) {
                Some(i) => i,
                None => {
                    anchors.push(window.to_vec());
                    holders.push(Vec::new());
                    anchors.len() - 1
                }
            };
            holders[index].push((id, offset));
            reach = reach.max(bytes.len() - offset);
            longest_offset = longest_offset.max(offset);
        }
        // Rare anchors together, and each mask width apart: a pass is as
        // fast as its commonest and its shortest anchor let it be.
        let mut order: Vec<usize> = (0..anchors.len()).collect();
        order.sort_by_key(|&i| {
            let cost: u32 = anchors[i]
                .iter()
                .map(|&b| u32::from(BYTE_RANK[usize::from(b)]))
                .sum();
            (anchors[i].len(), cost * 4 / anchors[i].len() as u32)
        });
        let mut passes = Vec::new();
        for width in 1..=4 {
            let group: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&i| anchors[i].len() == width)
                .collect();
            for chunk in group.chunks(ANCHORS_PER_PASS) {
                let patterns: Vec<&[u8]> = chunk.iter().map(|&i| anchors[i].as_slice()).collect();
                passes.push((Pass::new(&patterns)?, chunk.to_vec()));
            }
        }
        Ok(Searcher {
            passes,
            holders,
            reach,
            longest_offset,
        })
    }

    /// Push `(at, literal)` for every literal that starts in
    /// `buf[from..until]`.
    fn hits(
        &self,
        literals: &[Literal],
        buf: &[u8],
        from: usize,
        until: usize,
        out: &mut Vec<(usize, usize)>,
    ) {
        if self.passes.is_empty() || from >= until {
            return;
        }
        let end = (until + self.reach).min(buf.len());
        let start = from.saturating_sub(self.longest_offset);
        for (pass, anchors) in &self.passes {
            let mut pos = start;
            while let Some((at, pattern)) = pass.find(buf, pos, end) {
                for &(id, offset) in &self.holders[anchors[pattern]] {
                    let Some(literal_at) = at.checked_sub(offset) else {
                        continue;
                    };
                    if literal_at >= from
                        && literal_at < until
                        && buf[literal_at..].starts_with(&literals[id].bytes)
                    {
                        out.push((literal_at, id));
                    }
                }
                // One byte on, so that an anchor inside another is seen.
                pos = at + 1;
            }
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
        // (keyword, whether its rules asked for base64 forms)
        let keywords: Vec<(Vec<u8>, bool)> = literals
            .iter()
            .map(|l| {
                let base64 = match &l.kind {
                    Kind::Plain { rules: ids } => ids.iter().any(|&i| rules[i].def.base64),
                    Kind::Encoded { .. } => false,
                };
                (l.bytes.clone(), base64)
            })
            .collect();
        for decoder in decode::all().into_iter().filter(|_| decoders) {
            let forms = keywords
                .iter()
                .filter(|(_, base64)| *base64 || !decoder.opt_in())
                .flat_map(|(keyword, _)| decoder.forms(keyword))
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
        let literals = &self.literals;
        self.plain.hits(literals, buf, from, until, out);
        let early = from.saturating_sub(lead);
        self.encoded.hits(literals, buf, early, until, out);
        let end = (until + self.wide.reach).min(buf.len());
        if memchr::memchr(0, &buf[early..end]).is_some() {
            self.wide.hits(literals, buf, early, until, out);
        }
        out.sort_unstable();
    }
}
