//! Arbitrary configs and bytes never panic: a config is parsed, its rules
//! compiled and run over arbitrary bytes, and every step either works or
//! returns an error. Bounded by case count, so it runs in every `cargo test`.

use std::path::Path;

use keyward_engine::config::Config;
use keyward_engine::detect::Detector;
use keyward_engine::rules::{builtin_defs, compile_rules};
use proptest::prelude::*;

fn verifiers() -> Vec<String> {
    builtin_defs()
        .unwrap()
        .into_iter()
        .filter_map(|d| d.verifier)
        .collect()
}

/// A TOML string value, escaped.
fn quoted(text: &str) -> String {
    format!("{:?}", text)
}

fn rule() -> impl Strategy<Value = String> {
    (
        "[a-z0-9_-]{0,12}",
        prop_oneof![
            "[ -~]{0,24}",
            "(k|x|r8_)[a-z0-9]{0,3}\\{[0-9],?[0-9]?\\}",
            Just("r8_(?P<secret>[A-Za-z0-9]{3})".to_string()),
            Just("[0-9]{2,4}:AA[A-Za-z]{4}".to_string()),
        ],
        proptest::collection::vec(prop_oneof!["[ -~]{0,6}", Just("r8_".to_string()), Just(":AA".to_string())], 0..3),
        proptest::option::of(0usize..600),
        proptest::option::of(0usize..200),
        proptest::option::of("[ -~]{0,12}"),
        proptest::option::of("[ -~]{0,8}"),
        proptest::option::of(prop_oneof![Just("crc32-base62".to_string()), "[a-z-]{0,10}"]),
        proptest::option::of(-2.0f64..10.0),
    )
        .prop_map(
            |(id, regex, keywords, lookbehind, length, alphabet, boundary, checksum, entropy)| {
                let mut text = format!(
                    "[[rules]]\nid = {}\nprovider = \"p\"\ndescription = \"d\"\nregex = {}\nkeywords = [{}]\n",
                    quoted(&id),
                    quoted(&regex),
                    keywords.iter().map(|k| quoted(k)).collect::<Vec<_>>().join(", ")
                );
                if let Some(n) = lookbehind {
                    text.push_str(&format!("lookbehind = {n}\n"));
                }
                text.push_str("[rules.validate]\n");
                if let Some(n) = length {
                    text.push_str(&format!("length = {n}\n"));
                }
                if let Some(a) = alphabet {
                    text.push_str(&format!("alphabet = {}\n", quoted(&a)));
                }
                if let Some(b) = boundary {
                    text.push_str(&format!("boundary_left = {}\n", quoted(&b)));
                }
                if let Some(c) = checksum {
                    text.push_str(&format!("checksum = {}\n", quoted(&c)));
                }
                if let Some(e) = entropy {
                    text.push_str(&format!("min_entropy = {e}\n"));
                }
                text
            },
        )
}

fn config() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(
            prop_oneof!["[a-z-]{0,20}", Just("anthropic-api-key".to_string())],
            0..3,
        ),
        proptest::collection::vec("[ -~]{0,12}", 0..3),
        proptest::collection::vec("[ -~]{0,12}", 0..3),
        proptest::collection::vec(rule(), 0..3),
    )
        .prop_map(|(disable, paths, secrets, rules)| {
            let list = |items: &[String]| {
                items
                    .iter()
                    .map(|i| quoted(i))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "disable = [{}]\n{}\n[allow]\npaths = [{}]\nsecrets = [{}]\n",
                list(&disable),
                rules.join("\n"),
                list(&paths),
                list(&secrets)
            )
        })
}

fn run(text: &str, bytes: &[u8]) {
    let Ok(config) = Config::parse(text, Path::new("keyward.toml"), Path::new(".")) else {
        return;
    };
    let verifiers = verifiers();
    let verifiers: Vec<&str> = verifiers.iter().map(String::as_str).collect();
    let Ok(rules) = compile_rules(config.rules, &config.disable, &verifiers) else {
        return;
    };
    let Ok(detector) = Detector::new(rules) else {
        return;
    };
    let mut out = Vec::new();
    let _ = detector.scan(&mut &bytes[..], &mut Vec::new(), &mut out);
    let _ = detector.redact_text(&String::from_utf8_lossy(bytes));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_configs_never_panic(text in config(), bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        run(&text, &bytes);
    }

    #[test]
    fn arbitrary_config_text_never_panics(text in "[ -~\n]{0,400}") {
        run(&text, b"x = r8_ sk-ant-api03- AKIA ghp_");
    }
}
