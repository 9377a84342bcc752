//! Keys inside escaped strings: JSON and JavaScript escapes (`\/`, `\u002d`,
//! `\x2d`) and percent-encoding (`%2F`). A keyword with a `/`, a space or
//! other reserved characters gets its escaped forms as literals; a plain
//! keyword whose rule fails with an escape close by is decoded too.

use super::{Decoded, Decoder, Encoding, Form, Site};

pub(crate) struct Escape;

const PERCENT: u8 = 1;
const BACKSLASH: u8 = 0;

impl Decoder for Escape {
    fn forms(&self, keyword: &[u8]) -> Vec<Form> {
        let mut forms = Vec::new();
        if keyword.contains(&b'/') {
            let escaped = keyword
                .iter()
                .flat_map(|&b| {
                    if b == b'/' {
                        vec![b'\\', b'/']
                    } else {
                        vec![b]
                    }
                })
                .collect();
            forms.push(Form {
                literal: escaped,
                encoding: Encoding::Escaped,
                variant: BACKSLASH,
            });
        }
        // Percent forms for what URLs carry: a path (`/`) or a space. Other
        // reserved characters in a keyword (`$`, `:`) are rarely escaped,
        // and every form costs each search.
        let reserved = |b: u8| !(b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if keyword.iter().any(|&b| b == b'/' || b == b' ') {
            for hex in [b"0123456789ABCDEF", b"0123456789abcdef"] {
                let literal = keyword
                    .iter()
                    .flat_map(|&b| {
                        if reserved(b) {
                            vec![b'%', hex[usize::from(b >> 4)], hex[usize::from(b & 15)]]
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
                forms.push(Form {
                    literal,
                    encoding: Encoding::Percent,
                    variant: PERCENT,
                });
            }
        }
        forms.dedup();
        forms
    }

    fn decode(&self, buf: &[u8], site: Site<'_>) -> Option<Decoded> {
        let (hit, before, after) = (site.hit, site.before, site.after);
        // An escape is at most 12 bytes (`\uD83D\uDE00`) for up to 4 bytes.
        let start = hit.saturating_sub(before * 3);
        let end = (hit + after * 3).min(buf.len());
        let mut decoded = Decoded::default();
        let mut i = start;
        while i < end {
            let (bytes, len) = unescape(&buf[i..end]);
            for b in bytes {
                decoded.push(b, i, i + len);
            }
            i += len;
        }
        Some(decoded)
    }
}

/// The bytes the text at the start of `rest` stands for, and its length.
fn unescape(rest: &[u8]) -> (Vec<u8>, usize) {
    let hex = |digits: &[u8]| -> Option<u32> {
        std::str::from_utf8(digits)
            .ok()
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok())
    };
    let utf8 = |c: u32| {
        char::from_u32(c)
            .map(|c| c.to_string().into_bytes())
            .unwrap_or_else(|| "\u{fffd}".as_bytes().to_vec())
    };
    match rest {
        [b'%', a, b, ..] => match hex(&[*a, *b]) {
            Some(v) => (vec![v as u8], 3),
            None => (vec![b'%'], 1),
        },
        [b'\\', b'u', b'{', tail @ ..] => {
            let close = tail.iter().take(7).position(|b| *b == b'}');
            match close.and_then(|c| hex(&tail[..c]).map(|v| (v, c))) {
                Some((v, c)) => (utf8(v), c + 4),
                None => (vec![b'\\'], 1),
            }
        }
        [b'\\', b'u', tail @ ..] if tail.len() >= 4 => match hex(&tail[..4]) {
            Some(high @ 0xD800..=0xDBFF) => match tail.get(4..10) {
                Some([b'\\', b'u', low @ ..]) => match hex(low) {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        (utf8(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), 12)
                    }
                    _ => (utf8(0xFFFD), 6),
                },
                _ => (utf8(0xFFFD), 6),
            },
            Some(v) => (utf8(v), 6),
            None => (vec![b'\\'], 1),
        },
        [b'\\', b'x', a, b, ..] => match hex(&[*a, *b]) {
            Some(v) => (vec![v as u8], 4),
            None => (vec![b'\\'], 1),
        },
        [b'\\', c, ..] => {
            let byte = match c {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'b' => 8,
                b'f' => 12,
                b'v' => 11,
                b'0' => 0,
                b'/' | b'\\' | b'"' | b'\'' => *c,
                _ => return (vec![b'\\'], 1),
            };
            (vec![byte], 2)
        }
        [b, ..] => (vec![*b], 1),
        [] => (Vec::new(), 1),
    }
}

/// Whether the token right after a keyword (past a short `": "` or `=`)
/// holds an escape a key could contain: `\/`, `\uXXXX`, `\xXX` or `%XX`.
/// Anything else ends the token: a `\n` or a `%d` in a format string is
/// not a key's.
pub(crate) fn escaped_token_follows(buf: &[u8], from: usize) -> bool {
    let hex = |range: std::ops::Range<usize>| {
        buf.get(range)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    };
    let end = (from + 512).min(buf.len());
    let mut i = from;
    while i < end && i < from + 8 && b"\"':= \t".contains(&buf[i]) {
        i += 1;
    }
    while i < end {
        match buf[i] {
            b'\\' => {
                return buf.get(i + 1) == Some(&b'/')
                    || (buf.get(i + 1) == Some(&b'u') && hex(i + 2..i + 6))
                    || (buf.get(i + 1) == Some(&b'x') && hex(i + 2..i + 4));
            }
            b'%' => return hex(i + 1..i + 3),
            b if b.is_ascii_alphanumeric() || b"_-+/=.".contains(&b) => i += 1,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(text: &str) -> String {
        let form = Form {
            literal: Vec::new(),
            encoding: Encoding::Escaped,
            variant: BACKSLASH,
        };
        let d = Escape
            .decode(
                text.as_bytes(),
                Site {
                    hit: 0,
                    form: &form,
                    before: 0,
                    after: text.len(),
                },
            )
            .unwrap();
        String::from_utf8(d.bytes).unwrap()
    }

    #[test]
    fn undoes_json_javascript_and_percent_escapes() {
        assert_eq!(decode_all(r"a\/b\u002dc\x2Dd%2Fe%2fF"), "a/b-c-d/e/F");
        assert_eq!(decode_all(r"\n\t\\\u{1F600}\uD83D\uDE00"), "\n\t\\😀😀");
        assert_eq!(decode_all(r"50% \q \u12 %zz"), r"50% \q \u12 %zz");
    }

    #[test]
    fn forms_escape_what_needs_escaping() {
        let forms = Escape.forms(b"hooks.slack.com/services/");
        let literals: Vec<String> = forms
            .iter()
            .map(|f| String::from_utf8(f.literal.clone()).unwrap())
            .collect();
        assert!(literals.contains(&r"hooks.slack.com\/services\/".to_string()));
        assert!(literals.contains(&"hooks.slack.com%2Fservices%2F".to_string()));
        assert!(Escape.forms(b"ghp_").is_empty());
    }
}
