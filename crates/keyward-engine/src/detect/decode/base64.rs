//! Base64, standard and URL-safe, at any alignment: a Kubernetes Secret's
//! `data:`, a `.dockerconfigjson`, `Authorization: Basic`, a JWT payload.
//!
//! A keyword encoded at byte offset 0, 1 or 2 of a 3-byte group gives three
//! different strings; of each, the characters made only of the keyword's
//! bits are the same wherever it appears. Those are the literals.

use super::{Decoded, Decoder, Encoding, Form, Site};
use crate::base64::{self, Alphabet};

pub(crate) struct Base64;

/// Fewer stable characters than this match too much unrelated text.
const MIN_LITERAL: usize = 3;

impl Decoder for Base64 {
    fn forms(&self, keyword: &[u8]) -> Vec<Form> {
        let mut forms = Vec::new();
        for align in 0..3 {
            let mut padded = vec![0u8; align];
            padded.extend_from_slice(keyword);
            let chars = encode(&padded);
            // Character i holds bits 6i..6i+6: bytes 6i/8 ..= (6i+5)/8.
            let stable = |i: usize| 6 * i / 8 >= align && (6 * i + 5) / 8 < padded.len();
            let Some(first) = (0..chars.len()).find(|&i| stable(i)) else {
                continue;
            };
            let last = (first..chars.len())
                .take_while(|&i| stable(i))
                .last()
                .unwrap_or(first);
            let literal = chars[first..=last].to_vec();
            if literal.len() < MIN_LITERAL {
                continue;
            }
            let url_safe: Vec<u8> = literal
                .iter()
                .map(|&b| match b {
                    b'+' => b'-',
                    b'/' => b'_',
                    b => b,
                })
                .collect();
            // The variant is where the literal starts, counted in
            // characters from the group that holds the padded keyword.
            let lead = first as u8;
            if url_safe != literal {
                forms.push(Form {
                    literal: url_safe,
                    encoding: Encoding::Base64,
                    variant: lead,
                });
            }
            forms.push(Form {
                literal,
                encoding: Encoding::Base64,
                variant: lead,
            });
        }
        forms
    }

    fn opt_in(&self) -> bool {
        true
    }

    /// `eyJ`: `{"` and a letter, the start of base64-encoded JSON (a JWT,
    /// a `.dockerconfigjson`), whose values may be base64 again.
    fn triggers(&self) -> Vec<Form> {
        vec![Form {
            literal: b"eyJ".to_vec(),
            encoding: Encoding::Base64,
            variant: 0,
        }]
    }

    fn decode(&self, buf: &[u8], site: Site<'_>) -> Option<Decoded> {
        let Site {
            hit,
            form,
            before,
            after,
        } = site;
        // The start of the group the keyword's encoding begins in.
        let group = hit.checked_sub(usize::from(form.variant))?;
        let is_b64 = |b: &u8| value(*b).is_some();
        let mut start = group;
        while (group - start) / 4 * 3 < before
            && start >= 4
            && buf[start - 4..start].iter().all(is_b64)
        {
            start -= 4;
        }
        let limit = (group + after.div_ceil(3) * 4 + 4).min(buf.len());
        let end = start + buf[start..limit].iter().take_while(|b| is_b64(b)).count();
        let mut decoded = Decoded::default();
        for (g, chunk) in buf[start..end].chunks(4).enumerate() {
            let at = start + 4 * g;
            let mut bits = 0u32;
            for (i, &b) in chunk.iter().enumerate() {
                bits |= u32::from(value(b)?) << (18 - 6 * i);
            }
            // Byte r of a group starts in character r and ends after r + 1.
            for r in 0..chunk.len().saturating_sub(1) {
                decoded.push((bits >> (16 - 8 * r)) as u8, at + r, at + r + 2);
            }
        }
        (!decoded.bytes.is_empty()).then_some(decoded)
    }
}

/// Standard base64 of `bytes`, the last group's unused bits zero, no
/// padding characters.
fn encode(bytes: &[u8]) -> Vec<u8> {
    base64::encode(bytes, Alphabet::Standard)
}

fn value(b: u8) -> Option<u8> {
    base64::value(b, Alphabet::Either)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Standard base64, padded, for tests.
    pub(crate) fn b64(bytes: &[u8]) -> String {
        let mut text = String::from_utf8(encode(bytes)).unwrap();
        while !text.len().is_multiple_of(4) {
            text.push('=');
        }
        text
    }

    #[test]
    fn encodes_like_rfc_4648() {
        assert_eq!(b64(b""), "");
        assert_eq!(b64(b"f"), "Zg==");
        assert_eq!(b64(b"fo"), "Zm8=");
        assert_eq!(b64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn every_alignment_has_a_literal_found_in_the_encoding() {
        let keyword = b"sk-ant-";
        let forms = Base64.forms(keyword);
        for prefix in ["", "a", "ab", "abc", "user:"] {
            let text = b64(&[prefix.as_bytes(), keyword, b"rest-of-key"].concat());
            let found = forms
                .iter()
                .find_map(|f| memchr::memmem::find(text.as_bytes(), &f.literal).map(|at| (at, f)))
                .unwrap_or_else(|| panic!("{prefix:?}: {text}"));
            let decoded = Base64
                .decode(
                    text.as_bytes(),
                    Site {
                        hit: found.0,
                        form: found.1,
                        before: 64,
                        after: 64,
                    },
                )
                .unwrap();
            let plain = [prefix.as_bytes(), keyword, b"rest-of-key"].concat();
            assert!(
                memchr::memmem::find(&decoded.bytes, &plain[prefix.len()..]).is_some(),
                "{prefix:?}: {:?}",
                String::from_utf8_lossy(&decoded.bytes)
            );
        }
    }

    #[test]
    fn decoded_bytes_map_back_to_their_characters() {
        let text = b64(b"xyzr8_abc");
        let forms = Base64.forms(b"r8_");
        let (at, form) = forms
            .iter()
            .find_map(|f| memchr::memmem::find(text.as_bytes(), &f.literal).map(|at| (at, f)))
            .unwrap();
        let decoded = Base64
            .decode(
                text.as_bytes(),
                Site {
                    hit: at,
                    form,
                    before: 16,
                    after: 16,
                },
            )
            .unwrap();
        assert_eq!(decoded.bytes, b"xyzr8_abc");
        // "r8_" is bytes 3..6: characters 4..8 of the encoding.
        assert_eq!(decoded.span(3, 6), (4, 8));
    }
}
