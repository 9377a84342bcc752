//! The detector on its own: every rule's examples and negatives, and
//! properties over random bytes.

use keyward_engine::detect::{Detector, Match};
use keyward_engine::rules::{Rng, builtin_defs, builtin_rules, compile_rules};
use proptest::prelude::*;

/// Every built-in rule; the verifier ids are the ones the rules name.
fn detector() -> &'static Detector {
    static DETECTOR: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| Detector::new(builtin_rules().unwrap()).unwrap())
}

fn scan(detector: &Detector, bytes: &[u8]) -> Vec<Match> {
    let mut out = Vec::new();
    detector
        .scan(&mut &bytes[..], &mut Vec::new(), &mut out)
        .unwrap();
    out
}

#[test]
fn every_rule_finds_its_generated_examples_and_no_negative() {
    let detector = detector();
    let mut rng = Rng::fresh();
    for def in builtin_defs().unwrap() {
        for _ in 0..50 {
            let secret = def.example_secret(&mut rng).unwrap();
            let text = format!("value = \"{secret}\"\n");
            let found = scan(detector, text.as_bytes());
            let ids: Vec<&str> = found
                .iter()
                .map(|l| detector.rules()[l.rule].id())
                .collect();
            assert_eq!(ids, vec![def.id.as_str()], "{}: {text:?}", def.id);
            // The whole example, or the `secret` group of it.
            let expected = match detector.rules()[found[0].rule].secret_group {
                None => Some(secret.clone()),
                Some(_) => regex::Regex::new(&def.regex)
                    .unwrap()
                    .captures(&secret)
                    .and_then(|c| c.name("secret"))
                    .map(|m| m.as_str().to_string()),
            };
            assert_eq!(Some(found[0].secret.clone()), expected, "{}", def.id);
        }
        for negative in &def.negatives {
            let found = scan(detector, negative.as_bytes());
            assert!(
                found.is_empty(),
                "{}: negative {negative:?} matched",
                def.id
            );
        }
    }
}

/// A checksummed format's example with one body character changed fails
/// its checksum, and must not be reported.
#[test]
fn every_checksummed_rule_refuses_a_broken_checksum() {
    let detector = detector();
    let mut rng = Rng::fresh();
    let checksummed: Vec<_> = builtin_defs()
        .unwrap()
        .into_iter()
        .filter(|d| d.validate.checksum.is_some())
        .collect();
    assert!(!checksummed.is_empty());
    for def in checksummed {
        for _ in 0..50 {
            let secret = def.example_secret(&mut rng).unwrap();
            let keyword = def
                .keywords
                .iter()
                .filter(|k| secret.starts_with(k.as_str()))
                .max_by_key(|k| k.len())
                .unwrap();
            // Swap the first body character for another of the same class.
            let mut broken = secret.clone().into_bytes();
            let at = keyword.len();
            broken[at] = match broken[at] {
                b'0'..=b'8' | b'a'..=b'y' | b'A'..=b'Y' => broken[at] + 1,
                b'9' => b'0',
                b'z' => b'a',
                b'Z' => b'A',
                other => other,
            };
            let text = format!("value = \"{}\"\n", String::from_utf8(broken).unwrap());
            assert!(
                scan(detector, text.as_bytes()).is_empty(),
                "{}: a broken checksum was reported: {text:?}",
                def.id
            );
            let good = format!("value = \"{secret}\"\n");
            assert_eq!(
                scan(detector, good.as_bytes()).len(),
                1,
                "{}: {good:?}",
                def.id
            );
        }
    }
}

#[test]
fn a_keyword_without_a_key_costs_nothing_and_finds_nothing() {
    let detector = detector();
    let text = "r8_".repeat(100_000);
    assert!(scan(detector, text.as_bytes()).is_empty());
}

