//! Making sure a (shallow) checkout holds the commits a plan names.

use keyward_engine::git::Git;
use keyward_engine::source::history::Range;

use super::event::Plan;
use crate::output::short_commit;

/// What to scan once the history is here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    History(Range),
    Tree,
}

/// Turn a plan into a target, fetching what a shallow checkout lacks.
/// Returns the target and notes on what was done. When history cannot be
/// had, the tree at HEAD is scanned instead, and a note says so: never
/// silently nothing.
pub fn prepare(plan: &Plan, git: &Git) -> (Target, Vec<String>) {
    let mut notes = Vec::new();
    let (base, head, commits) = match plan {
        Plan::Tree => return (Target::Tree, notes),
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
                return (Target::Tree, notes);
            };
            let _ = git.run(&[
                "fetch",
                "--no-tags",
                "--quiet",
                "--depth=1",
                "origin",
                &format!("refs/heads/{branch}"),
            ]);
            match git.commit("FETCH_HEAD") {
                Some(base) if base != *head => (base, head.clone(), *commits),
                _ => {
                    // The default branch itself was created: all its history.
                    unshallow(git);
                    notes.push(format!(
                        "new default branch: scanning all history of {}",
                        short_commit(head)
                    ));
                    return (Target::History(Range::Revisions(head.clone())), notes);
                }
            }
        }
    };
    if !ensure_connected(git, &base, &head, commits, &mut notes) {
        notes.push(format!(
            "could not fetch the history between {} and {}: scanning the tree instead",
            short_commit(&base),
            short_commit(&head)
        ));
        return (Target::Tree, notes);
    }
    (
        Target::History(Range::Revisions(format!("{base}..{head}"))),
        notes,
    )
}

/// Both commits are present and git can walk from one to their merge base.
fn connected(git: &Git, base: &str, head: &str) -> bool {
    git.commit(base).is_some()
        && git.commit(head).is_some()
        && git.run(&["merge-base", base, head]).is_ok()
}

fn unshallow(git: &Git) {
    if git.is_shallow() {
        let _ = git.run(&["fetch", "--no-tags", "--quiet", "--unshallow", "origin"]);
    }
}

/// Fetch, deeper and deeper, until `base..head` can be walked.
fn ensure_connected(
    git: &Git,
    base: &str,
    head: &str,
    commits: Option<u64>,
    notes: &mut Vec<String>,
) -> bool {
    if connected(git, base, head) {
        return true;
    }
    let depth = commits.unwrap_or(20).max(1) + 1;
    let depth_arg = format!("--depth={depth}");
    for sha in [head, base] {
        let _ = git.run(&["fetch", "--no-tags", "--quiet", &depth_arg, "origin", sha]);
    }
    for _ in 0..3 {
        if connected(git, base, head) {
            notes.push(format!("fetched {depth} commits of history"));
            return true;
        }
        let _ = git.run(&[
            "fetch",
            "--no-tags",
            "--quiet",
            "--deepen=100",
            "origin",
            head,
            base,
        ]);
    }
    unshallow(git);
    let ok = connected(git, base, head);
    if ok {
        notes.push("fetched the full history".into());
    }
    ok
}
