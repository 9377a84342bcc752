//! Keys in every disguise (issue 13): escapes and colour sequences glued to
//! a key, shell defaults, base64 at any alignment, UTF-16 without a BOM,
//! JSON escapes and percent-encoding inside a key. Keys are built at run
//! time; nothing here is a key literal.

use keyward_engine::detect::{Detector, Encoding, Match};
use keyward_engine::finding::fingerprint;
use keyward_engine::rules::{Rng, builtin_defs, builtin_rules};
use proptest::prelude::*;

fn detector() -> &'static Detector {
    static DETECTOR: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| Detector::new(builtin_rules().unwrap()).unwrap())
}

fn scan(bytes: &[u8]) -> Vec<Match> {
    let mut out = Vec::new();
    detector()
        .scan(&mut &bytes[..], &mut Vec::new(), &mut out)
        .unwrap();
    out
}

fn key(rule: &str, rng: &mut Rng) -> String {
    builtin_defs()
        .unwrap()
        .into_iter()
        .find(|d| d.id == rule)
        .and_then(|d| d.example_secret(rng))
        .unwrap()
}

fn b64(bytes: &[u8], url_safe: bool) -> String {
    let table: &[u8] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(table[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if !url_safe {
            out.extend(std::iter::repeat_n('=', 3 - chunk.len()));
        }
    }
    out
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend(if big_endian {
            [0xFE, 0xFF]
        } else {
            [0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// The one finding of `text`, with its key, line and column.
fn only(text: &[u8]) -> Match {
    let found = scan(text);
    assert_eq!(
        found.len(),
        1,
        "{:?}: {found:?}",
        String::from_utf8_lossy(text)
    );
    found.into_iter().next().unwrap()
}

#[test]
fn escapes_colour_sequences_and_shell_defaults_are_boundaries() {
    let mut rng = Rng::fresh();
    for rule in ["replicate-api-token", "anthropic-api-key"] {
        let k = key(rule, &mut rng);
        for before in [
            "echo ${REPLICATE_API_TOKEN:-",
            "echo ${ANTHROPIC_API_KEY-",
            "x=${T:=",
            "{\"value\": \"first line\\n",
            "{\"value\": \"x\\u003e",
            "{\"text\": \"\\u001b[32m",
            "log \u{1b}[1;32m",
            "printf '\\033[0;31m",
            "s = \"\\x1b[1m",
        ] {
            let m = only(format!("{before}{k}}}\"\n").as_bytes());
            assert_eq!(m.secret, k, "{before:?}");
            assert_eq!(
                m.span.column as usize,
                before.chars().count() + 1,
                "{before:?}"
            );
            assert_eq!(m.encoding, None);
        }
        // Glued inside an identifier it is not a key.
        for before in ["deadbeef", "clk_", "x", "[32m"] {
            assert!(
                scan(format!("{before}{k}\n").as_bytes()).is_empty(),
                "{before:?}"
            );
        }
    }
}

#[test]
fn base64_keys_are_found_at_their_encoded_place_with_the_plain_fingerprint() {
    let mut rng = Rng::fresh();
    for rule in ["replicate-api-token", "anthropic-api-key", "github-pat"] {
        let k = key(rule, &mut rng);
        // (text, the line the encoded key is on)
        let cases = [
            // A Kubernetes Secret's data.
            (
                format!(
                    "apiVersion: v1\nkind: Secret\ndata:\n  token: {}\n",
                    b64(k.as_bytes(), false)
                ),
                4,
            ),
            // Authorization: Basic of user:key and of key:.
            (
                format!(
                    "curl -H 'Authorization: Basic {}'\n",
                    b64(format!("api:{k}").as_bytes(), false)
                ),
                1,
            ),
            (
                format!(
                    "\n\nauth = \"{}\"\n",
                    b64(format!("{k}:").as_bytes(), false)
                ),
                3,
            ),
            // A JWT-like payload: URL-safe, unpadded, JSON inside.
            (
                format!(
                    "x\njwt: eyJhbGciOiJIUzI1NiJ9.{}.sig\n",
                    b64(
                        format!("{{\"sub\":\"x\",\"key\":\"{k}\"}}").as_bytes(),
                        true
                    )
                ),
                2,
            ),
        ];
        for (text, line) in cases {
            let m = only(text.as_bytes());
            assert_eq!(m.secret, k, "{text}");
            assert_eq!(m.encoding, Some(Encoding::Base64), "{text}");
            assert_eq!(m.span.line, line, "{text}");
            // The span covers the encoded key, within its line.
            let on_line = text.lines().nth(line as usize - 1).unwrap();
            let encoded = &on_line[m.span.column as usize - 1..m.span.end_column as usize - 1];
            assert!(encoded.len() >= k.len() * 4 / 3, "{encoded}");
        }
        assert_eq!(
            fingerprint(rule, &only(b64(k.as_bytes(), false).as_bytes()).secret),
            fingerprint(rule, &k)
        );
    }
}

#[test]
fn a_docker_config_holds_its_key_two_base64_layers_deep() {
    let mut rng = Rng::fresh();
    let k = key("github-pat", &mut rng);
    let auth = b64(format!("user:{k}").as_bytes(), false);
    let config = format!("{{\"auths\":{{\"ghcr.io\":{{\"auth\":\"{auth}\"}}}}}}");
    let text = format!(".dockerconfigjson: {}\n", b64(config.as_bytes(), false));
    // The config and its `auth` are credentials too; the token is found in
    // them, as a layer of its own.
    let found = scan(text.as_bytes());
    assert!(
        found
            .iter()
            .any(|m| m.secret == k && m.encoding == Some(Encoding::Base64)),
        "{found:?}"
    );
}

#[test]
fn utf16_text_with_and_without_a_byte_order_mark() {
    let mut rng = Rng::fresh();
    let k = key("anthropic-api-key", &mut rng);
    let text = format!("first line\r\nkey = {k}\r\n");
    for (big_endian, bom) in [(false, false), (true, false), (false, true), (true, true)] {
        let m = only(&utf16(&text, big_endian, bom));
        assert_eq!(m.secret, k);
        assert_eq!(m.encoding, Some(Encoding::Utf16));
        assert_eq!(
            (m.span.line, m.span.column),
            (2, 7),
            "be {big_endian}, bom {bom}"
        );
        assert_eq!(m.span.end_column, 7 + k.len() as u64);
    }
}

#[test]
fn json_escapes_and_percent_encoding_inside_a_key() {
    let mut rng = Rng::fresh();
    // An AWS secret key with slashes, as PHP's json_encode writes it.
    let mut secret = key("aws-secret-access-key", &mut rng);
    secret = secret.rsplit(' ').next().unwrap().to_string();
    let slashed: String = secret
        .char_indices()
        .map(|(i, c)| if i % 9 == 4 { '/' } else { c })
        .collect();
    let json = format!(
        "{{\"aws_secret_access_key\": \"{}\"}}\n",
        slashed.replace('/', "\\/")
    );
    let m = only(json.as_bytes());
    assert_eq!(
        (m.secret.as_str(), m.encoding),
        (slashed.as_str(), Some(Encoding::Escaped))
    );
    let url = format!(
        "s3://x?aws_secret_access_key={}&y=1\n",
        slashed.replace('/', "%2F")
    );
    let m = only(url.as_bytes());
    assert_eq!(
        (m.secret.as_str(), m.encoding),
        (slashed.as_str(), Some(Encoding::Percent))
    );
}

#[test]
fn noise_that_decodes_to_noise_is_never_reported() {
    let mut rng = Rng::fresh();
    let mut text = String::new();
    for _ in 0..2000 {
        let bytes: Vec<u8> = (0..48).map(|_| rng.next_u64() as u8).collect();
        text.push_str(&format!(
            "blob: {}\nsha: {:016x}{:016x}\nid: {:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}\n",
            b64(&bytes, rng.next_u64().is_multiple_of(2)),
            rng.next_u64(),
            rng.next_u64(),
            rng.next_u64() as u32,
            rng.next_u64() as u16,
            rng.next_u64() % 4096,
            rng.next_u64() % 4096,
            rng.next_u64() % (1 << 48),
        ));
    }
    assert!(scan(text.as_bytes()).is_empty());
    let wide = utf16(&text[..20_000], false, false);
    assert!(scan(&wide).is_empty());
}

/// The ways a key can be disguised, for the property test.
#[derive(Debug, Clone, Copy)]
enum Disguise {
    Plain,
    Base64,
    Base64Url,
    Basic,
    Utf16Le,
    Utf16Be,
    AfterJsonNewline,
    AfterAnsiColour,
    ShellDefault,
}

fn disguise() -> impl Strategy<Value = Disguise> {
    prop_oneof![
        Just(Disguise::Plain),
        Just(Disguise::Base64),
        Just(Disguise::Base64Url),
        Just(Disguise::Basic),
        Just(Disguise::Utf16Le),
        Just(Disguise::Utf16Be),
        Just(Disguise::AfterJsonNewline),
        Just(Disguise::AfterAnsiColour),
        Just(Disguise::ShellDefault),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// A key disguised any of these ways at a random place in random
    /// printable text is found, decoded, at the right line.
    #[test]
    fn a_disguised_key_at_a_random_place_is_found_at_its_line(
        lines in proptest::collection::vec("[ -~]{0,60}", 1..30),
        at in any::<prop::sample::Index>(),
        how in disguise(),
        rule in prop_oneof![Just("replicate-api-token"), Just("anthropic-api-key")],
    ) {
        let k = key(rule, &mut Rng::fresh());
        let payload = match how {
            Disguise::Plain => k.clone(),
            Disguise::Base64 => b64(k.as_bytes(), false),
            Disguise::Base64Url => b64(k.as_bytes(), true),
            Disguise::Basic => format!("Basic {}", b64(format!("me:{k}").as_bytes(), false)),
            Disguise::AfterJsonNewline => format!("\"a\\n{k}\""),
            Disguise::AfterAnsiColour => format!("\u{1b}[1;32m{k}\u{1b}[0m"),
            Disguise::ShellDefault => format!("${{TOKEN:-{k}}}"),
            Disguise::Utf16Le | Disguise::Utf16Be => k.clone(),
        };
        let line = at.index(lines.len() + 1);
        let mut all = lines.clone();
        all.insert(line, format!("value {payload} end"));
        let text = all.join("\n");
        let bytes = match how {
            Disguise::Utf16Le => utf16(&text, false, false),
            Disguise::Utf16Be => utf16(&text, true, false),
            _ => text.into_bytes(),
        };
        let found = scan(&bytes);
        let hit = found.iter().find(|m| m.secret == k);
        prop_assert!(hit.is_some(), "{:?}: {:?}", how, found);
        prop_assert_eq!(hit.unwrap().span.line as usize, line + 1);
    }
}
