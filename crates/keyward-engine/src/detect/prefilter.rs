//! The literal prefilter: every rule's keywords, and each decoder's encoded
//! forms of them, found without a regex. It yields each occurrence once,
//! with what to try there, at a cost that does not grow with how many
//! rules share a keyword.
//!
//! Each literal is found by an anchor, a window of up to four of its bytes,
//! searched in vectorised passes (Teddy) and confirmed in full at each
//! anchor hit. A pass costs the same whatever it holds, so the plan packs
//! anchors into as few passes as possible: each literal's window and its
//! Teddy bucket are chosen so that a bucket's anchors share nibbles, which
//! keeps the positions ordinary text makes a pass look at rare. Keywords
//! and their encoded forms share passes; UTF-16 forms are searched apart,
//! only where the text holds a NUL byte.

use std::collections::HashMap;

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

/// How often each byte occurs in source code, per 2^24 bytes (at least 1),
/// measured once on the Linux sources and the crates.io registry. Anchors
/// and their grouping are chosen so that the search meets them rarely in
/// ordinary text.
#[rustfmt::skip]
const BYTE_FREQ: [u32; 256] = [
     680083,   27625,    9455,    8494,   17286,    5614,    2287,    5947,    2993,  232171,  461655,     331,    2637,     323,     923,     303,
       1442,     347,    1381,     753,    1499,     562,    1321,     665,    1477,     761,    1387,     998,    1678,    1097,    1572,     951,
    2566045,   15658,   91633,   48536,   17509,    6171,   24393,   21426,  131169,  131001,   59068,   10005,  177702,  143397,  130084,  128553,
     179460,  108039,  109869,   72801,   69295,   49223,   61857,   30691,   53620,   28804,  154290,  110861,   26955,  138530,   58750,    2935,
      21148,  114119,   34131,  103833,   80744,  115651,   62052,   36347,   27283,  105506,    3793,   20069,   83870,   68531,   82235,   73440,
      82517,    7015,   95935,  120747,  116846,   41342,   27557,   23797,   19439,   13740,    4789,   28084,   28890,   27945,    3390,  545752,
      39533,  505452,  153448,  367425,  339347,  895803,  197100,  134885,  170272,  530362,    8556,   86588,  358412,  216178,  507167,  456997,
     287852,   20856,  534811,  524087,  732052,  304464,   92878,   68310,   93217,   95888,   17351,   38739,   12505,   38723,    4504,     607,
       6376,    3207,    3905,    2367,    5735,    4476,    5730,    2215,    3117,    2196,    2049,    2189,    3792,    2073,    1678,    2678,
       6063,    2314,    1232,    1283,    2701,    2397,    3064,    1549,    2179,    1946,    3728,    1750,    3362,    2224,    1823,    1652,
       2607,    2079,    1433,    1304,    2115,    2017,    1815,    1571,    3352,    1242,    5372,    1306,    1580,    1938,    3246,    2833,
       2874,    1397,    1408,    1495,    1961,    1227,    1863,    1557,    4677,    1948,    3304,    3035,    4183,    2704,    1798,    2307,
       8208,     162,     568,     629,     412,     251,     382,     246,     449,     191,     343,     176,    1997,     397,     584,     293,
        379,     225,     381,     228,     368,     174,    1119,     184,     459,     330,     318,     182,    2060,     164,     318,     167,
       1141,    7389,    2600,    4008,    8709,   11881,    8417,    6609,    6864,    3361,    1404,    2439,    4636,    1055,     308,    2625,
       4221,     142,     304,     143,     297,     145,     388,     139,     311,     137,     315,     134,     353,     137,     376,   18033,
];

/// A vectorised pass sorts its anchors into 8 buckets and flags a position
/// when its bytes fit a bucket's nibbles; up to this many anchors share a
/// bucket. Anchors alike in their nibbles share one cheaply, so that a few
/// passes hold a few hundred literals.
const BUCKET_SIZE: usize = 8;
const BUCKETS: usize = 8;

/// How many of a literal's windows are considered as its anchor (its
/// rarest ones).
const WINDOWS: usize = 8;

fn frequency(b: u8) -> f64 {
    f64::from(BYTE_FREQ[usize::from(b)]) / f64::from(1u32 << 24)
}

