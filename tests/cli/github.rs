//! `keyward github`, run the way the action's scan step runs it on a runner:
//! the event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and a depth-1
//! checkout of a repository.

use std::path::Path;

use crate::common::*;
use serde_json::json;

/// An origin with a pull request: `base` holds an old key, the branch adds
/// a key, removes it, and adds a clean file.
struct Pr {
    origin: Tree,
    base: String,
    added: String,
    head: String,
}

fn pull_request_origin() -> Pr {
    let origin = Tree::git();
    origin.run_git(&["config", "uploadpack.allowAnySHA1InWant", "true"]);
    origin.write("old.txt", format!("{}\n", replicate_token()));
    origin.commit("old key on main");
    origin.write("README.md", "hello\n");
    let base = origin.commit("main moves on");
    origin.run_git(&["checkout", "-q", "-b", "feature"]);
    origin.write("config.py", format!("x = 1\nKEY = '{}'\n", anthropic_key()));
    let added = origin.commit("add key");
    origin.write("config.py", "x = 1\nKEY = os.environ['KEY']\n");
    origin.commit("remove key");
    origin.write("clean.py", "print(1)\n");
    let head = origin.commit("clean");
    Pr {
        origin,
        base,
        added,
        head,
    }
}

fn clone(origin: &Tree, branch: &str, depth: Option<u32>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("git");
    cmd.args(["clone", "-q", "--branch", branch]);
    if let Some(depth) = depth {
        cmd.arg(format!("--depth={depth}"));
    }
    let status = cmd
        .arg(format!("file://{}", origin.path().display()))
        .arg(dir.path().join("ws"))
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

struct RunnerFiles {
    output: String,
    summary: String,
}

fn run_action(
    workspace: &Path,
    event_name: &str,
    event: serde_json::Value,
) -> (Output, RunnerFiles) {
    run_action_with(workspace, event_name, event, &[])
}

/// `keyward github` as the action runs it, with `extra` arguments.
fn run_action_with(
    workspace: &Path,
    event_name: &str,
    event: serde_json::Value,
    extra: &[&str],
) -> (Output, RunnerFiles) {
    let runner = tempfile::tempdir().unwrap();
    let event_path = runner.path().join("event.json");
    std::fs::write(&event_path, serde_json::to_string_pretty(&event).unwrap()).unwrap();
    let output_path = runner.path().join("output");
    let summary_path = runner.path().join("summary");
    let out = run(keyward()
        .current_dir(workspace)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", event_name)
        .env("GITHUB_EVENT_PATH", &event_path)
        .env("GITHUB_OUTPUT", &output_path)
        .env("GITHUB_STEP_SUMMARY", &summary_path)
        .env("GITHUB_WORKSPACE", workspace)
        .args(["github", "--sarif-file", "keyward.sarif"])
        .args(extra)
        .args(["--", "."]));
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    (
        out,
        RunnerFiles {
            output: read(&output_path),
            summary: read(&summary_path),
        },
    )
}

fn pull_request_event(pr: &Pr) -> serde_json::Value {
    json!({
        "action": "synchronize",
        "number": 42,
        "pull_request": {
            "number": 42,
            "commits": 3,
            "base": {"ref": "main", "sha": pr.base, "repo": {"full_name": "acme/app"}},
            "head": {"ref": "feature", "sha": pr.head, "repo": {"full_name": "acme/app"}},
        },
        "repository": {"full_name": "acme/app", "default_branch": "main"},
    })
}

fn assert_pr_results(out: &Output, files: &RunnerFiles, pr: &Pr, workspace: &Path) {
    assert_eq!(out.code, 1, "{}", out.all());
    let annotations: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(annotations.len(), 1, "{}", out.stdout);
    assert!(
        annotations[0].starts_with("::error file=config.py,line=2,col=8,endColumn=116,title=keyward%3A anthropic-api-key::anthropic sk-ant-api03-"),
        "{}",
        annotations[0]
    );
    assert!(annotations[0].contains(&format!("in commit {}", &pr.added[..12])));
    assert_eq!(
        files.output,
        "findings=1\nlive=0\nsarif-file=keyward.sarif\n"
    );
    assert!(
        files
            .summary
            .contains("| `config.py` | 2 | `anthropic-api-key` |"),
        "{}",
        files.summary
    );
    assert_has(&files.summary, &pr.added[..12]);
    assert!(files.summary.contains(&format!("{}..{}", pr.base, pr.head)));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.join("keyward.sarif")).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["properties"]["commit"], pr.added.as_str());
}