fn replicate(rng: &mut Rng) -> String {
    builtin_defs()
        .unwrap()
        .into_iter()
        .find(|d| d.id == "replicate-api-token")
        .and_then(|d| d.example_secret(rng))
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let detector = detector();
        let _ = scan(detector, &bytes);
    }

    #[test]
    fn a_key_planted_in_random_bytes_is_found_at_its_line_and_column(
        mut bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        at in any::<prop::sample::Index>(),
    ) {
        let detector = detector();
        let key = replicate(&mut Rng::fresh());
        let pos = at.index(bytes.len() + 1);
        // Delimit the key so that it is a token of its own.
        let planted = format!("\n{key}\n");
        bytes.splice(pos..pos, planted.bytes());
        let found = scan(detector, &bytes);
        let start = pos + 1;
        let line = bytes[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let hit = found.iter().find(|l| l.secret == key);
        prop_assert!(hit.is_some(), "key not found");
        let hit = hit.unwrap();
        prop_assert_eq!(hit.span.line, line);
        prop_assert_eq!(hit.span.column, 1);
        prop_assert_eq!(hit.span.end_column, 41);
    }
}

/// A format whose literal sits inside it (`<digits>:AA<body>`) is found
/// with a lookbehind, wherever the stream's chunks fall.
#[test]
fn a_lookbehind_rule_finds_keys_that_start_before_their_keyword() {
    let def: keyward_engine::rules::RuleDef = toml::from_str(
        r#"
id = "inner-literal"
provider = "test"
description = "digits, then :AA, then a body"
regex = '[0-9]{8,10}:AA[A-Za-z0-9_-]{33}'
keywords = [":AA"]
lookbehind = 11
"#,
    )
    .unwrap();
    let defs = builtin_defs().unwrap();
    let verifiers: Vec<&str> = defs.iter().filter_map(|d| d.verifier.as_deref()).collect();
    let detector = Detector::new(
        compile_rules(
            vec![(def, None)],
            &["telegram-bot-token".to_string()],
            &verifiers,
        )
        .unwrap(),
    )
    .unwrap();
    let mut rng = Rng::fresh();
    let body: String = (0..33)
        .map(|_| {
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                [(rng.next_u64() % 62) as usize] as char
        })
        .collect();
    let id: String = (0..9)
        .map(|_| char::from(b'0' + (rng.next_u64() % 10) as u8))
        .collect();
    let token = format!("{id}:AA{body}");
    let text = format!("x\nbot = \"{token}\"\n");
    let found = scan(&detector, text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].secret, token);
    assert_eq!((found[0].span.line, found[0].span.column), (2, 8));
    // Eleven digits: the id is glued inside a longer number.
    assert!(scan(&detector, format!("99{token}").as_bytes()).is_empty());
    // Its keyword just past an 8 MiB chunk edge, its digits before it.
    let chunk = keyward_engine::detect::CHUNK_SIZE - keyward_engine::rules::MAX_MATCH_LEN;
    let mut big = vec![b' '; chunk - 5];
    big.extend_from_slice(token.as_bytes());
    big.extend_from_slice(&vec![b' '; 9 << 20]);
    let found = scan(&detector, &big);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].span.column as usize, chunk - 4);
}

fn random(rng: &mut Rng, n: usize, class: &str) -> String {
    keyward_engine::rules::expand_example(&format!("{{{n}:{class}}}"), rng).unwrap()
}

fn ids(text: &str) -> Vec<&'static str> {
    let detector = detector();
    scan(detector, text.as_bytes())
        .iter()
        .map(|m| detector.rules()[m.rule].id())
        .collect()
}

/// Base64 lines of a fake key body: `lines` full lines and a short one.
fn pem_body(rng: &mut Rng, start: &str, lines: usize, newline: &str) -> String {
    let mut body = start.to_string();
    body.push_str(&random(
        rng,
        64usize.saturating_sub(start.len()),
        "A-Za-z0-9+/",
    ));
    for _ in 1..lines {
        body.push_str(newline);
        body.push_str(&random(rng, 64, "A-Za-z0-9+/"));
    }
    body.push_str(newline);
    body.push_str(&random(rng, 22, "A-Za-z0-9+/"));
    body.push_str("==");
    body
}

