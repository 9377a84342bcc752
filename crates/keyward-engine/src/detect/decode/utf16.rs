//! UTF-16 text, with or without a byte-order mark: a Windows export, a
//! PowerShell transcript. ASCII text is the same bytes in both byte orders
//! but for a one-byte shift, so one literal (the keyword's characters with
//! NULs between them) finds both, and the key reads the same either way.

use super::{Decoded, Decoder, Encoding, Form, Site};

pub(crate) struct Utf16;

impl Decoder for Utf16 {
    fn forms(&self, keyword: &[u8]) -> Vec<Form> {
        if !keyword.is_ascii() || keyword.len() < 2 {
            return Vec::new();
        }
        let mut literal: Vec<u8> = keyword.iter().flat_map(|&b| [b, 0]).collect();
        literal.pop();
        vec![Form {
            literal,
            encoding: Encoding::Utf16,
            variant: 0,
        }]
    }

    fn decode(&self, buf: &[u8], site: Site<'_>) -> Option<Decoded> {
        let (hit, before, after) = (site.hit, site.before, site.after);
        // Code units aligned on the keyword's first character, read
        // little-endian: in big-endian text that reads the same ASCII.
        let unit = |at: usize| -> Option<u16> {
            let pair = buf.get(at..at + 2)?;
            Some(u16::from_le_bytes([pair[0], pair[1]]))
        };
        // Text is any unit but NUL and the C0 controls other than
        // whitespace; the run stops at anything else.
        let texty = |u: u16| u >= 0x20 || matches!(u, 0x09 | 0x0A | 0x0D);
        let mut start = hit;
        while hit - start < 2 * before && start >= 2 && unit(start - 2).is_some_and(texty) {
            start -= 2;
        }
        let mut end = hit;
        while end - hit < 2 * after && unit(end).is_some_and(texty) {
            end += 2;
        }
        let units: Vec<u16> = (start..end).step_by(2).filter_map(unit).collect();
        let mut decoded = Decoded::default();
        let mut at = start;
        for c in char::decode_utf16(units.iter().copied()) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            let next = at + 2 * c.len_utf16();
            let mut utf8 = [0u8; 4];
            for &b in c.encode_utf8(&mut utf8).as_bytes() {
                decoded.push(b, at, next);
            }
            at = next;
        }
        Some(decoded)
    }
}