#[test]
fn pull_request_in_a_depth_1_clone_fetches_and_scans_the_commits() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "feature", Some(1));
    let ws = dir.path().join("ws");
    let (out, files) = run_action(&ws, "pull_request", pull_request_event(&pr));
    assert!(
        out.stderr.contains("fetched"),
        "the action fetched history: {}",
        out.stderr
    );
    assert_pr_results(&out, &files, &pr, &ws);
}

#[test]
fn pull_request_in_a_full_clone() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "feature", None);
    let ws = dir.path().join("ws");
    let (out, files) = run_action(&ws, "pull_request", pull_request_event(&pr));
    assert!(!out.stderr.contains("fetched"), "{}", out.stderr);
    assert_pr_results(&out, &files, &pr, &ws);
}

#[test]
fn push_of_a_new_branch_scans_its_commits_only() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "feature", Some(1));
    let ws = dir.path().join("ws");
    let event = json!({
        "ref": "refs/heads/feature",
        "before": "0000000000000000000000000000000000000000",
        "after": pr.head,
        "created": true,
        "commits": [{"id": pr.added}, {"id": "x"}, {"id": pr.head}],
        "repository": {"full_name": "acme/app", "default_branch": "main"},
    });
    let (out, files) = run_action(&ws, "push", event);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(files.output.starts_with("findings=1\n"), "{}", files.output);
    assert!(
        !out.stdout.contains("old.txt"),
        "a key from before the branch is not reported"
    );
}

#[test]
fn push_to_an_existing_branch_scans_before_to_after() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "feature", Some(1));
    let ws = dir.path().join("ws");
    let event = json!({"before": pr.added, "after": pr.head, "commits": [{}, {}], "repository": {"default_branch": "main"}});
    let (out, files) = run_action(&ws, "push", event);
    assert_eq!(
        out.code,
        0,
        "the key was added before `before`: {}",
        out.all()
    );
    assert!(files.output.starts_with("findings=0\n"));
    assert_has(&files.summary, "**0 findings**");
}

#[test]
fn schedule_scans_the_tree_at_head() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "main", Some(1));
    let ws = dir.path().join("ws");
    let (out, files) = run_action(&ws, "schedule", json!({"schedule": "17 4 * * 1"}));
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout.starts_with("::error file=old.txt,line=1,col=1"),
        "{}",
        out.stdout
    );
    assert_has(&files.summary, "the tracked files in `.`");
}

/// A pull request whose history cannot be had fails the check (exit 2) with
/// an annotation that says what to change; only an explicit fallback scans
/// the tree instead.
#[test]
fn unfetchable_history_fails_closed_unless_a_tree_fallback_is_asked_for() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "feature", Some(1));
    let ws = dir.path().join("ws");
    // The origin is gone, as for a private repository whose checkout kept
    // no credentials.
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(&ws)
        .args(["remote", "set-url", "origin", "/nonexistent/origin.git"])
        .status()
        .unwrap();
    assert!(status.success());
    let (out, files) = run_action(&ws, "pull_request", pull_request_event(&pr));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stdout
            .starts_with("::error title=keyward could not check this change::"),
        "{}",
        out.stdout
    );
    assert_has(&out.stdout, "fetch-depth: 0");
    assert_eq!(files.output, "", "no outputs that read as a pass");

    let (out, files) = run_action_with(
        &ws,
        "pull_request",
        pull_request_event(&pr),
        &["--history-fallback", "tree"],
    );
    assert_has(&out.stderr, "scanning the tree instead");
    assert!(files.summary.contains("scanning the tree instead"));
    // The tree at head still holds the old key: the fallback covers it.
    assert!(files.output.starts_with("findings=1\n"), "{}", files.output);
    assert_has(&out.stdout, "file=old.txt");
}

