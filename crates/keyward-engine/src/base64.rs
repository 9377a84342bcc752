//! Base64 (RFC 4648), both alphabets, unpadded: one codec for the decoder
//! that finds wrapped keys, the validators and the checksums.

/// Which characters stand for 62 and 63.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// `+` and `/`.
    Standard,
    /// `-` and `_`.
    UrlSafe,
    /// Either pair, as text found in the wild may use.
    Either,
}

/// The 6-bit value of `b` in `alphabet`.
pub fn value(b: u8, alphabet: Alphabet) -> Option<u8> {
    use Alphabet::{Either, Standard, UrlSafe};
    match (b, alphabet) {
        (b'A'..=b'Z', _) => Some(b - b'A'),
        (b'a'..=b'z', _) => Some(b - b'a' + 26),
        (b'0'..=b'9', _) => Some(b - b'0' + 52),
        (b'+', Standard | Either) | (b'-', UrlSafe | Either) => Some(62),
        (b'/', Standard | Either) | (b'_', UrlSafe | Either) => Some(63),
        _ => None,
    }
}

/// The bytes `text` encodes, or `None` for a character outside `alphabet`.
/// Leftover bits of a final partial byte are dropped.
pub fn decode(text: &[u8], alphabet: Alphabet) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        acc = (acc << 6) | u32::from(value(c, alphabet)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `bytes` encoded, without padding (`Either` encodes as `Standard`).
pub fn encode(bytes: &[u8], alphabet: Alphabet) -> Vec<u8> {
    let table: &[u8; 64] = match alphabet {
        Alphabet::UrlSafe => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        Alphabet::Standard | Alphabet::Either => {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        }
    };
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let bits =
            (chunk.iter().enumerate()).fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(table[((bits >> (18 - 6 * i)) & 63) as usize]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_both_alphabets() {
        let bytes: Vec<u8> = (0..=255).collect();
        for alphabet in [Alphabet::Standard, Alphabet::UrlSafe] {
            let text = encode(&bytes, alphabet);
            assert_eq!(decode(&text, alphabet).unwrap(), bytes);
            assert_eq!(decode(&text, Alphabet::Either).unwrap(), bytes);
        }
        assert_eq!(encode(b"foobar", Alphabet::Standard), b"Zm9vYmFy");
        assert_eq!(encode(&[0xfb, 0xff], Alphabet::Standard), b"+/8");
        assert_eq!(encode(&[0xfb, 0xff], Alphabet::UrlSafe), b"-_8");
        assert!(decode(b"-_8", Alphabet::Standard).is_none());
        assert!(decode(b"+/8", Alphabet::UrlSafe).is_none());
    }
}