/// How often `window` occurs in ordinary text, taking its bytes as
/// independent.
fn rarity(window: &[u8]) -> f64 {
    window.iter().map(|&b| frequency(b)).product()
}

/// The windows of `literal` that may be its anchor, rarest first: every
/// run of `width` bytes.
fn windows(literal: &[u8], width: usize) -> Vec<usize> {
    if width > literal.len() {
        return Vec::new();
    }
    let at = |start: usize| rarity(&literal[start..start + width]);
    let mut starts: Vec<usize> = (0..=literal.len() - width).collect();
    starts.sort_by(|&a, &b| at(a).total_cmp(&at(b)));
    starts.truncate(WINDOWS);
    starts
}

/// The share of ordinary text's bytes with each (high, low) nibble pair.
struct Nibbles([[f64; 16]; 16]);

impl Nibbles {
    fn new() -> Nibbles {
        let mut share = [[0.0; 16]; 16];
        for b in 0..=255u8 {
            share[usize::from(b >> 4)][usize::from(b & 15)] = frequency(b);
        }
        Nibbles(share)
    }

    /// The share of bytes whose nibbles are both allowed.
    fn share(&self, low: u16, high: u16) -> f64 {
        let mut sum = 0.0;
        for (h, row) in self.0.iter().enumerate() {
            if high >> h & 1 == 1 {
                sum += (0..16)
                    .filter(|l| low >> l & 1 == 1)
                    .map(|l| row[l])
                    .sum::<f64>();
            }
        }
        sum
    }
}

/// The anchors of one Teddy bucket, the nibbles they allow at each of the
/// pass's positions, and the share of text bytes that fits each position.
#[derive(Clone)]
struct Bucket {
    low: [u16; 4],
    high: [u16; 4],
    share: [f64; 4],
    anchors: Vec<usize>,
    /// Each anchor's low nibbles.
    keys: Vec<u32>,
}