#[test]
fn a_malformed_pull_request_payload_fails_closed() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "feature", None);
    let ws = dir.path().join("ws");
    for event in [
        json!({"pull_request": {"number": 42}}),
        json!({"pull_request": {"base": {"sha": pr.base}}}),
    ] {
        let (out, _) = run_action(&ws, "pull_request", event);
        assert_eq!(out.code, 2, "{}", out.all());
        assert_has(&out.stderr, "no base and head commits");
    }
}

/// The change under review cannot switch off its own check: a config or a
/// baseline it adds or edits applies once merged, not to this check.
#[test]
fn the_change_under_review_cannot_configure_its_own_check() {
    let hostile_configs = [
        "disable = [\"anthropic-api-key\"]\n",
        "[allow]\npaths = [\"**\"]\n",
        "[allow]\nsecrets = ['.']\n",
    ];
    for config in hostile_configs {
        let pr = pull_request_origin();
        // The branch also adds a config that would hide its key.
        pr.origin.run_git(&["checkout", "-q", "feature"]);
        pr.origin
            .write("config.py", format!("KEY = '{}'\n", anthropic_key()));
        pr.origin.write("keyward.toml", config);
        let head = pr.origin.commit("add a key and a config that hides it");
        let mut event = pull_request_event(&pr);
        event["pull_request"]["head"]["sha"] = json!(head);
        let dir = clone(&pr.origin, "feature", Some(1));
        let ws = dir.path().join("ws");
        let (out, files) = run_action(&ws, "pull_request", event);
        assert_eq!(out.code, 1, "{config}: {}", out.all());
        assert!(
            files
                .summary
                .contains("this change adds the config `keyward.toml`"),
            "{}",
            files.summary
        );
        let sarif = std::fs::read_to_string(ws.join("keyward.sarif")).unwrap();
        assert!(sarif.contains("\"anthropic-api-key\""), "{config}");
    }
}

#[test]
fn a_baseline_added_by_the_change_does_not_apply_to_it() {
    let pr = pull_request_origin();
    pr.origin.run_git(&["checkout", "-q", "feature"]);
    pr.origin
        .write("config.py", format!("KEY = '{}'\n", anthropic_key()));
    pr.origin.commit("add a key");
    // Baseline the new key, as the author of the change could.
    let written = run(pr
        .origin
        .keyward()
        .args(["scan", ".", "--write-baseline", "base.json"]));
    assert_eq!(written.code, 0, "{}", written.all());
    let head = pr.origin.commit("baseline it");
    let mut event = pull_request_event(&pr);
    event["pull_request"]["head"]["sha"] = json!(head);
    let dir = clone(&pr.origin, "feature", Some(1));
    let ws = dir.path().join("ws");
    let (out, files) = run_action_with(&ws, "pull_request", event, &["--baseline", "base.json"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        files
            .summary
            .contains("this change adds the baseline `base.json`"),
        "{}",
        files.summary
    );
}

/// The base's config still applies: what it allows stays allowed, and is
/// left out of the SARIF that code scanning would turn into open alerts.
#[test]
fn the_bases_config_applies_and_suppressed_results_stay_out_of_sarif() {
    let pr = pull_request_origin();
    pr.origin.run_git(&["checkout", "-q", "main"]);
    pr.origin
        .write("keyward.toml", "[allow]\npaths = [\"fixtures/**\"]\n");
    pr.origin.commit("allow fixtures");
    pr.origin.run_git(&["checkout", "-q", "feature"]);
    pr.origin.run_git(&["merge", "-q", "--no-edit", "main"]);
    let base = pr.origin.run_git(&["rev-parse", "main"]);
    pr.origin
        .write("fixtures/k.py", format!("K = '{}'\n", replicate_token()));
    let head = pr.origin.commit("a fixture key");
    let mut event = pull_request_event(&pr);
    event["pull_request"]["base"]["sha"] = json!(base);
    event["pull_request"]["head"]["sha"] = json!(head);
    let dir = clone(&pr.origin, "feature", Some(1));
    let ws = dir.path().join("ws");
    let (out, _) = run_action(&ws, "pull_request", event.clone());
    // The branch's own added-then-removed key still blocks; the fixture is
    // allowed by the base's config.
    assert_eq!(out.code, 1, "{}", out.all());
    assert_has(&out.stderr, "1 suppressed (config path: 1)");
    // The depth-limited fetch left a shallow boundary inside the range,
    // which made the base's old key look new; the fetch deepens past it.
    assert!(!out.stdout.contains("old.txt"), "{}", out.stdout);
    let results = |ws: &Path| {
        let sarif: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(ws.join("keyward.sarif")).unwrap())
                .unwrap();
        sarif["runs"][0]["results"].as_array().unwrap().clone()
    };
    let uri = |r: &serde_json::Value| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let open: Vec<String> = results(&ws).iter().map(uri).collect();
    assert_eq!(open, vec!["config.py"], "suppressed results stay out");
    run_action_with(&ws, "pull_request", event, &["--sarif-suppressed"]);
    let all = results(&ws);
    assert_eq!(all.len(), 2);
    let kept = all.iter().find(|r| uri(r) == "fixtures/k.py").unwrap();
    assert_eq!(kept["suppressions"][0]["justification"], "config path");
}

