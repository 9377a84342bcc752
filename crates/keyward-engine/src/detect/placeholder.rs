//! Placeholders: bodies that are a property of someone typing, not of a
//! random generator. Every test here judges the WHOLE body: a random body
//! that happens to contain `dummy`, `1234` or a short run is still random.
//! A mostly-uniform body (`xxxx…x1234`) is left to the rule's `min_entropy`,
//! whose threshold fits the format's alphabet.

/// Words that, together with a body made of nothing but letters and `_`,
/// mark a documented fake (`YOUR_TOKEN_HERE`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "key",
    "token",
    "secret",
    "here",
    "example",
    "sample",
    "placeholder",
    "redacted",
    "dummy",
    "fake",
    "test",
    "insert",
    "replace",
    "changeme",
    "xxx",
];

/// Why a body is a placeholder, for `keyward check` and the README.
pub fn placeholder_kind(body: &[u8]) -> Option<&'static str> {
    if body.is_empty() {
        return Some("empty");
    }
    if periodic(body) {
        return Some("a repeated unit");
    }
    if body.len() >= 4 && (sequence(body, 1) || sequence(body, -1)) {
        return Some("a sequence");
    }
    if words_only(body) {
        return Some("words");
    }
    None
}

#[cfg(test)]
fn looks_like_placeholder(body: &[u8]) -> bool {
    placeholder_kind(body).is_some()
}

/// Words that mark a documented fake inside a structured credential (a
/// connection string's password, a URL's user): there the body is not
/// random, so a word anywhere in it counts. Five letters or more: shorter
/// words occur by chance.
const WORDS_INSIDE: &[&[u8]] = &[
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

/// Whether a structured credential holds a placeholder word, in any case
/// (the `placeholder = "words"` rules, and decoded `user:password`).
pub fn holds_placeholder_word(body: &[u8]) -> bool {
    WORDS_INSIDE.iter().any(|word| {
        body.windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    })
}

/// The whole body repeats a unit of at most 16 characters, at least twice.
fn periodic(body: &[u8]) -> bool {
    (1..=16.min(body.len() / 2)).any(|p| body[p..].iter().zip(body).all(|(a, b)| a == b))
}

/// Every character is the one before it plus `step`.
fn sequence(body: &[u8], step: i16) -> bool {
    body.windows(2)
        .all(|w| i16::from(w[1]) - i16::from(w[0]) == step)
}

/// Words of one case joined by `_` (at least three of them), one of them
/// a placeholder word.
fn words_only(body: &[u8]) -> bool {
    let one_case = body.iter().all(|b| b.is_ascii_lowercase() || *b == b'_')
        || body.iter().all(|b| b.is_ascii_uppercase() || *b == b'_');
    one_case && body.iter().filter(|b| **b == b'_').count() >= 2 && {
        let lower = body.to_ascii_lowercase();
        PLACEHOLDER_WORDS
            .iter()
            .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
    }
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
            "abcdefghijklmnopqrstuvwxyz".to_string(),
            "0123456789".repeat(4),
            "aB3".repeat(13),
            "YOUR_REPLICATE_API_TOKEN_HERE".to_string(),
            "your_key_here".to_string(),
        ] {
            assert!(looks_like_placeholder(body.as_bytes()), "{body}");
        }
    }

    #[test]
    fn random_bodies_holding_words_or_runs_are_not_placeholders() {
        for body in [
            "Qm9vZ3lLa2dJbDV0c1pX2rT7uVw8xYz0aB1cD3eF4gH5iJ6kL",
            "k3J8s0PqZr7Wm2Xn5Ld9Vb1Hc4Ty6Ue",
            // Words and short runs inside random bodies.
            "q8ZdummyLm2Pw9Rt5Yv1234abcdK0000mN",
            "Xk3EXAMPLEq7Rv2testLp9Zw8sampleYt4",
            "aaaaaa7Hq2Lm9Rt5Yv8Wp3Zk6Xn1Bc4Df0",
        ] {
            assert!(!looks_like_placeholder(body.as_bytes()), "{body}");
        }
    }
}
