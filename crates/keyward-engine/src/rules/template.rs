//! Example templates: `{N:CLASS}` becomes N characters drawn from CLASS, so
//! that tests build keys at run time and no key-shaped literal is ever
//! committed. `{{` is a literal `{`.

use super::ByteSet;

/// splitmix64: a small, fast generator for test keys. Not for anything
/// that must be unpredictable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The same sequence every run, for snapshots.
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A different sequence each call: the clock and a counter.
    pub fn fresh() -> Rng {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(1);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        Rng(nanos
            ^ COUNTER
                .fetch_add(0x9E37_79B9, Ordering::Relaxed)
                .rotate_left(17))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Expand `template`, drawing each character from `rng`.
pub fn expand_example(template: &str, rng: &mut Rng) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        // `{{` is a literal brace, for JSON examples.
        if rest[open + 1..].starts_with('{') {
            out.push('{');
            rest = &rest[open + 2..];
            continue;
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in example {template:?}"))?
            + open;
        let (count, class) = rest[open + 1..close]
            .split_once(':')
            .ok_or_else(|| format!("expected {{N:CLASS}} in example {template:?}"))?;
        let count: usize = count
            .parse()
            .map_err(|_| format!("bad count in example {template:?}"))?;
        let choices = ByteSet::parse(class)?.members();
        if choices.is_empty() {
            return Err(format!("empty class in example {template:?}"));
        }
        for _ in 0..count {
            out.push(choices[(rng.next_u64() % choices.len() as u64) as usize] as char);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_expand_to_the_right_shape() {
        let mut rng = Rng::seeded(1);
        let key = expand_example("r8_{37:A-Za-z0-9}", &mut rng).unwrap();
        assert_eq!(key.len(), 40);
        assert!(key[3..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(expand_example("{3}", &mut rng).is_err());
        assert!(expand_example("{3:a-z", &mut rng).is_err());
        let json = expand_example(r#"{{"k": "{4:0-9}"}"#, &mut rng).unwrap();
        assert!(
            json.starts_with(r#"{"k": ""#) && json.ends_with(r#""}"#),
            "{json}"
        );
        assert_eq!(json.len(), 13);
        assert_eq!(
            expand_example("{8:a-z}", &mut Rng::seeded(9)),
            expand_example("{8:a-z}", &mut Rng::seeded(9))
        );
    }
}
