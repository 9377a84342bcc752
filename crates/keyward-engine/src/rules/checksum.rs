//! Offline checksums that some formats carry in the token itself. A token
//! whose checksum fails is a typo, a fake or a fragment, never a live key.
//!
//! Each scheme here is taken from its issuer's documentation or source and
//! checked against a public test vector (see the tests): a wrong checksum
//! would silently drop every real key of its format.

use serde::{Deserialize, Serialize};

use crate::base64::{self, Alphabet};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const HEX: &[u8; 16] = b"0123456789abcdef";
/// Bech32's data alphabet (BIP-173), in value order.
const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// A checksum scheme, named in rule data as `checksum = "..."`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// The body's last 6 characters are the CRC-32 (IEEE) of the rest of
    /// the body, in base62 (`0-9A-Za-z`), left-padded with `0`: GitHub's
    /// token format, which npm adopted.
    Crc32Base62,
    /// The token's last 7 characters are the CRC-32 of everything before
    /// them, prefix included, in base36 (`0-9a-z`), left-padded with `0`:
    /// GitLab's routable tokens.
    Crc32Base36,
    /// The token's last 8 characters are the CRC-32 of everything before
    /// the `_` that precedes them, prefix included, as its 4 little-endian
    /// bytes in lowercase hex: Grafana's service-account tokens.
    Crc32HexLe,
    /// The token's last 8 characters are the CRC-32 of everything before
    /// them, prefix included, in uppercase hex: Atlassian's API and
    /// Bitbucket's access tokens and app passwords.
    Crc32HexUpper,
    /// The whole token is a Bech32 string (BIP-173): the human-readable
    /// part up to the last `1`, case-insensitive, then data whose last 6
    /// characters are the checksum, and whose padding bits are zero. age's
    /// secret keys.
    Bech32,
    /// After the token's first `-`, unpadded base64url of a binary (v2)
    /// macaroon: version 2, an optional location, an identifier, its
    /// caveats and a 32-byte signature, with nothing after. PyPI's API
    /// tokens. A structure, not a checksum: it refuses truncated and
    /// mangled tokens.
    MacaroonV2,
}

impl Checksum {
    /// Whether `secret` carries a valid checksum. `body` is the secret
    /// without its keyword and suffix; some schemes cover only the body,
    /// others the whole token.
    pub fn verify(self, secret: &[u8], body: &[u8]) -> bool {
        match self {
            Checksum::Crc32Base62 => {
                body.len() > 6 && {
                    let (data, check) = body.split_at(body.len() - 6);
                    encode_fixed(crc32(data), BASE62, 6) == check
                }
            }
            Checksum::Crc32Base36 => {
                secret.len() > 7 && {
                    let (data, check) = secret.split_at(secret.len() - 7);
                    encode_fixed(crc32(data), BASE36, 7) == check
                }
            }
            Checksum::Crc32HexLe => {
                secret.len() > 9 && secret[secret.len() - 9] == b'_' && {
                    let data = &secret[..secret.len() - 9];
                    hex_le(crc32(data)).as_bytes() == &secret[secret.len() - 8..]
                }
            }
            Checksum::Crc32HexUpper => {
                secret.len() > 8 && {
                    let (data, check) = secret.split_at(secret.len() - 8);
                    hex_upper(crc32(data)).as_bytes() == check
                }
            }
            Checksum::Bech32 => bech32_valid(secret),
            Checksum::MacaroonV2 => secret
                .iter()
                .position(|&c| c == b'-')
                .and_then(|dash| base64url_decode(&secret[dash + 1..]))
                .is_some_and(|bytes| macaroon_v2_valid(&bytes)),
        }
    }

    /// Make a random example valid, for generating test examples: given
    /// the keyword and a body drawn from the rule's template, the body to
    /// use instead.
    pub fn fix(self, keyword: &str, body: &str) -> String {
        match self {
            Checksum::Crc32Base62 => {
                let data = prefix_of(body, 6);
                let check = encode_fixed(crc32(data.as_bytes()), BASE62, 6);
                format!("{data}{}", String::from_utf8_lossy(&check))
            }
            Checksum::Crc32Base36 => {
                let data = prefix_of(body, 7);
                let check = encode_fixed(crc32(format!("{keyword}{data}").as_bytes()), BASE36, 7);
                format!("{data}{}", String::from_utf8_lossy(&check))
            }
            Checksum::Crc32HexLe => {
                let data = prefix_of(body, 9);
                let check = hex_le(crc32(format!("{keyword}{data}").as_bytes()));
                format!("{data}_{check}")
            }
            Checksum::Crc32HexUpper => {
                let data = prefix_of(body, 8);
                format!(
                    "{data}{}",
                    hex_upper(crc32(format!("{keyword}{data}").as_bytes()))
                )
            }
            Checksum::Bech32 => bech32_fix(keyword, body),
            Checksum::MacaroonV2 => macaroon_v2_fix(keyword, body),
        }
    }
}