impl Bucket {
    fn new() -> Bucket {
        Bucket {
            low: [0; 4],
            high: [0; 4],
            share: [0.0; 4],
            anchors: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// How often ordinary text would fit this bucket at a position, were
    /// `bytes` in it: the shares per position, multiplied.
    fn false_hits(&self, nibbles: &Nibbles, bytes: &[u8]) -> f64 {
        bytes
            .iter()
            .enumerate()
            .map(|(k, &b)| {
                let (low, high) = (self.low[k] | 1 << (b & 15), self.high[k] | 1 << (b >> 4));
                if (low, high) == (self.low[k], self.high[k]) {
                    self.share[k]
                } else {
                    nibbles.share(low, high)
                }
            })
            .product()
    }

    /// How often ordinary text fits this bucket now.
    fn now(&self, width: usize) -> f64 {
        if self.anchors.is_empty() {
            return 0.0;
        }
        self.share[..width].iter().product()
    }

    fn add(&mut self, nibbles: &Nibbles, anchor: usize, bytes: &[u8]) {
        for (k, &b) in bytes.iter().enumerate() {
            self.low[k] |= 1 << (b & 15);
            self.high[k] |= 1 << (b >> 4);
            self.share[k] = nibbles.share(self.low[k], self.high[k]);
        }
        self.anchors.push(anchor);
        self.keys.push(low_nibbles(bytes));
    }

    /// How many groups of anchors with the same low nibbles it holds: a
    /// twin of an anchor already in it adds little, so only groups count
    /// against its room.
    fn groups(&self) -> usize {
        (0..self.keys.len())
            .filter(|&n| !self.keys[..n].contains(&self.keys[n]))
            .count()
    }
}

/// The buckets of the passes being planned, 8 to a pass, and each pass's
/// width: all its anchors have that many bytes, which Teddy compares.
#[derive(Default)]
struct Pool {
    buckets: Vec<Bucket>,
    widths: Vec<usize>,
}

impl Pool {
    fn add_pass(&mut self, width: usize) {
        self.buckets.extend(vec![Bucket::new(); BUCKETS]);
        self.widths.push(width);
    }

    /// Enough passes of `width` for `count` more literals, beyond the room
    /// left in passes as narrow or narrower.
    fn reserve(&mut self, width: usize, count: usize) {
        let room: usize = (self.buckets.chunks(BUCKETS).zip(&self.widths))
            .filter(|(_, w)| **w <= width)
            .flat_map(|(pass, _)| pass)
            .map(|b| BUCKET_SIZE - b.groups())
            .sum();
        let per_pass = BUCKETS * BUCKET_SIZE;
        for _ in 0..count.saturating_sub(room).div_ceil(per_pass) {
            self.add_pass(width);
        }
    }

    /// Where a new anchor from `bytes` adds the fewest false hits: (window
    /// start, window width, bucket), or None when every bucket it fits is
    /// full. `windows[w - 1]` are its windows of width `w`. Teddy puts
    /// anchors with the same low nibbles in one bucket, so such an anchor
    /// goes where its twin is.
    fn cheapest(
        &self,
        nibbles: &Nibbles,
        bytes: &[u8],
        windows: &[Vec<usize>; 4],
    ) -> Option<(usize, usize, usize)> {
        let mut best: Option<(f64, usize, usize, usize)> = None;
        for (p, (pass, &width)) in self.buckets.chunks(BUCKETS).zip(&self.widths).enumerate() {
            if width > bytes.len() {
                continue;
            }
            for &at in &windows[width - 1] {
                let window = &bytes[at..at + width];
                let low = low_nibbles(window);
                let twin = pass.iter().position(|b| b.keys.contains(&low));
                for (i, bucket) in pass.iter().enumerate() {
                    let fits = match twin {
                        Some(t) => t == i,
                        None => bucket.groups() < BUCKET_SIZE,
                    };
                    if !fits {
                        continue;
                    }
                    let cost = bucket.false_hits(nibbles, window) - bucket.now(width);
                    if best.is_none_or(|(c, ..)| cost < c) {
                        best = Some((cost, at, width, p * BUCKETS + i));
                    }
                }
            }
        }
        best.map(|(_, at, width, b)| (at, width, b))
    }
}

/// An anchor's low nibbles, which Teddy groups buckets by.
fn low_nibbles(window: &[u8]) -> u32 {
    window.iter().fold(0, |acc, b| acc << 4 | u32::from(b & 15))
}

/// The order to give one pass's anchors so that each lands in its bucket:
/// Teddy puts the `i`th pattern in bucket `7 - i % 8`, unless a pattern
/// before it has the same low nibbles (its twin), whose bucket it joins.
/// So the first of each group is placed by position, and twins fill the
/// gaps; what gaps remain take the first anchor again.
fn layout(pass: &[Bucket]) -> Vec<usize> {
    let mut by_size: Vec<&Bucket> = pass.iter().filter(|b| !b.anchors.is_empty()).collect();
    by_size.sort_by_key(|b| std::cmp::Reverse(b.groups()));
    let Some(first) = by_size.first() else {
        return Vec::new();
    };
    // Per bucket: the first anchor of each group, and the twins, each with
    // its low nibbles.
    let mut leaders: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut twins: Vec<(usize, u32)> = Vec::new();
    for bucket in &by_size {
        let mut lead = Vec::new();
        for (n, (&anchor, &key)) in bucket.anchors.iter().zip(&bucket.keys).enumerate() {
            if bucket.keys[..n].contains(&key) {
                twins.push((anchor, key));
            } else {
                lead.push((anchor, key));
            }
        }
        leaders.push(lead);
    }
    let mut order = Vec::new();
    // A twin may fill a gap once the first of its group is placed.
    let mut ready: Vec<usize> = Vec::new();
    for round in 0..first.groups() {
        for slot in 0..BUCKETS {
            match leaders.get(slot).and_then(|l| l.get(round)) {
                Some(&(anchor, _)) => order.push(anchor),
                None => order.push(ready.pop().unwrap_or(first.anchors[0])),
            }
        }
        let placed: Vec<u32> = leaders
            .iter()
            .filter_map(|l| l.get(round))
            .map(|&(_, k)| k)
            .collect();
        twins.retain(|&(anchor, key)| {
            let free = placed.contains(&key);
            if free {
                ready.push(anchor);
            }
            !free
        });
    }
    order.extend(ready);
    order.extend(twins.into_iter().map(|(anchor, _)| anchor));
    order
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
        // Slim Teddy: 8 buckets, laid out by `layout`.
        let packed = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .heuristic_pattern_limits(false)
            .only_teddy_fat(Some(false))
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
        let nibbles = Nibbles::new();
        let width = |id: usize| literals[id].bytes.len().min(4);
        // Per literal and pass width: its windows, rarest first.
        let windows: Vec<[Vec<usize>; 4]> = ids
            .iter()
            .map(|&id| std::array::from_fn(|w| windows(&literals[id].bytes, w + 1)))
            .collect();
        let alone = |i: usize| -> f64 {
            let bytes = &literals[ids[i]].bytes;
            let w = width(ids[i]);
            let at = windows[i][w - 1].first().copied().unwrap_or(0);
            rarity(&bytes[at..at + w])
        };
        // The shortest literals first, since they fit the fewest passes;
        // then the hardest to place: those whose rarest window is commonest.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|&a, &b| {
            width(ids[a])
                .cmp(&width(ids[b]))
                .then(alone(b).total_cmp(&alone(a)))
        });
        let mut pool = Pool::default();
        let mut anchors: Vec<Vec<u8>> = Vec::new();
        let mut known: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut holders: Vec<Vec<(usize, usize)>> = Vec::new();
        for (n, &i) in order.iter().enumerate() {
            let id = ids[i];
            let bytes = &literals[id].bytes;
            let w = width(id);
            if n == 0 || width(ids[order[n - 1]]) != w {
                // Room for this width's literals, counting what shorter
                // passes have left.
                let count = order[n..].iter().filter(|&&j| width(ids[j]) == w).count();
                pool.reserve(w, count);
            }
            let shared = (1..=w).rev().find_map(|v| {
                windows[i][v - 1]
                    .iter()
                    .find_map(|&at| known.get(&bytes[at..at + v]).map(|&a| (at, a)))
            });
            let (offset, index) = match shared {
                // A window that already is an anchor costs nothing.
                Some(found) => found,
                None => {
                    let (at, v, bucket) = loop {
                        match pool.cheapest(&nibbles, bytes, &windows[i]) {
                            Some(place) => break place,
                            None => pool.add_pass(w),
                        }
                    };
                    let index = anchors.len();
                    anchors.push(bytes[at..at + v].to_vec());
                    known.insert(anchors[index].clone(), index);
                    holders.push(Vec::new());
                    pool.buckets[bucket].add(&nibbles, index, &anchors[index]);
                    (at, index)
                }
            };
            holders[index].push((id, offset));
        }
        let mut passes = Vec::new();
        for pass in pool.buckets.chunks(BUCKETS) {
            let order = layout(pass);
            if !order.is_empty() {
                let patterns: Vec<&[u8]> = order.iter().map(|&a| anchors[a].as_slice()).collect();
                passes.push((Pass::new(&patterns)?, order));
            }
        }
        let mut reach = 0;
        let mut longest_offset = 0;
        for &(id, offset) in holders.iter().flatten() {
            reach = reach.max(literals[id].bytes.len() - offset);
            longest_offset = longest_offset.max(offset);
        }
        Ok(Searcher {
            passes,
            holders,
            reach,
            longest_offset,
        })
    }

    /// Push `(at, literal)` for every literal that starts in
    /// `buf[from..until]`, and every encoded one that starts in
    /// `buf[early..from]` too.
    fn hits(
        &self,
        literals: &[Literal],
        buf: &[u8],
        (early, from, until): (usize, usize, usize),
        out: &mut Vec<(usize, usize)>,
    ) {
        if self.passes.is_empty() || early >= until {
            return;
        }
        let end = (until + self.reach).min(buf.len());
        let start = early.saturating_sub(self.longest_offset);
        for (pass, anchors) in &self.passes {
            let mut pos = start;
            while let Some((at, pattern)) = pass.find(buf, pos, end) {
                for &(id, offset) in &self.holders[anchors[pattern]] {
                    let Some(literal_at) = at.checked_sub(offset) else {
                        continue;
                    };
                    let literal = &literals[id];
                    let first = match literal.kind {
                        Kind::Plain { .. } => from,
                        Kind::Encoded { .. } => early,
                    };
                    if literal_at >= first
                        && literal_at < until
                        && buf[literal_at..].starts_with(&literal.bytes)
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
    /// Keywords and their encoded forms but UTF-16's.
    text: Searcher,
    wide: Searcher,
}

impl Prefilter {
    pub fn new(rules: &[Rule], decoders: bool) -> Result<Prefilter, Error> {
        let mut literals: Vec<Literal> = Vec::new();
        // Each literal's bytes, once: a keyword many rules share is one.
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.def.keywords {
                let bytes = keyword.as_bytes();
                if let Some(&id) = seen.get(bytes)
                    && let Kind::Plain { rules } = &mut literals[id].kind
                {
                    rules.push(index);
                    continue;
                }
                seen.insert(bytes.to_vec(), literals.len());
                literals.push(Literal {
                    bytes: bytes.to_vec(),
                    kind: Kind::Plain { rules: vec![index] },
                });
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
                if seen.contains_key(&form.literal) {
                    continue;
                }
                seen.insert(form.literal.clone(), literals.len());
                literals.push(Literal {
                    bytes: form.literal.clone(),
                    kind: Kind::Encoded { decoder, form },
                });
            }
        }
        let (wide, text): (Vec<usize>, Vec<usize>) = (0..literals.len()).partition(|&i| {
            matches!(&literals[i].kind, Kind::Encoded { form, .. } if form.encoding == Encoding::Utf16)
        });
        Ok(Prefilter {
            text: Searcher::new(&literals, text)?,
            wide: Searcher::new(&literals, wide)?,
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
        let early = from.saturating_sub(lead);
        self.text.hits(literals, buf, (early, from, until), out);
        let end = (until + self.wide.reach).min(buf.len());
        if memchr::memchr(0, &buf[early..end]).is_some() {
            self.wide.hits(literals, buf, (early, early, until), out);
        }
        out.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(bytes: &[u8]) -> Literal {
        Literal {
            bytes: bytes.to_vec(),
            kind: Kind::Plain { rules: Vec::new() },
        }
    }

    /// Plant each literal at a few offsets in text that holds none, and
    /// ask where literals start: the plan must never lose one.
    fn assert_each_found(literals: &[Literal], searcher: &Searcher) {
        for (id, literal) in literals.iter().enumerate() {
            for lead in [0, 1, 7, 40] {
                let mut buf = vec![b' '; lead];
                buf.extend_from_slice(&literal.bytes);
                buf.extend_from_slice(&[b' '; 40]);
                let mut out = Vec::new();
                searcher.hits(literals, &buf, (0, 0, buf.len()), &mut out);
                assert!(
                    out.contains(&(lead, id)),
                    "{:?} at {lead} not found",
                    String::from_utf8_lossy(&literal.bytes)
                );
            }
        }
    }

    #[test]
    fn every_catalog_literal_is_found_wherever_it_stands() {
        let rules: Vec<Rule> = crate::rules::builtin_defs()
            .unwrap()
            .into_iter()
            .map(|def| Rule::compile(def, true).unwrap())
            .collect();
        let prefilter = Prefilter::new(&rules, true).unwrap();
        let (wide, text): (Vec<usize>, Vec<usize>) = (0..prefilter.literals.len())
            .partition(|&i| {
                matches!(&prefilter.literals[i].kind, Kind::Encoded { form, .. } if form.encoding == Encoding::Utf16)
            });
        assert!(text.len() > 200 && !wide.is_empty());
        let mut out = Vec::new();
        for (id, literal) in prefilter.literals.iter().enumerate() {
            let mut buf = b"  ".to_vec();
            buf.extend_from_slice(&literal.bytes);
            buf.extend_from_slice(b"\0 ");
            prefilter.hits(&buf, 0, buf.len(), 0, &mut out);
            assert!(
                out.contains(&(2, id)),
                "{:?}",
                String::from_utf8_lossy(&literal.bytes)
            );
        }
    }

    #[test]
    fn many_alike_literals_of_every_length_are_all_found() {
        // Few distinct bytes, so that anchors share windows and low
        // nibbles (Teddy's twins), and lengths 1 to 9, so that passes of
        // every width fill and overflow.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut literals: Vec<Literal> = Vec::new();
        while literals.len() < 700 {
            let len = 1 + next(9) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| b"aqAQ1_-~"[next(8) as usize]).collect();
            if !literals.iter().any(|l| l.bytes == bytes) {
                literals.push(plain(&bytes));
            }
        }
        let searcher = Searcher::new(&literals, (0..literals.len()).collect()).unwrap();
        assert_each_found(&literals, &searcher);
    }
}
