//! Placeholder heuristics that keep documentation quiet.

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
///
/// A body drawn from 20 symbols or fewer (hex, a UUID) runs into 6 equal or
/// consecutive characters far more often (about 1 in 10,000 random 64-digit
/// hex bodies), so there a run must be 8 long to count.
pub fn looks_like_placeholder(body: &[u8]) -> bool {
    let run = if distinct_bytes(body) <= 20 { 8 } else { 6 };
    longest_run(body, |a, b| a == b) >= run
        || longest_run(body, |a, b| b == a.wrapping_add(1)) >= run
        || longest_run(body, |a, b| a == b.wrapping_add(1)) >= run
        || (1..=8).any(|period| repeats_with_period(body, period) >= 16)
        || contains_word(body)
}

fn distinct_bytes(body: &[u8]) -> usize {
    let mut seen = [false; 256];
    body.iter().for_each(|&b| seen[usize::from(b)] = true);
    seen.iter().filter(|&&s| s).count()
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
            format!("{}00000000{}", "3f9a1c7e", "b2d4"),
            format!("{}abcdefgh{}", "3f9a1c7e", "b2d4"),
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
            // Hex with a 6-long run, as 1 in 10,000 random 64-digit keys has.
            "9c41e0b7d2a6f3584e1b0c9d7a2f6e3b000000d5c8a1f4e7b2c9d0a3f6e1b4c7",
            "9c41e0b7d2a6f3584e1b0c9d7a2f6e3b012345d5c8a1f4e7b2c9d0a3f6e1b4c7",
        ] {
            assert!(!looks_like_placeholder(body.as_bytes()), "{body}");
        }
    }
}