/// `s` without its last `n` characters (the template's checksum slot).
fn prefix_of(s: &str, n: usize) -> &str {
    s.get(..s.len().saturating_sub(n)).unwrap_or("")
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `n` in the base of `digits`, left-padded with the zero digit to `width`.
fn encode_fixed(mut n: u32, digits: &[u8], width: usize) -> Vec<u8> {
    let base = digits.len() as u32;
    let mut out = vec![digits[0]; width];
    for slot in out.iter_mut().rev() {
        *slot = digits[(n % base) as usize];
        n /= base;
    }
    out
}

/// The 4 little-endian bytes of `n`, in lowercase hex.
fn hex_le(n: u32) -> String {
    n.to_le_bytes()
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// `n` in uppercase hex, 8 digits.
fn hex_upper(n: u32) -> String {
    format!("{n:08X}")
}

fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk = 1u32;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// The human-readable part expanded for the checksum (BIP-173).
fn bech32_hrp(hrp: &[u8]) -> impl Iterator<Item = u8> + '_ {
    hrp.iter()
        .map(|c| c.to_ascii_lowercase() >> 5)
        .chain([0])
        .chain(hrp.iter().map(|c| c.to_ascii_lowercase() & 31))
}

fn bech32_value(c: u8) -> Option<u8> {
    let c = c.to_ascii_lowercase();
    BECH32.iter().position(|&d| d == c).map(|v| v as u8)
}

/// A whole Bech32 string: one case, a checksum that holds, and zero
/// padding bits in the data it encodes.
fn bech32_valid(s: &[u8]) -> bool {
    let mixed_case = s.iter().any(u8::is_ascii_lowercase) && s.iter().any(u8::is_ascii_uppercase);
    let Some(sep) = s.iter().rposition(|&c| c == b'1') else {
        return false;
    };
    let (hrp, data) = (&s[..sep], &s[sep + 1..]);
    if mixed_case || hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let Some(values) = data
        .iter()
        .map(|&c| bech32_value(c))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let payload = &values[..values.len() - 6];
    let pad_bits = (payload.len() * 5) % 8;
    let padding_clear = payload
        .last()
        .is_none_or(|last| last & ((1 << pad_bits) - 1) == 0);
    padding_clear && bech32_polymod(bech32_hrp(hrp).chain(values.iter().copied())) == 1
}

/// Recompute the checksum of `keyword` + `body`, where the keyword ends
/// with the `1` separator: clear the padding bits and replace the last 6
/// body characters.
fn bech32_fix(keyword: &str, body: &str) -> String {
    let upper = body.bytes().any(|c| c.is_ascii_uppercase());
    let hrp = keyword.as_bytes().strip_suffix(b"1").unwrap_or(b"");
    let mut values: Vec<u8> = prefix_of(body, 6)
        .bytes()
        .filter_map(bech32_value)
        .collect();
    let pad_bits = (values.len() * 5) % 8;
    if let Some(last) = values.last_mut() {
        *last &= !((1u8 << pad_bits) - 1);
    }
    let poly = bech32_polymod(bech32_hrp(hrp).chain(values.iter().copied()).chain([0; 6])) ^ 1;
    values.extend((0..6).map(|i| ((poly >> (5 * (5 - i))) & 31) as u8));
    values
        .iter()
        .map(|&v| {
            let c = char::from(BECH32[usize::from(v)]);
            if upper { c.to_ascii_uppercase() } else { c }
        })
        .collect()
}

/// Unpadded base64url; `None` for a character outside it or a length no
/// encoding has. Leftover bits of a final partial byte are dropped.
fn base64url_decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    base64::decode(text, Alphabet::UrlSafe)
}

fn base64url_encode(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&base64::encode(bytes, Alphabet::UrlSafe)).into_owned()
}

/// A macaroon field: its type, and its data unless it is end-of-section.
fn macaroon_field<'a>(bytes: &'a [u8], at: &mut usize) -> Option<(u64, &'a [u8])> {
    let kind = varint(bytes, at)?;
    if kind == 0 {
        return Some((0, &[]));
    }
    let len = usize::try_from(varint(bytes, at)?).ok()?;
    let data = bytes.get(*at..at.checked_add(len)?)?;
    *at += len;
    Some((kind, data))
}

fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

