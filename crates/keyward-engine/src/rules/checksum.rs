//! Offline checksums that some formats carry in the token itself. A token
//! whose checksum fails is a typo, a fake or a fragment, never a live key.

use serde::{Deserialize, Serialize};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A checksum scheme, named in rule data as `checksum = "..."`. Each works
/// on the token's body: the secret without its keyword and suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// The last 6 characters are the CRC-32 (IEEE) of the rest, in base62
    /// (`0-9A-Za-z`), left-padded with `0`: GitHub's token format.
    Crc32Base62,
}

impl Checksum {
    pub fn verify(self, body: &[u8]) -> bool {
        match self {
            Checksum::Crc32Base62 => {
                body.len() > 6 && {
                    let (data, check) = body.split_at(body.len() - 6);
                    base62_fixed(crc32(data), 6).as_bytes() == check
                }
            }
        }
    }

    /// Make a random body valid, for generating test examples.
    pub fn fix(self, body: &str) -> String {
        match self {
            Checksum::Crc32Base62 => {
                let data = &body[..body.len().saturating_sub(6)];
                format!("{data}{}", base62_fixed(crc32(data.as_bytes()), 6))
            }
        }
    }
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

/// `n` in base62, left-padded with `0` to `width` characters.
fn base62_fixed(mut n: u32, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
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
        let fixed = Checksum::Crc32Base62.fix("abcdefghijklmnopqrstuvwxyz0123XXXXXX");
        assert!(Checksum::Crc32Base62.verify(fixed.as_bytes()));
        let mut broken = fixed.clone().into_bytes();
        broken[3] = b'Q';
        assert!(!Checksum::Crc32Base62.verify(&broken));
        assert!(!Checksum::Crc32Base62.verify(b"short"));
    }
}
