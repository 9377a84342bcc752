//! Token boundaries: a key must not be glued inside a longer token, but it
//! may follow what ends a token in text even when the last character is a
//! letter: an escape (`\n`, `\u003e`, `\x41`, `%3D`), a colour sequence
//! (`ESC[1;32m`, `\u001b[32m`), or a shell default (`${VAR:-…}`).

use crate::rules::ByteSet;

/// Whether a secret at `buf[start..end]` stands on its own: the byte
/// before it is not in `left` (or ends an escape), and the byte after it
/// is not in `right`.
pub(crate) fn stands_alone(
    buf: &[u8],
    start: usize,
    end: usize,
    left: &ByteSet,
    right: &ByteSet,
) -> bool {
    let left_ok = start == 0 || !left.contains(buf[start - 1]) || after_delimiter(&buf[..start]);
    let right_ok = end >= buf.len() || !right.contains(buf[end]);
    left_ok && right_ok
}

/// Whether `before` ends with something that delimits a token although
/// its last byte is a token character.
fn after_delimiter(before: &[u8]) -> bool {
    after_backslash_escape(before)
        || after_percent_escape(before)
        || after_csi(before)
        || after_shell_default(before)
}

/// `\n`, `\t`, `\r`, `\0`, `\e`, `\uXXXX`, `\u{X…}`, `\xXX` or `\NNN`,
/// with an unescaped backslash.
fn after_backslash_escape(before: &[u8]) -> bool {
    let n = before.len();
    let escaped_at = |at: usize| at < n && before[at] == b'\\' && odd_backslashes(&before[..=at]);
    let hex = |range: std::ops::Range<usize>| before[range].iter().all(u8::is_ascii_hexdigit);
    (n >= 2 && b"ntrfbve0".contains(&before[n - 1]) && escaped_at(n - 2))
        || (n >= 6 && before[n - 5] == b'u' && hex(n - 4..n) && escaped_at(n - 6))
        || (n >= 4 && before[n - 3] == b'x' && hex(n - 2..n) && escaped_at(n - 4))
        || (n >= 4
            && before[n - 3..].iter().all(|b| (b'0'..=b'7').contains(b))
            && escaped_at(n - 4))
        || (n >= 5 && before[n - 1] == b'}' && {
            let open = before.iter().rposition(|b| *b == b'{');
            open.is_some_and(|o| {
                o >= 2
                    && n - o <= 8
                    && before[o - 1] == b'u'
                    && hex(o + 1..n - 1)
                    && escaped_at(o - 2)
            })
        })
}

/// The backslash at the end of `text` is not itself escaped.
fn odd_backslashes(text: &[u8]) -> bool {
    text.iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

/// A percent-escape (`key%3Dr8_…` in a URL) delimits a token like the
/// character it encodes.
fn after_percent_escape(before: &[u8]) -> bool {
    let n = before.len();
    n >= 3
        && before[n - 3] == b'%'
        && before[n - 2].is_ascii_hexdigit()
        && before[n - 1].is_ascii_hexdigit()
}

/// An ANSI control sequence: ESC (raw, `\e`, `\033`, `\x1b`, `\u001b`),
/// `[`, parameters, and a final letter.
fn after_csi(before: &[u8]) -> bool {
    let n = before.len();
    if n < 3 || !before[n - 1].is_ascii_alphabetic() {
        return false;
    }
    let params = before[..n - 1]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit() || **b == b';')
        .count();
    let Some(bracket) = (n - 1).checked_sub(params + 1) else {
        return false;
    };
    if before[bracket] != b'[' || params > 16 {
        return false;
    }
    let esc = &before[..bracket];
    esc.ends_with(b"\x1b")
        || [
            &b"\\e"[..],
            b"\\033",
            b"\\x1b",
            b"\\x1B",
            b"\\u001b",
            b"\\u001B",
        ]
        .iter()
        .any(|form| esc.ends_with(form) && odd_backslashes(&esc[..esc.len() - form.len() + 1]))
}

/// `${NAME-…}`, `${NAME:-…}` (and `+`, `=`, `?` forms, whose operator is
/// not a token character anyway).
fn after_shell_default(before: &[u8]) -> bool {
    let Some(rest) = before.strip_suffix(b"-") else {
        return false;
    };
    let rest = rest.strip_suffix(b":").unwrap_or(rest);
    let name = rest
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    name > 0 && rest[..rest.len() - name].ends_with(b"${")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alone(before: &str, key: &str, after: &str) -> bool {
        let class = ByteSet::parse("A-Za-z0-9_-").unwrap();
        let text = format!("{before}{key}{after}");
        stands_alone(
            text.as_bytes(),
            before.len(),
            before.len() + key.len(),
            &class,
            &class,
        )
    }

    #[test]
    fn glued_tokens_are_refused_and_delimited_ones_accepted() {
        assert!(alone("x=", "KEY", ";"));
        assert!(alone("", "KEY", ""));
        assert!(!alone("a", "KEY", ""));
        assert!(!alone("", "KEY", "z"));
        assert!(alone("k%3D", "KEY", ""));
        assert!(!alone("deadbeef", "KEY", ""));
        assert!(!alone("clk_", "KEY", ""));
    }

    #[test]
    fn escapes_and_colour_sequences_end_a_token() {
        for before in [
            "\"a\\n",
            "x\\t",
            "\\u003e",
            "\\x41",
            "\\033",
            "\\u{1b}",
            "\u{1b}[1;32m",
            "\u{1b}[m",
            "\\u001b[32m",
            "\\x1b[0;31m",
            "\\e[1m",
        ] {
            assert!(alone(before, "KEY", "\""), "{before:?}");
        }
        // An escaped backslash is a backslash, not an escape.
        assert!(!alone("\\\\n", "KEY", ""));
        // Letters that merely look like an escape's end.
        assert!(!alone("[32m", "KEY", ""));
        assert!(!alone("u003e", "KEY", ""));
    }

    #[test]
    fn shell_defaults_end_a_token() {
        for before in ["${TOKEN:-", "${REPLICATE_API_TOKEN-", "x=${T:-"] {
            assert!(alone(before, "KEY", "}"), "{before:?}");
        }
        assert!(!alone("TOKEN:-", "KEY", ""));
        assert!(!alone("${:-", "KEY", ""));
        assert!(!alone("some-", "KEY", ""));
    }
}