/// The v2 binary layout (libmacaroons' format, which pymacaroons and PyPI
/// use): version, [location], identifier, end; per caveat [location],
/// identifier, [verification id], end; end; then the signature.
fn macaroon_v2_valid(bytes: &[u8]) -> bool {
    const LOCATION: u64 = 1;
    const IDENTIFIER: u64 = 2;
    const VID: u64 = 4;
    const SIGNATURE: u64 = 6;
    let parse = || -> Option<()> {
        if *bytes.first()? != 2 {
            return None;
        }
        let mut at = 1;
        let mut next = macaroon_field(bytes, &mut at)?;
        if next.0 == LOCATION {
            next = macaroon_field(bytes, &mut at)?;
        }
        (next.0 == IDENTIFIER && macaroon_field(bytes, &mut at)?.0 == 0).then_some(())?;
        loop {
            let mut field = macaroon_field(bytes, &mut at)?;
            if field.0 == 0 {
                break;
            }
            if field.0 == LOCATION {
                field = macaroon_field(bytes, &mut at)?;
            }
            (field.0 == IDENTIFIER).then_some(())?;
            field = macaroon_field(bytes, &mut at)?;
            if field.0 == VID {
                field = macaroon_field(bytes, &mut at)?;
            }
            (field.0 == 0).then_some(())?;
        }
        let (kind, signature) = macaroon_field(bytes, &mut at)?;
        (kind == SIGNATURE && signature.len() == 32 && at == bytes.len()).then_some(())
    };
    parse().is_some()
}

