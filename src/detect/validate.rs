//! Exact checks that run after a regex matched: length, alphabet, suffix,
//! entropy, and the placeholder heuristics that keep documentation quiet.

use crate::rules::Rule;

/// Whether a matched secret passes its rule's validators.
/// `keyword_len` is the length of the keyword the secret starts with (0 if
/// it does not start with one).
pub fn is_valid(rule: &Rule, secret: &[u8], keyword_len: usize) -> bool {
    let v = &rule.def.validate;
    if v.length.is_some_and(|n| secret.len() != n) {
        return false;
    }
    let mut body = &secret[keyword_len..];
    if let Some(suffix) = &v.suffix {
        match body.strip_suffix(suffix.as_bytes()) {
            Some(b) => body = b,
            None => return false,
        }
    }
    if let Some(alphabet) = &rule.alphabet
        && !body.iter().all(|b| alphabet.contains(*b))
    {
        return false;
    }
    if v.placeholder.unwrap_or(true) && looks_like_placeholder(body) {
        return false;
    }
    if let Some(min) = v.min_entropy
        && shannon_entropy(body) < min
    {
        return false;
    }
    true
}

/// Bits per byte.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in data {
        counts[*b as usize] += 1;
    }
    let n = data.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a documented fake. Only words of five letters or more:
/// a random body holds a given shorter word too often.
const PLACEHOLDER_WORDS: &[&[u8]] = &[
    b"example",
    b"sample",
    b"placeholder",
    b"redacted",
    b"dummy",
    b"yourkey",
    b"your_",
    b"insert",
];

/// Repeated characters, short repeating patterns, runs of a sequence and
/// placeholder words. Each is vanishingly rare in a random body of the
/// lengths keys have (a run of 6 equal characters in 93 random base64url
/// characters: about 1 in 10 million).
pub fn looks_like_placeholder(body: &[u8]) -> bool {
    longest_run(body, |a, b| a == b) >= 6
        || longest_run(body, |a, b| b == a.wrapping_add(1)) >= 6
        || longest_run(body, |a, b| a == b.wrapping_add(1)) >= 6
        || (1..=8).any(|period| repeats_with_period(body, period) >= 16)
        || contains_word(body)
}

/// The length of the longest run in which each byte relates to the one before.
fn longest_run(body: &[u8], related: impl Fn(u8, u8) -> bool) -> usize {
    let (mut best, mut run) = (usize::from(!body.is_empty()), 1);
    for w in body.windows(2) {
        if related(w[0], w[1]) {
            run += 1;
            best = best.max(run);
        } else {
            run = 1;
        }
    }
    best
}

/// The longest stretch over which `body[i] == body[i + period]`.
fn repeats_with_period(body: &[u8], period: usize) -> usize {
    let (mut best, mut run) = (0, 0);
    for i in period..body.len() {
        if body[i] == body[i - period] {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

fn contains_word(body: &[u8]) -> bool {
    PLACEHOLDER_WORDS.iter().any(|word| {
        body.windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for body in [
            "x".repeat(93),
            "X".repeat(37),
            "0".repeat(37),
            "abcdefghijklmnopqrstuvwxyz".repeat(2),
            "0123456789".repeat(4),
            "aB3".repeat(13),
            format!("{}EXAMPLE{}", "q8Zk2Lm", "Pw9Rt5Yv"),
        ] {
            assert!(looks_like_placeholder(body.as_bytes()), "{body}");
        }
    }

    #[test]
    fn random_bodies_are_not_placeholders() {
        for body in [
            "Qm9vZ3lLa2dJbDV0c1pX2rT7uVw8xYz0aB1cD3eF4gH5iJ6kL",
            "k3J8s0PqZr7Wm2Xn5Ld9Vb1Hc4Ty6Ue",
        ] {
            assert!(!looks_like_placeholder(body.as_bytes()), "{body}");
        }
    }

    #[test]
    fn entropy_of_uniform_and_constant_data() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }
}
