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
        .args(["github", "--sarif-file", "keyward.sarif", "--", "."]));
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
    assert!(files.summary.contains(&pr.added[..12]), "{}", files.summary);
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
    assert!(
        files.summary.contains("**0 findings**"),
        "{}",
        files.summary
    );
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
    assert!(files.summary.contains("the tree at ."), "{}", files.summary);
}

#[test]
fn an_unreachable_base_falls_back_to_the_tree_and_says_so() {
    let pr = pull_request_origin();
    let dir = clone(&pr.origin, "feature", Some(1));
    let ws = dir.path().join("ws");
    let mut event = pull_request_event(&pr);
    event["pull_request"]["base"]["sha"] = json!("1111111111111111111111111111111111111111");
    let (out, files) = run_action(&ws, "pull_request", event);
    assert!(
        out.stderr.contains("scanning the tree instead"),
        "{}",
        out.stderr
    );
    assert!(files.summary.contains("scanning the tree instead"));
    // The tree at head still holds the old key: the fallback covers it.
    assert!(files.output.starts_with("findings=1\n"), "{}", files.output);
    assert!(out.stdout.contains("file=old.txt"), "{}", out.stdout);
}