/// A valid macaroon that continues the keyword's own base64 (its location
/// field), with an identifier, one caveat and a signature drawn from the
/// random body.
fn macaroon_v2_fix(keyword: &str, body: &str) -> String {
    let head = keyword.split_once('-').map_or("", |(_, b64)| b64);
    let mut bytes = base64url_decode(head.as_bytes()).unwrap_or_default();
    let random: Vec<u8> = body.bytes().cycle().take(96).collect();
    let caveat = br#"[3,["a-project"]]"#;
    bytes.extend([2, 32]);
    bytes.extend(&random[..32]);
    bytes.extend([0, 2, caveat.len() as u8]);
    bytes.extend(caveat);
    bytes.extend([0, 0, 6, 32]);
    bytes.extend(&random[32..64]);
    base64url_encode(&bytes)
        .get(head.len()..)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn fixed_bodies_verify_and_any_change_breaks_them() {
        for (scheme, keyword, body) in [
            (
                Checksum::Crc32Base62,
                "ghp_",
                "abcdefghijklmnopqrstuvwxyz0123XXXXXX",
            ),
            (
                Checksum::Crc32Base36,
                "glpat-",
                "bzoxd_Rb5_cHeWe1JH56wr2FCBA.01.0rXXXXXXX",
            ),
            (
                Checksum::Crc32HexLe,
                "glsa_",
                "yscW25imSKJIuav8zF37RZmnbiDvB05G_XXXXXXXX",
            ),
            (
                Checksum::Crc32HexUpper,
                "ATBB",
                "abcdefghijklmnopqrstuvwxXXXXXXXX",
            ),
            (
                Checksum::Bech32,
                "AGE-SECRET-KEY-1",
                &"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".repeat(2)[..58],
            ),
        ] {
            let fixed = scheme.fix(keyword, body);
            assert_eq!(fixed.len(), body.len(), "{scheme:?}");
            let secret = format!("{keyword}{fixed}");
            assert!(
                scheme.verify(secret.as_bytes(), fixed.as_bytes()),
                "{scheme:?}"
            );
            // One character changed anywhere in the body breaks it.
            for at in [0, body.len() / 2, body.len() - 1] {
                let mut broken = fixed.clone().into_bytes();
                broken[at] = if broken[at] == b'Q' { b'P' } else { b'Q' };
                let secret = [keyword.as_bytes(), &broken].concat();
                assert!(!scheme.verify(&secret, &broken), "{scheme:?} at {at}");
            }
        }
        assert!(!Checksum::Crc32Base62.verify(b"short", b"short"));
        assert!(!Checksum::Crc32Base36.verify(b"short", b"short"));
        assert!(!Checksum::Crc32HexLe.verify(b"short", b"short"));
        assert!(!Checksum::Bech32.verify(b"short", b"short"));
        assert!(!Checksum::Crc32HexUpper.verify(b"short", b"short"));
    }

    /// CRC-32's standard check value, `CBF43926` for `123456789`, is a
    /// valid token of the uppercase-hex scheme; the lowercase spelling and
    /// the little-endian order are not.
    #[test]
    fn crc32_hex_upper_matches_the_standard_check_value() {
        let token = b"123456789CBF43926";
        assert!(Checksum::Crc32HexUpper.verify(token, token));
        assert!(!Checksum::Crc32HexUpper.verify(b"123456789cbf43926", b""));
        assert!(!Checksum::Crc32HexUpper.verify(b"12345678926394FCB", b""));
    }

    /// GitLab's routable-token design document gives this token, with no
    /// prefix, as its minimum-length example.
    #[test]
    fn gitlab_routable_crc_matches_gitlabs_documented_example() {
        let token = b"bzoxd_Rb5_cHeWe1JH56wr2FCBA.0r1pum4t4";
        assert!(Checksum::Crc32Base36.verify(token, token));
        let mut broken = token.to_vec();
        broken[3] = b'y';
        assert!(!Checksum::Crc32Base36.verify(&broken, &broken));
    }

    /// Grafana's own unit test of its token generator (`satokengen`),
    /// assembled here so that no token-shaped literal sits in the source.
    #[test]
    fn grafana_crc_matches_grafanas_test_vector() {
        let token = format!("glsa_{}_{}", "yscW25imSKJIuav8zF37RZmnbiDvB05G", "fcaaf58a");
        assert!(Checksum::Crc32HexLe.verify(token.as_bytes(), &token.as_bytes()[5..]));
        let wrong = token.replace("fcaaf58a", "fcaaf58b");
        assert!(!Checksum::Crc32HexLe.verify(wrong.as_bytes(), &wrong.as_bytes()[5..]));
        // The big-endian reading of the same CRC is not Grafana's.
        let be = token.replace("fcaaf58a", "8af5aafc");
        assert!(!Checksum::Crc32HexLe.verify(be.as_bytes(), &be.as_bytes()[5..]));
    }

    /// BIP-173's valid and invalid test vectors.
    #[test]
    fn bech32_matches_bip173_test_vectors() {
        for valid in [
            "A12UEL5L",
            "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        ] {
            // Padding is checked only where data encodes bytes; these
            // vectors test the checksum alone.
            let s = valid.as_bytes();
            let sep = s.iter().rposition(|&c| c == b'1').unwrap();
            let values: Vec<u8> = s[sep + 1..]
                .iter()
                .map(|&c| bech32_value(c).unwrap())
                .collect();
            assert_eq!(
                bech32_polymod(bech32_hrp(&s[..sep]).chain(values.iter().copied())),
                1,
                "{valid}"
            );
        }
        for invalid in [
            "A1G7SGD8",
            "10a06t8",
            "1qzzfhee",
            "x1b4n0q5v",
            "li1dgmt3",
            "A12uEL5L",
        ] {
            assert!(!bech32_valid(invalid.as_bytes()), "{invalid}");
        }
        assert!(bech32_valid(b"A12UEL5L"));
    }

    /// A macaroon built by hand from libmacaroons' v2 layout verifies; so
    /// does one without a location or with a verification id; truncated,
    /// extended or mis-typed ones do not.
    #[test]
    fn macaroon_v2_structure() {
        let mut m = vec![2, 1, 8];
        m.extend(b"pypi.org");
        m.extend([2, 4]);
        m.extend(b"abcd");
        m.extend([0, 2, 3]);
        m.extend(b"cav");
        m.extend([4, 2, 9, 9, 0, 0, 6, 32]);
        m.extend([7u8; 32]);
        assert!(macaroon_v2_valid(&m));
        let token = format!("pypi-{}", base64url_encode(&m));
        assert!(Checksum::MacaroonV2.verify(token.as_bytes(), b""));
        assert!(!Checksum::MacaroonV2.verify(&token.as_bytes()[..token.len() - 4], b""));
        assert!(!macaroon_v2_valid(&m[..m.len() - 1]));
        assert!(!macaroon_v2_valid(&[m.as_slice(), &[0]].concat()));
        let mut wrong = m.clone();
        wrong[11] = 3;
        assert!(!macaroon_v2_valid(&wrong));
        let no_location = [&[2u8, 2, 1, b'x', 0, 0, 6, 32][..], &[1u8; 32]].concat();
        assert!(macaroon_v2_valid(&no_location));
        assert_eq!(
            base64url_decode(b"AgEIcHlwaS5vcmc").unwrap()[3..],
            *b"pypi.org"
        );
        assert!(base64url_decode(b"abcde").is_none());
        assert!(base64url_decode(b"ab+d").is_none());
        // Examples continue the keyword's own base64.
        for keyword in ["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"] {
            let fixed = Checksum::MacaroonV2.fix(keyword, "q8Zk2Lm9Pw9Rt5Yv3fJ0");
            let token = format!("{keyword}{fixed}");
            assert!(
                Checksum::MacaroonV2.verify(token.as_bytes(), b""),
                "{token}"
            );
            let broken = format!("{keyword}D{}", &fixed[1..]);
            assert!(!Checksum::MacaroonV2.verify(broken.as_bytes(), b""));
        }
    }

    #[test]
    fn base_encodings_pad_to_their_width() {
        assert_eq!(encode_fixed(0, BASE62, 6), b"000000");
        assert_eq!(encode_fixed(u32::MAX, BASE36, 7), b"1z141z3");
        assert_eq!(hex_le(0x1234_5678), "78563412");
    }
}
