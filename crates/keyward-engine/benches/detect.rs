//! Micro-benchmarks of the detector: `cargo bench`. Ratios between these
//! figures (clean text vs text with keys vs keyword-dense text) matter more
//! than the absolute times on a noisy machine.

use divan::{Bencher, black_box};
use keyward_engine::base64;
use keyward_engine::detect::Detector;
use keyward_engine::rules::{Rng, builtin_defs, builtin_rules, compile_rules};

fn main() {
    divan::main();
}

/// Every built-in rule.
fn rules() -> Vec<keyward_engine::rules::Rule> {
    builtin_rules().unwrap()
}

fn detector() -> Detector {
    Detector::new(rules()).unwrap()
}

/// 8 MiB of source-like text.
fn clean_text() -> Vec<u8> {
    let line = b"    if (ret < 0) { dev_err(dev, \"failed to map registers: %d\\n\", ret); return ret; }\n";
    line.iter().copied().cycle().take(8 << 20).collect()
}

/// A key-shaped token from the rule's own template (never a literal).
fn token(seed: u64) -> String {
    builtin_defs()
        .unwrap()
        .into_iter()
        .find(|d| d.id == "replicate-api-token")
        .and_then(|d| d.example_secret(&mut Rng::seeded(seed)))
        .unwrap()
}

/// Scan `text` once per iteration, counting bytes.
fn scan_text(bencher: Bencher, text: Vec<u8>) {
    scan_with(bencher, detector(), text);
}

fn scan_with(bencher: Bencher, d: Detector, text: Vec<u8>) {
    let mut buf = Vec::new();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench_local(|| {
            let mut out = Vec::new();
            d.scan(&mut black_box(&text[..]), &mut buf, &mut out)
                .unwrap();
            out.len()
        });
}

#[divan::bench]
fn clean_8mib(bencher: Bencher) {
    scan_text(bencher, clean_text());
}

#[divan::bench]
fn one_key_per_4kib(bencher: Bencher) {
    let mut text = clean_text();
    for (i, at) in (0..text.len() - 64).step_by(4096).enumerate() {
        let t = token(i as u64 + 1);
        text[at] = b' ';
        text[at + 1..at + 1 + t.len()].copy_from_slice(t.as_bytes());
        text[at + 1 + t.len()] = b' ';
    }
    scan_text(bencher, text);
}

#[divan::bench]
fn keyword_dense_without_keys(bencher: Bencher) {
    let text = b"r8_ sk-ant- AKIA "
        .iter()
        .copied()
        .cycle()
        .take(8 << 20)
        .collect();
    scan_text(bencher, text);
}

/// The decoders' cost on clean text: the same text and rules, with the
/// encoded forms of every keyword in the prefilter and without.
#[divan::bench]
fn clean_8mib_without_decoders(bencher: Bencher) {
    scan_with(
        bencher,
        Detector::without_decoders(rules()).unwrap(),
        clean_text(),
    );
}

/// Text with NUL bytes every 4 KiB: the UTF-16 forms are searched too.
#[divan::bench]
fn binary_like_8mib(bencher: Bencher) {
    let mut text = clean_text();
    for at in (0..text.len()).step_by(4096) {
        text[at] = 0;
    }
    scan_text(bencher, text);
}

/// A key base64-encoded every 4 KiB: each is decoded around its hit.
#[divan::bench]
fn one_base64_key_per_4kib(bencher: Bencher) {
    let mut text = clean_text();
    for (i, at) in (0..text.len() - 64).step_by(4096).enumerate() {
        let t = token(i as u64 + 1);
        let encoded = base64::encode(t.as_bytes(), base64::Alphabet::Standard);
        text[at] = b' ';
        text[at + 1..at + 1 + encoded.len()].copy_from_slice(&encoded);
        text[at + 1 + encoded.len()] = b' ';
    }
    scan_text(bencher, text);
}

/// A config with 5,000 custom keywords: the cost grows with the text, not
/// with hits times keywords.
#[divan::bench]
fn five_thousand_keywords_1mib(bencher: Bencher) {
    let mut user = Vec::new();
    for i in 0..5000 {
        let def: keyward_engine::rules::RuleDef = toml_rule(i);
        user.push((def, None));
    }
    let defs = builtin_defs().unwrap();
    let verifiers: Vec<&str> = defs.iter().filter_map(|d| d.verifier.as_deref()).collect();
    let d = Detector::new(compile_rules(user, &[], &verifiers).unwrap()).unwrap();
    let text: Vec<u8> = clean_text().into_iter().take(1 << 20).collect();
    scan_with(bencher, d, text);
}

fn toml_rule(i: usize) -> keyward_engine::rules::RuleDef {
    keyward_engine::rules::RuleDef {
        id: format!("custom-{i}"),
        name: None,
        provider: "custom".into(),
        description: "a custom token".into(),
        regex: format!("tok{i}_[a-z0-9]{{32}}"),
        keywords: vec![format!("tok{i}_")],
        lookbehind: None,
        base64: false,
        severity: keyward_engine::rules::Severity::High,
        precision: keyward_engine::rules::Precision::High,
        verifier: None,
        rotate: None,
        help: None,
        example: None,
        negatives: Vec::new(),
        references: Vec::new(),
        validate: Default::default(),
    }
}
