//! The detector on its own: every rule's examples and negatives, and
//! properties over random bytes.

use keyward_engine::detect::{Detector, Match};
use keyward_engine::rules::{Rng, builtin_defs, compile_rules};
use proptest::prelude::*;

/// Every built-in rule; the verifier ids are the ones the rules name.
fn detector() -> &'static Detector {
    static DETECTOR: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| {
        let defs = builtin_defs().unwrap();
        let verifiers: Vec<&str> = defs.iter().filter_map(|d| d.verifier.as_deref()).collect();
        Detector::new(compile_rules(Vec::new(), &[], &verifiers).unwrap()).unwrap()
    })
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
            let expected = if def.regex.contains("(?P<secret>") {
                secret.rsplit(' ').next().unwrap().to_string()
            } else {
                secret.clone()
            };
            assert_eq!(found[0].secret, expected);
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
