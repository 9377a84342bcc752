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
    b"password",
    b"passw0rd",
    b"changeme",
    // Microsoft's documentation company.
    b"contoso",
    // The storage emulator's published account, whose key is public.
    b"devstoreaccount",
];

/// Repeated characters, short repeating patterns, runs of a sequence and
/// placeholder words. Each is vanishingly rare in a random body of the
/// lengths keys have (a run of 6 equal characters in 93 random base64url
/// characters: about 1 in 10 million). Hex digits, 16 symbols, repeat or
/// count up by chance far more often (6 in a row: about 1 in 10,000 hex
/// keys), so a run of them must be 8 long.
pub fn looks_like_placeholder(body: &[u8]) -> bool {
    has_run(body, |a, b| a == b)
        || has_run(body, |a, b| b == a.wrapping_add(1))
        || has_run(body, |a, b| a == b.wrapping_add(1))
        || (1..=8).any(|period| repeats_with_period(body, period) >= 16)
        || holds_placeholder_word(body)
}

/// Whether a run in which each byte relates to the one before is 6 long,
/// or 8 if it is all lowercase hex digits.
fn has_run(body: &[u8], related: impl Fn(u8, u8) -> bool) -> bool {
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let Some(&first) = body.first() else {
        return false;
    };
    let (mut run, mut all_hex) = (1, hex(first));
    for w in body.windows(2) {
        if related(w[0], w[1]) {
            run += 1;
            all_hex &= hex(w[1]);
        } else {
            run = 1;
            all_hex = hex(w[1]);
        }
        if run >= if all_hex { 8 } else { 6 } {
            return true;
        }
    }
    false
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

/// Whether `body` holds one of the placeholder words, in any case.
pub fn holds_placeholder_word(body: &[u8]) -> bool {
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
    fn runs_of_hex_digits_must_be_longer() {
        assert!(!looks_like_placeholder(b"9a0c229c8eb7d5b876345678229a8d4d"));
        assert!(!looks_like_placeholder(b"480e2a586c23dddcf50dc5034ffffff5"));
        assert!(looks_like_placeholder(b"480e2a586c23dddcf50dc50ffffffff5"));
        assert!(looks_like_placeholder(b"Zk29xxxxxxQm3"));
        assert!(looks_like_placeholder(b"q8Zk2L12345678Pw9R"));
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