/// Every armour of a private key, with real line breaks or `\n` escapes;
/// OpenSSH's cipher name tells a plain key from an encrypted one.
#[test]
fn private_keys_are_found_in_every_armour() {
    let mut rng = Rng::fresh();
    let plain = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
    let encrypted = "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABA";
    for (label, start, newline, rule) in [
        ("OPENSSH ", plain, "\n", "private-key"),
        ("OPENSSH ", plain, "\\n", "private-key"),
        ("OPENSSH ", encrypted, "\n", "encrypted-private-key"),
        ("", "MC4CAQAwBQYDK2VwBCIEI", "\n", "private-key"),
        ("EC ", "MHcCAQEEI", "\r\n", "private-key"),
        (
            "ENCRYPTED ",
            "MIIFHzBJBgkqhkiG9w0BBQ0w",
            "\n",
            "encrypted-private-key",
        ),
    ] {
        let key = format!(
            "-----BEGIN {label}PRIVATE KEY-----{newline}{}{newline}-----END {label}PRIVATE KEY-----",
            pem_body(&mut rng, start, 4, newline)
        );
        assert_eq!(ids(&key), vec![rule], "{key}");
        if newline == "\n" {
            // One line inside a dotenv value or a JSON string.
            let escaped = key.replace('\n', "\\n");
            assert_eq!(
                ids(&format!("KEY=\"{escaped}\"\n")),
                vec![rule],
                "{escaped}"
            );
            assert_eq!(ids(&format!("{{\"k\": \"{escaped}\\n\"}}")), vec![rule]);
        }
    }
    // Mismatched armour and elided bodies are not keys.
    let body = pem_body(&mut rng, "MII", 4, "\n");
    let mixed = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----");
    assert!(ids(&mixed).is_empty());
    let elided = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}...\n-----END RSA PRIVATE KEY-----",
        &body[..40]
    );
    assert!(ids(&elided).is_empty());
}

/// A service-account file holds a private key; only the file is reported.
#[test]
fn a_service_account_key_is_one_finding() {
    let mut rng = Rng::fresh();
    let key = pem_body(&mut rng, "MIIEv", 6, "\\n");
    let file = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"p-1\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{key}\\n-----END PRIVATE KEY-----\\n\",\n  \"client_email\": \"a@p-1.iam.gserviceaccount.com\"\n}}\n",
        random(&mut rng, 40, "0-9a-f")
    );
    assert_eq!(ids(&file), vec!["gcp-service-account-key"], "{file}");
}

/// The assignments an AWS secret access key is found in, whatever the case
/// of the name and whether `=` touches the key.
#[test]
fn aws_secret_access_keys_are_found_in_their_usual_forms() {
    let mut rng = Rng::fresh();
    for form in [
        "AWS_SECRET_ACCESS_KEY={}",
        "export AWS_SECRET_ACCESS_KEY=\"{}\"",
        "aws_secret_access_key={}",
        "aws_secret_access_key = {}",
        "Aws_Secret_Access_Key: {}",
        "  secretAccessKey: '{}',",
        "\"SecretAccessKey\": \"{}\",",
        "<SecretAccessKey>{}</SecretAccessKey>",
        "S3_SECRET_ACCESS_KEY := \"{}\"",
    ] {
        let key = random(&mut rng, 40, "A-Za-z0-9/+");
        let text = form.replace("{}", &key);
        let found = scan(detector(), text.as_bytes());
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].secret, key, "{text}");
    }
    // A longer base64 run is not a 40-character key.
    let long = random(&mut rng, 44, "A-Za-z0-9/+");
    assert!(ids(&format!("aws_secret_access_key={long}")).is_empty());
}

/// The storage emulator's account, whose key Microsoft publishes, is not a
/// leak whatever its key (built at run time: no key-shaped literal here).
#[test]
fn the_storage_emulator_account_is_not_reported() {
    let mut rng = Rng::fresh();
    let key = random(&mut rng, 86, "A-Za-z0-9+/");
    let emulator = format!(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key}==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    );
    assert!(ids(&emulator).is_empty());
    let real = emulator.replace("devstoreaccount1", "acmeprod7");
    assert_eq!(ids(&real), vec!["azure-storage-connection-string"]);
}
