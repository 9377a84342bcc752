//! Exact checks that run after a regex matched: length, alphabet, suffix,
//! placeholders and entropy. Each refusal says what failed.

use std::fmt;

use super::placeholder::{holds_placeholder_word, placeholder_kind};
use crate::rules::{Decode, Placeholder, PlaceholderOnly, Rule};

/// Why a matched string is not a key of its rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Reject {
    /// The rule's regular expression does not match it.
    Shape,
    Length {
        got: usize,
        expected: usize,
    },
    Suffix(String),
    Alphabet(char),
    /// A placeholder, and what kind.
    Placeholder(&'static str),
    /// One of the rule's documented samples.
    Sample,
    Checksum,
    Entropy {
        got: f64,
        min: f64,
    },
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reject::Shape => f.write_str("it does not have the format's shape"),
            Reject::Length { got, expected } => {
                write!(f, "it is {got} characters long, expected {expected}")
            }
            Reject::Suffix(suffix) => write!(f, "it does not end with {suffix:?}"),
            Reject::Alphabet(c) => write!(f, "it holds {c:?}, which the format never uses"),
            Reject::Placeholder(kind) => write!(f, "it is a placeholder ({kind}), not a key"),
            Reject::Sample => f.write_str("it is a documented sample, not a key"),
            Reject::Checksum => {
                f.write_str("its checksum does not match: a typo, a fake or a fragment")
            }
            Reject::Entropy { got, min } => write!(
                f,
                "it is too regular to be random ({got:.2} bits per character, at least {min:.2} expected)"
            ),
        }
    }
}

/// Whether a matched secret passes its rule's validators. `keyword_len` is
/// the length of the keyword the secret starts with (0 if it does not
/// start with one).
pub fn check(rule: &Rule, secret: &[u8], keyword_len: usize) -> Result<(), Reject> {
    let v = &rule.def.validate;
    if let Some(expected) = v.length
        && secret.len() != expected
    {
        return Err(Reject::Length {
            got: secret.len(),
            expected,
        });
    }
    let mut body = &secret[keyword_len.min(secret.len())..];
    if let Some(suffix) = &v.suffix {
        body = body
            .strip_suffix(suffix.as_bytes())
            .ok_or_else(|| Reject::Suffix(suffix.clone()))?;
    }
    if let Some(alphabet) = &rule.alphabet
        && let Some(bad) = body.iter().find(|b| !alphabet.contains(**b))
    {
        return Err(Reject::Alphabet(char::from(*bad)));
    }
    if let Some(checksum) = v.checksum
        && !checksum.verify(secret, body)
    {
        return Err(Reject::Checksum);
    }
    if let Some(Decode::Base64UserPassword) = v.decode {
        let decoded = decode_base64(body).ok_or(Reject::Shape)?;
        let user = match decoded.iter().position(|&b| b == b':') {
            Some(colon) => &decoded[..colon],
            None => return Err(Reject::Shape),
        };
        if user.is_empty() || !user.iter().all(u8::is_ascii_graphic) {
            return Err(Reject::Shape);
        }
        if v.placeholder != Some(Placeholder::All(false)) && holds_placeholder_word(&decoded) {
            return Err(Reject::Placeholder("a placeholder word"));
        }
    }
    let placeholder = match v.placeholder {
        None | Some(Placeholder::All(true)) => placeholder_kind(body),
        Some(Placeholder::All(false)) => None,
        Some(Placeholder::Only(PlaceholderOnly::Words)) => {
            holds_placeholder_word(body).then_some("a placeholder word")
        }
    };
    if let Some(kind) = placeholder {
        return Err(Reject::Placeholder(kind));
    }
    // A documented sample, whether a negative is the key itself or a line
    // that quotes it.
    if rule
        .def
        .negatives
        .iter()
        .any(|n| memchr::memmem::find(n.as_bytes(), secret).is_some())
    {
        return Err(Reject::Sample);
    }
    if let Some(min) = v.min_entropy {
        let got = shannon_entropy(body);
        if got < min {
            return Err(Reject::Entropy { got, min });
        }
    }
    Ok(())
}

/// Standard base64 (padding optional), or `None` if `text` is not base64.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let text = text
        .strip_suffix(b"==")
        .or(text.strip_suffix(b"="))
        .unwrap_or(text);
    crate::base64::decode(text, crate::base64::Alphabet::Standard)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_constant_data() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64(b"dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(decode_base64(b"YWRtaW46YWRtaW4=").unwrap(), b"admin:admin");
        assert_eq!(decode_base64(b"YQ==").unwrap(), b"a");
        assert!(decode_base64(b"a-b").is_none());
    }

    #[test]
    fn refusals_say_what_failed() {
        let text = Reject::Length {
            got: 107,
            expected: 108,
        }
        .to_string();
        assert_eq!(text, "it is 107 characters long, expected 108");
    }
}
