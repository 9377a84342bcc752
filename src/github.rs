//! GitHub Actions: what to scan for an event, making sure a shallow checkout
//! holds it, and the job summary and step outputs. Nothing here prints; the
//! binary writes the files the runner reads.

use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

use crate::error::Error;
use crate::report::short_commit;
use crate::scan::{ScanOutcome, Target};
use crate::source::git::{HistorySpec, git};

const NULL_SHA: &str = "0000000000000000000000000000000000000000";

/// What an event asks to be scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The commits in `base..head`. `commits` is how many the event says
    /// there are, a hint for how deep to fetch.
    Range {
        base: String,
        head: String,
        commits: Option<u64>,
    },
    /// A push that created a branch: its commits not on the default branch.
    NewBranch {
        head: String,
        default_branch: Option<String>,
        commits: Option<u64>,
    },
    /// The tree as checked out (schedule, workflow_dispatch, anything else).
    Tree,
}

/// The plan for an event, from its name and its payload.
pub fn plan(event_name: &str, payload: &Value) -> Plan {
    let text = |pointer: &str| {
        payload
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match event_name {
        "pull_request" | "pull_request_target" => match (
            text("/pull_request/base/sha"),
            text("/pull_request/head/sha"),
        ) {
            (Some(base), Some(head)) => Plan::Range {
                base,
                head,
                commits: payload
                    .pointer("/pull_request/commits")
                    .and_then(Value::as_u64),
            },
            _ => Plan::Tree,
        },
        "push" => {
            let commits = payload
                .get("commits")
                .and_then(Value::as_array)
                .map(|c| c.len() as u64);
            match (text("/before"), text("/after")) {
                (_, Some(head)) if head == NULL_SHA => Plan::Tree, // a deleted branch
                (Some(before), Some(head)) if before != NULL_SHA => Plan::Range {
                    base: before,
                    head,
                    commits,
                },
                (_, Some(head)) => Plan::NewBranch {
                    head,
                    default_branch: text("/repository/default_branch"),
                    commits,
                },
                _ => Plan::Tree,
            }
        }
        _ => Plan::Tree,
    }
}

/// Turn a plan into a scan target, fetching what a shallow checkout lacks.
/// Returns the target and notes on what was done. When history cannot be
/// had, the tree at HEAD is scanned instead, and a note says so: never
/// silently nothing.
pub fn prepare(plan: &Plan, repo: &Path, tree: Target) -> Result<(Target, Vec<String>), Error> {
    let mut notes = Vec::new();
    let (base, head, commits) = match plan {
        Plan::Tree => return Ok((tree, notes)),
        Plan::Range {
            base,
            head,
            commits,
        } => (base.clone(), head.clone(), *commits),
        Plan::NewBranch {
            head,
            default_branch,
            commits,
        } => {
            let Some(branch) = default_branch else {
                notes.push(
                    "new branch with no default branch in the event: scanning the tree".into(),
                );
                return Ok((tree, notes));
            };
            let _ = git(
                repo,
                &[
                    "fetch",
                    "--no-tags",
                    "--quiet",
                    "--depth=1",
                    "origin",
                    &format!("refs/heads/{branch}"),
                ],
            );
            match rev(repo, "FETCH_HEAD") {
                Some(base) if base != *head => (base, head.clone(), *commits),
                _ => {
                    // The default branch itself was created: all its history.
                    unshallow(repo);
                    notes.push(format!(
                        "new default branch: scanning all history of {}",
                        short_commit(head)
                    ));
                    return Ok((Target::History(HistorySpec::Range(head.clone())), notes));
                }
            }
        }
    };
    if !ensure_connected(repo, &base, &head, commits, &mut notes) {
        notes.push(format!(
            "could not fetch the history between {} and {}: scanning the tree instead",
            short_commit(&base),
            short_commit(&head)
        ));
        return Ok((tree, notes));
    }
    Ok((
        Target::History(HistorySpec::Range(format!("{base}..{head}"))),
        notes,
    ))
}

fn rev(repo: &Path, name: &str) -> Option<String> {
    git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{name}^{{commit}}"),
        ],
    )
    .ok()
    .map(|out| String::from_utf8_lossy(&out).trim().to_string())
    .filter(|s| !s.is_empty())
}

/// Both commits are present and git can walk from one to their merge base.
fn connected(repo: &Path, base: &str, head: &str) -> bool {
    rev(repo, base).is_some()
        && rev(repo, head).is_some()
        && git(repo, &["merge-base", base, head]).is_ok()
}

