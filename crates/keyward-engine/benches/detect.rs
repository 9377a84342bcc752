//! Micro-benchmarks of the detector: `cargo bench`. Ratios between these
//! figures (clean text vs text with keys vs keyword-dense text) matter more
//! than the absolute times on a noisy machine.

use divan::{Bencher, black_box};
use keyward_engine::detect::Detector;
use keyward_engine::rules::{Rng, builtin_defs, compile_rules};

fn main() {
    divan::main();
}

/// Every built-in rule.
fn detector() -> Detector {
    let defs = builtin_defs().unwrap();
    let verifiers: Vec<&str> = defs.iter().filter_map(|d| d.verifier.as_deref()).collect();
    Detector::new(compile_rules(Vec::new(), &[], &verifiers).unwrap()).unwrap()
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
    let d = detector();
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
