//! SARIF output: the official 2.1.0 schema, a snapshot, and no secrets.

use crate::common::*;
use serde_json::Value;

fn schema_validator() -> jsonschema::Validator {
    // The official schema's `language` patterns have an unescaped `]`,
    // which ECMAScript reads as a literal and Rust's regex refuses; escape it
    // here so that the vendored file stays byte-for-byte official.
    let text = include_str!("../data/sarif-schema-2.1.0.json").replace("{2}]?$", "{2}\\\\]?$");
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(false)
        .build(&schema)
        .unwrap()
}

pub fn assert_valid(sarif: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

fn sarif_of(tree: &Tree, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["scan", ".", "--format", "sarif"];
    args.extend_from_slice(extra);
    let out = run(tree.keyward().args(&args));
    let value = out.json();
    (out, value)
}

#[test]
fn the_schema_check_can_fail() {
    let broken = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "critical", "message": {"text": "m"}}]}]
    });
    assert!(!schema_validator().is_valid(&broken));
}

#[test]
fn empty_run_is_valid_and_lists_every_rule() {
    let tree = Tree::new();
    tree.write("a.txt", "nothing here\n");
    let (out, sarif) = sarif_of(&tree, &[]);
    assert_eq!(out.code, 0);
    assert_valid(&sarif);
    let run = &sarif["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let listed = run_rules_count();
    assert_eq!(rules.len(), listed);
    for rule in rules {
        for field in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "properties",
        ] {
            assert!(rule.get(field).is_some(), "rule lacks {field}: {rule}");
        }
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&"security".into()) && tags.contains(&"secret".into()));
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&severity));
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("Rotate")
        );
    }
}

fn run_rules_count() -> usize {
    run(keyward().args(["rules", "--format", "json"]))
        .json()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn findings_and_suppressions_are_valid_and_hold_no_secret() {
    let tree = Tree::new();
    let keys = [
        anthropic_key(),
        admin_key(),
        replicate_token(),
        replicate_token(),
    ];
    tree.write(
        "src/app.py",
        format!("A = '{}'\nB = '{}'\n", keys[0], keys[1]),
    );
    tree.write("dir with space/ü.env", format!("T={}\n", keys[2]));
    tree.write(
        "tests/fixture.py",
        format!("T = '{}'  # keyward:allow\n", keys[3]),
    );
    let (out, sarif) = sarif_of(&tree, &[]);
    assert_eq!(out.code, 1);
    assert_valid(&sarif);
    let text = serde_json::to_string(&sarif).unwrap();
    for key in &keys {
        assert!(!text.contains(key.as_str()), "a key leaked into SARIF");
        assert!(!out.stderr.contains(key.as_str()));
    }
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            r["partialFingerprints"]["keyward/secret/v1"]
                .as_str()
                .unwrap()
                .len()
                == 32
        );
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        vec![
            "dir%20with%20space/%C3%BC.env",
            "src/app.py",
            "src/app.py",
            "tests/fixture.py"
        ]
    );
    let suppressed = &results[3];
    assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
    assert!(results[..3].iter().all(|r| r.get("suppressions").is_none()));
}

#[test]
fn fingerprints_survive_moved_lines() {
    let tree = Tree::new();
    let key = anthropic_key();
    tree.write("a.txt", format!("{key}\n"));
    let (_, before) = sarif_of(&tree, &[]);
    tree.write("a.txt", format!("\n\n\nnew = 1; old = \"{key}\"\n"));
    let (_, after) = sarif_of(&tree, &[]);
    let fp = |v: &Value| v["runs"][0]["results"][0]["partialFingerprints"].clone();
    assert_eq!(fp(&before), fp(&after));
    assert_ne!(
        before["runs"][0]["results"][0]["locations"],
        after["runs"][0]["results"][0]["locations"]
    );
}

#[test]
fn sarif_to_a_file_keeps_the_summary_on_stderr() {
    let tree = Tree::new();
    tree.write("a.txt", replicate_token());
    let out = run(tree
        .keyward()
        .args(["scan", ".", "--format", "sarif", "--output", "out.sarif"]));
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_has(&out.stderr, "1 finding");
    let text = std::fs::read_to_string(tree.join("out.sarif")).unwrap();
    assert_valid(&serde_json::from_str(&text).unwrap());
}

#[test]
fn snapshot_of_a_small_tree() {
    let tree = Tree::new();
    let mut rng = Rng::seeded(42);
    tree.write(
        ".env",
        format!(
            "ANTHROPIC_API_KEY={}\n",
            key_from("anthropic-api-key", &mut rng)
        ),
    );
    tree.write(
        "deploy/token.txt",
        format!("x\r\n  {}\r\n", key_from("replicate-api-token", &mut rng)),
    );
    tree.write(
        "tests/fixture.py",
        format!(
            "K = '{}'  # pragma: allowlist secret\n",
            key_from("anthropic-admin-key", &mut rng)
        ),
    );
    let (_, sarif) = sarif_of(&tree, &[]);
    insta::assert_snapshot!(serde_json::to_string_pretty(&sarif["runs"][0]["results"]).unwrap());
    assert_valid(&sarif);
}

#[test]
fn past_githubs_result_limit_sarif_is_truncated_with_a_warning() {
    let tree = Tree::new();
    let mut rng = Rng::fresh();
    let keys: Vec<String> = (0..25_010)
        .map(|_| key_from("replicate-api-token", &mut rng))
        .collect();
    tree.write("many.txt", keys.join("\n"));
    let (out, sarif) = sarif_of(&tree, &["-q"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        25_000
    );
    assert_has(&out.stderr, "over GitHub's limit of 25000");
}

#[test]
fn rules_as_sarif_is_a_valid_run_without_results() {
    let out = run(keyward().args(["rules", "--format", "sarif"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sarif = out.json();
    assert_valid(&sarif);
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        run_rules_count()
    );
}
