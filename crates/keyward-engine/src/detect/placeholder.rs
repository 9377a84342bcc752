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
}
