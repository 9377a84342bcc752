//! Token boundaries: a key must not be glued inside a longer token.

use crate::rules::ByteSet;

/// Whether a secret at `buf[start..end]` stands on its own: the byte
/// before it is not in `left`, and the byte after it not in `right`.
pub(crate) fn stands_alone(
    buf: &[u8],
    start: usize,
    end: usize,
    left: &ByteSet,
    right: &ByteSet,
) -> bool {
    let left_ok = start == 0 || !left.contains(buf[start - 1]) || after_percent_escape(buf, start);
    let right_ok = end >= buf.len() || !right.contains(buf[end]);
    left_ok && right_ok
}

/// A percent-escape (`key%3Dr8_…` in a URL) delimits a token like the
/// character it encodes.
fn after_percent_escape(buf: &[u8], start: usize) -> bool {
    start >= 3
        && buf[start - 3] == b'%'
        && buf[start - 2].is_ascii_hexdigit()
        && buf[start - 1].is_ascii_hexdigit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_tokens_are_refused_and_delimited_ones_accepted() {
        let class = ByteSet::parse("A-Za-z0-9_-").unwrap();
        let check = |text: &str, start: usize, end: usize| {
            stands_alone(text.as_bytes(), start, end, &class, &class)
        };
        assert!(check("x=KEY;", 2, 5));
        assert!(check("KEY", 0, 3));
        assert!(!check("aKEY", 1, 4));
        assert!(!check("KEYz", 0, 3));
        assert!(check("k%3DKEY", 4, 7));
    }
}
