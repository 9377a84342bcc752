//! A set of ASCII bytes, written as a character class like `A-Za-z0-9_-`.

#[derive(Clone, PartialEq, Eq)]
pub struct ByteSet([bool; 256]);

impl ByteSet {
    pub fn parse(class: &str) -> Result<ByteSet, String> {
        let mut set = [false; 256];
        let bytes = class.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let lo = bytes[i];
            if !lo.is_ascii() {
                return Err(format!("character class {class:?} must be ASCII"));
            }
            if i + 2 < bytes.len() && bytes[i + 1] == b'-' {
                let hi = bytes[i + 2];
                if hi < lo {
                    return Err(format!(
                        "bad range {}-{} in {class:?}",
                        lo as char, hi as char
                    ));
                }
                for b in lo..=hi {
                    set[b as usize] = true;
                }
                i += 3;
            } else {
                set[lo as usize] = true;
                i += 1;
            }
        }
        Ok(ByteSet(set))
    }

    #[inline]
    pub fn contains(&self, b: u8) -> bool {
        self.0[b as usize]
    }

    /// The members, in byte order.
    pub fn members(&self) -> Vec<u8> {
        (0u8..=255).filter(|b| self.contains(*b)).collect()
    }
}

impl std::fmt::Debug for ByteSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ByteSet({} bytes)", self.members().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_literals() {
        let set = ByteSet::parse("A-Za-z0-9_-").unwrap();
        for b in [b'A', b'z', b'5', b'_', b'-'] {
            assert!(set.contains(b));
        }
        for b in [b'+', b'/', b'.', b' '] {
            assert!(!set.contains(b));
        }
        assert!(ByteSet::parse("z-a").is_err());
        assert!(ByteSet::parse("é").is_err());
    }
}
