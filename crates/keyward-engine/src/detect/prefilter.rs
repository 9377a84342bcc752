//! The literal prefilter: every rule's keywords in one automaton. It yields
//! each keyword occurrence once, with the rules to try there, at a cost
//! that does not grow with the number of keywords.

use aho_corasick::{AhoCorasick, Input, MatchKind};

use crate::error::Error;
use crate::rules::Rule;

/// One distinct keyword and the rules that start with it.
pub(crate) struct Literal {
    pub bytes: Vec<u8>,
    pub rules: Vec<usize>,
}

pub(crate) struct Prefilter {
    searcher: AhoCorasick,
    literals: Vec<Literal>,
    /// Per literal: the other literals that are prefixes of it. They start
    /// at the same place, which leftmost-first search reports only once.
    prefixes: Vec<Vec<usize>>,
    longest: usize,
}

impl Prefilter {
    pub fn new(rules: &[Rule]) -> Result<Prefilter, Error> {
        let mut literals: Vec<Literal> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.def.keywords {
                match literals.iter_mut().find(|l| l.bytes == keyword.as_bytes()) {
                    Some(literal) => literal.rules.push(index),
                    None => literals.push(Literal {
                        bytes: keyword.as_bytes().to_vec(),
                        rules: vec![index],
                    }),
                }
            }
        }
        // Longest first: at a place where several keywords start, the
        // reported one is the longest, and the others are its prefixes.
        literals.sort_by(|a, b| {
            b.bytes
                .len()
                .cmp(&a.bytes.len())
                .then(a.bytes.cmp(&b.bytes))
        });
        let prefixes = literals
            .iter()
            .map(|l| {
                (0..literals.len())
                    .filter(|&o| {
                        literals[o].bytes.len() < l.bytes.len()
                            && l.bytes.starts_with(&literals[o].bytes)
                    })
                    .collect()
            })
            .collect();
        let searcher = AhoCorasick::builder()
            // Leftmost-first keeps the vectorised prefilter.
            .match_kind(MatchKind::LeftmostFirst)
            .build(literals.iter().map(|l| &l.bytes))
            .map_err(|e| Error::Rules(format!("cannot build the keyword prefilter: {e}")))?;
        let longest = literals.iter().map(|l| l.bytes.len()).max().unwrap_or(0);
        Ok(Prefilter {
            searcher,
            literals,
            prefixes,
            longest,
        })
    }

    /// Call `f(at, literal)` for every keyword that starts in
    /// `buf[from..until]`, in order of position.
    pub fn for_each(
        &self,
        buf: &[u8],
        from: usize,
        until: usize,
        mut f: impl FnMut(usize, &Literal),
    ) {
        if self.literals.is_empty() {
            return;
        }
        let end = (until + self.longest).min(buf.len());
        let mut pos = from;
        while pos < until {
            let Some(hit) = self.searcher.find(Input::new(buf).range(pos..end)) else {
                break;
            };
            let at = hit.start();
            if at >= until {
                break;
            }
            let id = hit.pattern().as_usize();
            f(at, &self.literals[id]);
            for &other in &self.prefixes[id] {
                f(at, &self.literals[other]);
            }
            // One byte on, so that a keyword inside another is still seen.
            pos = at + 1;
        }
    }
}
