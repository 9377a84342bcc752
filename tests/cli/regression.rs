//! One test per bug found, named after it.

use crate::common::*;

fn found(out: &Output) -> Vec<String> {
    out.found().iter().map(Found::place).collect()
}

/// The prefilter reports one keyword per position; a keyword that starts
/// inside another's hit must still be tried.
#[test]
fn a_keyword_inside_another_keyword_is_still_tried() {
    let tree = Tree::new();
    tree.write(
        "keyward.toml",
        "[[rules]]\nid = \"inner\"\nprovider = \"test\"\ndescription = \"d\"\nregex = 'ant-api03-[A-Za-z0-9_-]{95}'\nkeywords = [\"ant-api03-\"]\n[rules.validate]\nboundary = \"\"\n",
    );
    tree.write("k.txt", anthropic_key());
    let out = run(tree.keyward().args(["scan", "k.txt", "--format", "json"]));
    assert_eq!(
        found(&out),
        vec!["k.txt:1:1 anthropic-api-key", "k.txt:1:4 inner"]
    );
}

/// `key%3Dr8_…` in a URL: the escape delimits the token.
#[test]
fn a_percent_escape_before_a_key_is_a_boundary() {
    let tree = Tree::new();
    tree.write(
        "u.py",
        format!("URL = 'https://x.test/cb?key%3D{}'\n", replicate_token()),
    );
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(found(&out), vec!["u.py:1:32 replicate-api-token"]);
}

/// A binary file that starts with FF FE is not necessarily UTF-16: its raw
/// bytes are scanned too.
#[test]
fn a_binary_file_starting_like_utf16_keeps_its_ascii_keys() {
    let tree = Tree::new();
    let mut bytes = vec![0xFF, 0xFE, 0x00, b'\n'];
    bytes.extend_from_slice(replicate_token().as_bytes());
    tree.write("data.bin", bytes);
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(found(&out), vec!["data.bin:2:1 replicate-api-token"]);
}

/// A path named outside the scanned root gets an absolute file:// URI in
/// SARIF, not an absolute path under %SRCROOT%.
#[test]
fn a_file_outside_the_root_has_an_absolute_sarif_uri() {
    let tree = Tree::new();
    tree.write("k.txt", replicate_token());
    let other = Tree::new();
    let out = run(other
        .keyward()
        .args(["scan", "--format", "sarif"])
        .arg(tree.join("k.txt")));
    let location = &out.json()["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(
        location["uri"].as_str().unwrap().starts_with("file:///"),
        "{location}"
    );
    assert!(location.get("uriBaseId").is_none());
}

/// `keyward github` rendered twice (SARIF and annotations) and each render
/// printed the scan's warnings: every warning appeared twice in the log.
#[test]
fn github_prints_each_warning_once() {
    let tree = Tree::git();
    tree.write("big.txt", "x\n".repeat(2000));
    tree.commit("a big file");
    let out = run(tree.keyward().env("GITHUB_EVENT_NAME", "schedule").args([
        "github",
        "--max-file-size",
        "1K",
        "--sarif-file",
        "k.sarif",
        "--",
        ".",
    ]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(
        out.stderr.matches("over the size limit").count(),
        1,
        "{}",
        out.stderr
    );
}
