//! keyward.toml (custom rules, disable, allowlists) and the baseline.

use crate::common::*;

fn paths(out: &Output) -> Vec<String> {
    out.found().iter().map(Found::at).collect()
}

#[test]
fn custom_rule_is_found_and_listed() {
    let tree = Tree::new();
    tree.write(
        "keyward.toml",
        r#"
[[rules]]
id = "acme-token"
provider = "acme"
description = "ACME internal token"
regex = 'acme_[a-f0-9]{32}'
keywords = ["acme_"]
severity = "medium"
[rules.validate]
length = 37
min_entropy = 3.0
"#,
    );
    let mut rng = Rng::fresh();
    let token: String = (0..32)
        .map(|_| b"0123456789abcdef"[(rng.next_u64() % 16) as usize] as char)
        .collect();
    tree.write("svc.cfg", format!("token = acme_{token}\n"));
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json()[0]["rule"], "acme-token");
    assert_eq!(out.json()[0]["redacted"], format!("acme_{}…", &token[..4]));
    let rules = run(tree.keyward().args(["rules", "--format", "json"]));
    let custom = rules
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "acme-token")
        .cloned()
        .unwrap();
    assert_eq!(custom["builtin"], false);
    assert_eq!(custom["verifiable"], false);
}

#[test]
fn disable_and_allow_sections_suppress_with_reasons() {
    let tree = Tree::new();
    let allowed_key = anthropic_key();
    tree.write(
        ".keyward.toml",
        format!(
            "disable = [\"aws-access-key-id\"]\n[allow]\npaths = [\"tests/fixtures/**\"]\nsecrets = ['^{}']\n",
            &allowed_key[..30]
        ),
    );
    tree.write("tests/fixtures/a.py", replicate_token());
    tree.write("b.txt", &allowed_key);
    tree.write("c.txt", key("aws-access-key-id"));
    let kept = replicate_token();
    tree.write("d.txt", &kept);
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(paths(&out), vec!["d.txt:1"]);
    assert_has(
        &out.stderr,
        "2 suppressed (config path: 1, config secret: 1)",
    );
    // Fingerprints allow one exact secret.
    let fp = out.json()[0]["fingerprint"].as_str().unwrap().to_string();
    tree.write(
        ".keyward.toml",
        format!("[allow]\nfingerprints = [\"{fp}\"]\n"),
    );
    let out = run(tree.keyward().args(["scan", "d.txt", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // --no-config ignores the file; --config picks another.
    let out = run(tree
        .keyward()
        .args(["scan", "d.txt", "--no-config", "--format", "json"]));
    assert_eq!(out.code, 1);
    std::fs::rename(tree.join(".keyward.toml"), tree.join("other.toml")).unwrap();
    let out = run(tree
        .keyward()
        .args(["scan", "d.txt", "--config", "other.toml"]));
    assert_eq!(out.code, 0);
}

#[test]
fn suppressed_results_show_in_sarif_as_external() {
    let tree = Tree::new();
    tree.write("keyward.toml", "[allow]\npaths = [\"fixtures/\"]\n");
    tree.write("fixtures/k.txt", replicate_token());
    let out = run(tree.keyward().args(["scan", ".", "--format", "sarif"]));
    assert_eq!(out.code, 0);
    let s = &out.json()["runs"][0]["results"][0]["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert_eq!(s["justification"], "config path");
}

fn config_error(text: &str) -> String {
    let tree = Tree::new();
    tree.write("keyward.toml", text);
    tree.write("a.txt", "x");
    let out = run(tree.keyward().args(["scan", "."]));
    assert_eq!(out.code, 2, "{text}: {}", out.all());
    out.stderr
}

#[test]
fn malformed_configs_are_errors_with_position() {
    let err = config_error("disable = [\n");
    assert!(
        err.contains("keyward.toml:2:1") || err.contains("keyward.toml:1:"),
        "{err}"
    );
    let err = config_error("\n\nverify = true\n");
    assert!(
        err.contains("keyward.toml:3:1") && err.contains("unknown field `verify`"),
        "{err}"
    );
    let err = config_error("[allow]\nsecrets = ['(unclosed']\n");
    assert!(
        err.contains("keyward.toml:2:12") && err.contains("bad secret regex"),
        "{err}"
    );
    let rule = |id: &str, regex: &str| {
        format!(
            "\n[[rules]]\nid = \"{id}\"\nprovider = \"p\"\ndescription = \"d\"\nregex = '{regex}'\nkeywords = [\"k\"]\n"
        )
    };
    let err = config_error(&rule("anthropic-api-key", "k[0-9]+"));
    assert!(
        err.contains("keyward.toml:2:1") && err.contains("duplicate rule id"),
        "{err}"
    );
    let err = config_error(&format!(
        "{}{}",
        rule("mine", "k[0-9]+"),
        rule("mine", "k[a-z]+")
    ));
    assert!(
        err.contains("keyward.toml:9:1") && err.contains("duplicate rule id"),
        "{err}"
    );
    let err = config_error(&rule("mine", "k[0-9"));
    assert!(
        err.contains("keyward.toml:6:1") && err.contains("bad regex"),
        "the regex's own line: {err}"
    );
    let err = config_error(
        "[[rules]]\nid = \"x\"\nprovider = \"p\"\ndescription = \"d\"\nregex = 'x'\nkeywords = [\"x\"]\nsevrity = \"low\"\n",
    );
    assert!(
        err.contains("keyward.toml:7:1") && err.contains("unknown field `sevrity`"),
        "{err}"
    );
    let err = config_error("disable = [\"no-such-rule\"]\n");
    assert!(err.contains("unknown rule"), "{err}");
}

#[test]
fn missing_config_file_is_an_error() {
    let tree = Tree::new();
    let out = run(tree.keyward().args(["scan", ".", "--config", "nope.toml"]));
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "nope.toml: cannot read config");
}

#[test]
fn baseline_round_trip_moves_renames_new_keys_and_pruning() {
    let tree = Tree::new();
    let (a, b) = (anthropic_key(), replicate_token());
    tree.write("app/settings.py", format!("A = '{a}'\n"));
    tree.write("deploy.sh", format!("export T={b}\n"));
    let out = run(tree
        .keyward()
        .args(["scan", ".", "--write-baseline", ".keyward-baseline.json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(tree.join(".keyward-baseline.json")).unwrap();
    assert!(
        !text.contains(&a) && !text.contains(&b),
        "the baseline holds no secret"
    );
    assert!(text.contains("\"fingerprint\""));

    let scan = |tree: &Tree| {
        run(tree.keyward().args([
            "scan",
            ".",
            "--baseline",
            ".keyward-baseline.json",
            "--format",
            "json",
        ]))
    };
    let out = scan(&tree);
    assert_eq!((out.code, paths(&out)), (0, vec![]));
    assert_has(&out.stderr, "baseline: 2");

    // Lines move: still baselined.
    tree.write("app/settings.py", format!("# moved\n\nA = '{a}'\n"));
    assert_eq!(scan(&tree).code, 0);
    // A rename: still baselined.
    std::fs::rename(tree.join("deploy.sh"), tree.join("ops/deploy.sh")).unwrap_or_else(|_| {
        std::fs::create_dir_all(tree.join("ops")).unwrap();
        std::fs::rename(tree.join("deploy.sh"), tree.join("ops/deploy.sh")).unwrap();
    });
    assert_eq!(scan(&tree).code, 0);
    // The same key pasted into a new file, and a new key: both new.
    tree.write("copy.txt", &a);
    let fresh = replicate_token();
    tree.write("new.env", format!("T={fresh}\n"));
    let out = scan(&tree);
    assert_eq!(
        (out.code, paths(&out)),
        (1, vec!["copy.txt:1".to_string(), "new.env:1".to_string()])
    );

    // A stale entry is counted, then pruned.
    tree.remove("copy.txt");
    tree.remove("new.env");
    tree.write("app/settings.py", "A = os.environ['A']\n");
    let out = scan(&tree);
    assert_has(&out.stderr, "1 stale baseline entries");
    let out = run(tree.keyward().args([
        "scan",
        ".",
        "--baseline",
        ".keyward-baseline.json",
        "--prune-baseline",
    ]));
    assert_has(&out.stderr, "1 stale baseline entries pruned");
    let text = std::fs::read_to_string(tree.join(".keyward-baseline.json")).unwrap();
    assert!(!text.contains("app/settings.py"));
    assert!(text.contains("deploy.sh"));
}

#[test]
fn malformed_baseline_is_an_error_with_position() {
    let tree = Tree::new();
    tree.write("b.json", "{\"version\": 1,\n \"entries\": [oops]}");
    let out = run(tree.keyward().args(["scan", ".", "--baseline", "b.json"]));
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "b.json:2:14: malformed baseline");
}
