//! Making sure the checkout holds the commits a plan names, and finding the
//! trusted side of the change. When the history cannot be had, this fails:
//! a guard that cannot see the change says so.

use keyward_engine::git::Git;
use keyward_engine::source::history::Range;

use super::event::Plan;
use crate::output::short_commit;

/// What to scan once the history is here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    History(Range),
    /// The files git tracks in the checkout.
    Tree,
    /// Nothing (a deleted branch).
    Nothing,
}

/// Where config and baseline come from: never the change under review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    /// This commit (the base of a pull request, a push's `before`, the
    /// default branch).
    Commit(String),
    /// The checkout itself: it is the default branch.
    Checkout,
    /// No trusted side can be read: built-in rules only, nothing allowed.
    Nothing,
}

pub struct Prepared {
    pub target: Target,
    pub trusted: Trusted,
    pub notes: Vec<String>,
}

/// What to do when history cannot be fetched: fail (the default), or scan
/// the tree with built-in rules only, when the workflow asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    Fail,
    Tree,
}

const HOW_TO_FETCH: &str = "check out with `fetch-depth: 0`, or leave the checkout's credentials in place (`persist-credentials` on) so that keyward can fetch what it needs";

pub fn prepare(plan: &Plan, git: &Git, fallback: Fallback) -> Result<Prepared, String> {
    let mut notes = Vec::new();
    let done = |target, trusted, notes| {
        Ok(Prepared {
            target,
            trusted,
            notes,
        })
    };
    match plan {
        Plan::Deleted => done(Target::Nothing, Trusted::Nothing, vec!["a deleted branch: nothing to scan".into()]),
        Plan::Tree { on_default: true, .. } => done(Target::Tree, Trusted::Checkout, notes),
        Plan::Tree {
            default_branch: Some(branch),
            on_default: false,
        } => {
            let base = fetch_branch(git, branch).map_err(|e| {
                format!("cannot fetch the default branch `{branch}` to read the trusted config ({e}); {HOW_TO_FETCH}")
            })?;
            done(Target::Tree, Trusted::Commit(base), notes)
        }
        Plan::Tree {
            default_branch: None,
            on_default: false,
        } => Err(
            "the event names no default branch, so there is no trusted side to take the config from; run keyward on the default branch, or on pull_request and push events".into(),
        ),
        Plan::Range {
            base,
            head,
            commits,
        } => {
            if ensure_connected(git, base, head, *commits, &mut notes) {
                let range = Range::Revisions(format!("{base}..{head}"));
                return done(Target::History(range), Trusted::Commit(base.clone()), notes);
            }
            let why = format!(
                "cannot fetch the history between {} and {}",
                short_commit(base),
                short_commit(head)
            );
            match fallback {
                Fallback::Fail => Err(format!("{why}; {HOW_TO_FETCH}")),
                Fallback::Tree => {
                    notes.push(format!("{why}: scanning the tree instead, with built-in rules only (history-fallback: tree)"));
                    let trusted = match git.commit(base) {
                        Some(base) => Trusted::Commit(base),
                        None => Trusted::Nothing,
                    };
                    done(Target::Tree, trusted, notes)
                }
            }
        }
        Plan::NewBranch {
            head,
            default_branch,
            commits,
        } => {
            let base = match fetch_branch(git, default_branch) {
                Ok(base) => base,
                Err(e) => {
                    let why = format!("cannot fetch the default branch `{default_branch}` ({e})");
                    return match fallback {
                        Fallback::Fail => Err(format!("{why}; {HOW_TO_FETCH}")),
                        Fallback::Tree => {
                            notes.push(format!("{why}: scanning the tree instead, with built-in rules only (history-fallback: tree)"));
                            done(Target::Tree, Trusted::Nothing, notes)
                        }
                    };
                }
            };
            if base == *head {
                // The default branch itself was created: all its history,
                // and no earlier side to trust.
                unshallow(git).map_err(|e| format!("cannot fetch the new branch's history ({e}); {HOW_TO_FETCH}"))?;
                notes.push(format!(
                    "new default branch: scanning all history of {}",
                    short_commit(head)
                ));
                return done(Target::History(Range::Revisions(head.clone())), Trusted::Nothing, notes);
            }
            let plan = Plan::Range {
                base,
                head: head.clone(),
                commits: *commits,
            };
            let mut prepared = prepare(&plan, git, fallback)?;
            prepared.notes.splice(0..0, notes);
            Ok(prepared)
        }
    }
}

/// The tip of `origin`'s branch, fetched if need be.
fn fetch_branch(git: &Git, branch: &str) -> Result<String, String> {
    let remote = format!("refs/remotes/origin/{branch}");
    if let Some(sha) = git.commit(&remote) {
        return Ok(sha);
    }
    git.run(&[
        "fetch",
        "--no-tags",
        "--quiet",
        "--depth=1",
        "origin",
        &format!("+refs/heads/{branch}:{remote}"),
    ])
    .map_err(|e| e.to_string())?;
    git.commit(&remote)
        .ok_or_else(|| format!("origin has no branch `{branch}`"))
}

/// Both commits are present, they share a merge base, and no commit in
/// `base..head` is a shallow boundary: such a commit would look like a root
/// whose whole tree is new.
fn connected(git: &Git, base: &str, head: &str) -> bool {
    if git.commit(base).is_none()
        || git.commit(head).is_none()
        || git.run(&["merge-base", base, head]).is_err()
    {
        return false;
    }
    let shallow = git.shallow_commits();
    if shallow.is_empty() {
        return true;
    }
    git.run(&["rev-list", &format!("{base}..{head}")])
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out)
                .lines()
                .all(|commit| !shallow.iter().any(|s| s == commit))
        })
}

fn unshallow(git: &Git) -> Result<(), String> {
    if git.is_shallow() {
        git.run(&["fetch", "--no-tags", "--quiet", "--unshallow", "origin"])
            .map_err(|e| e.to_string())?;
    }
    Ok(())
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
        // A failure shows in `connected` below.
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
    if unshallow(git).is_ok() && connected(git, base, head) {
        notes.push("fetched the full history".into());
        return true;
    }
    false
}