fn is_shallow(repo: &Path) -> bool {
    git(repo, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|out| out.starts_with(b"true"))
}

fn unshallow(repo: &Path) {
    if is_shallow(repo) {
        let _ = git(
            repo,
            &["fetch", "--no-tags", "--quiet", "--unshallow", "origin"],
        );
    }
}

/// Fetch, deeper and deeper, until `base..head` can be walked.
fn ensure_connected(
    repo: &Path,
    base: &str,
    head: &str,
    commits: Option<u64>,
    notes: &mut Vec<String>,
) -> bool {
    if connected(repo, base, head) {
        return true;
    }
    let depth = commits.unwrap_or(20).max(1) + 1;
    let depth_arg = format!("--depth={depth}");
    for sha in [head, base] {
        let _ = git(
            repo,
            &["fetch", "--no-tags", "--quiet", &depth_arg, "origin", sha],
        );
    }
    for _ in 0..3 {
        if connected(repo, base, head) {
            notes.push(format!("fetched {depth} commits of history"));
            return true;
        }
        let _ = git(
            repo,
            &[
                "fetch",
                "--no-tags",
                "--quiet",
                "--deepen=100",
                "origin",
                head,
                base,
            ],
        );
    }
    unshallow(repo);
    let ok = connected(repo, base, head);
    if ok {
        notes.push("fetched the full history".into());
    }
    ok
}

/// The markdown table for `$GITHUB_STEP_SUMMARY`.
pub fn step_summary(outcome: &ScanOutcome, scanned: &str, notes: &[String]) -> String {
    let active: Vec<_> = outcome.active().collect();
    let mut md = String::from("## keyward\n\n");
    let _ = writeln!(
        md,
        "Scanned {scanned}: **{} finding{}**.",
        active.len(),
        if active.len() == 1 { "" } else { "s" }
    );
    for note in notes {
        let _ = writeln!(md, "\n> {note}");
    }
    if !active.is_empty() {
        md.push_str(
            "\n| File | Line | Rule | Key | Commit | Verified |\n|---|---|---|---|---|---|\n",
        );
        for f in &active {
            let _ = writeln!(
                md,
                "| `{}` | {} | `{}` | `{}` | {} | {} |",
                f.path.replace('|', "\\|").replace('`', "'"),
                f.line,
                f.rule_id,
                f.redacted,
                f.commit.as_deref().map(short_commit).unwrap_or("-"),
                f.verification
                    .as_ref()
                    .map(|v| v.status.as_str())
                    .unwrap_or("-"),
            );
        }
        md.push_str("\nRotate each key at its provider first, then remove it from the history. A false positive can be allowed with a `keyward:allow` comment or a baseline.\n");
    }
    let suppressed: usize = outcome.suppressed_by_reason().values().sum();
    if suppressed > 0 {
        let _ = writeln!(
            md,
            "\n{suppressed} suppressed (allowed inline, by config or by the baseline)."
        );
    }
    md
}

/// `key=value` lines for `$GITHUB_OUTPUT`.
pub fn outputs(outcome: &ScanOutcome, sarif_file: &str) -> String {
    let live = outcome
        .active()
        .filter(|f| f.verification.as_ref().is_some_and(|v| v.status.is_live()))
        .count();
    format!(
        "findings={}\nlive={live}\nsarif-file={}\n",
        outcome.active().count(),
        sarif_file.replace(['\n', '\r'], "")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_map_to_plans() {
        let pr =
            json!({"pull_request": {"base": {"sha": "b"}, "head": {"sha": "h"}, "commits": 3}});
        assert_eq!(
            plan("pull_request", &pr),
            Plan::Range {
                base: "b".into(),
                head: "h".into(),
                commits: Some(3)
            }
        );
        let push = json!({"before": "a", "after": "c", "commits": [{}, {}]});
        assert_eq!(
            plan("push", &push),
            Plan::Range {
                base: "a".into(),
                head: "c".into(),
                commits: Some(2)
            }
        );
        let new_branch = json!({"before": NULL_SHA, "after": "c", "commits": [], "repository": {"default_branch": "main"}});
        assert_eq!(
            plan("push", &new_branch),
            Plan::NewBranch {
                head: "c".into(),
                default_branch: Some("main".into()),
                commits: Some(0)
            }
        );
        assert_eq!(
            plan("push", &json!({"before": "a", "after": NULL_SHA})),
            Plan::Tree
        );
        assert_eq!(plan("schedule", &json!({})), Plan::Tree);
        assert_eq!(plan("workflow_dispatch", &json!({})), Plan::Tree);
    }
}