/// With `path: app`, annotations and SARIF name `app/config.py`: code
/// scanning resolves paths from the repository root.
#[test]
fn paths_are_relative_to_the_repository_root_whatever_path_is_scanned() {
    let origin = Tree::git();
    origin.write(
        "app/config.py",
        format!("x = 1\nKEY = '{}'\n", replicate_token()),
    );
    origin.commit("app");
    let dir = clone(&origin, "main", Some(1));
    let ws = dir.path().join("ws");
    let out = run(keyward()
        .current_dir(&ws)
        .env("GITHUB_EVENT_NAME", "schedule")
        .args(["github", "--sarif-file", "k.sarif", "--", "app"]));
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout.starts_with("::error file=app/config.py,line=2"),
        "{}",
        out.stdout
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join("k.sarif")).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/config.py"
    );
}

/// A file name with a newline and `<!--` once broke the summary table and
/// hid the rows after it; inline allows are listed for review.
#[cfg(unix)]
#[test]
fn the_job_summary_survives_hostile_names_and_lists_inline_allows() {
    let origin = Tree::git();
    origin.write("x\n<!--\n|.env", format!("K={}\n", replicate_token()));
    origin.write("z.py", format!("K = '{}'\n", anthropic_key()));
    origin.write(
        "fixture.py",
        format!("K = '{}'  # keyward:allow\n", replicate_token()),
    );
    origin.commit("keys");
    let dir = clone(&origin, "main", None);
    let ws = dir.path().join("ws");
    let (out, files) = run_action(&ws, "schedule", json!({}));
    assert_eq!(out.code, 1, "{}", out.all());
    let rows: Vec<&str> = files
        .summary
        .lines()
        .filter(|l| l.starts_with("| `"))
        .collect();
    assert_eq!(rows.len(), 2, "{}", files.summary);
    assert!(
        rows[0].starts_with("| `x\\n<!--\\n\\|.env` | 1 |"),
        "{}",
        rows[0]
    );
    assert!(rows[1].starts_with("| `z.py` | 1 |"), "{}", rows[1]);
    assert!(
        files
            .summary
            .contains("**Allowed inline** (review these lines):\n\n- `fixture.py` line 1: `replicate-api-token`"),
        "{}",
        files.summary
    );
    // Annotations carry the name escaped, never a raw line break.
    assert_eq!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with("::error "))
            .count(),
        2
    );
}
