//! What an event asks to be scanned, from its name and its payload, and
//! which commit is the trusted side of the change.

use keyward_engine::git::NULL_SHA;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The commits in `base..head`; `base` is the trusted side. `commits`
    /// is how many the event says there are, a hint for how deep to fetch.
    Range {
        base: String,
        head: String,
        commits: Option<u64>,
    },
    /// A push that created a branch: its commits not on the default branch,
    /// which is the trusted side.
    NewBranch {
        head: String,
        default_branch: String,
        commits: Option<u64>,
    },
    /// A push that deleted a branch: nothing to scan.
    Deleted,
    /// The tree as checked out (schedule, workflow_dispatch and the like).
    /// The trusted side is the default branch; `on_default` says whether
    /// the checkout is it.
    Tree {
        default_branch: Option<String>,
        on_default: bool,
    },
}

/// The plan for an event. A payload that lacks what its event must carry
/// is an error: a guard does not guess.
pub fn plan(event_name: &str, payload: &Value, git_ref: Option<&str>) -> Result<Plan, String> {
    let text = |pointer: &str| {
        payload
            .pointer(pointer)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let default_branch = text("/repository/default_branch");
    match event_name {
        "pull_request" | "pull_request_target" | "merge_group" => {
            let (base, head) = match event_name {
                "merge_group" => (text("/merge_group/base_sha"), text("/merge_group/head_sha")),
                _ => (
                    text("/pull_request/base/sha"),
                    text("/pull_request/head/sha"),
                ),
            };
            match (base, head) {
                (Some(base), Some(head)) => Ok(Plan::Range {
                    base,
                    head,
                    commits: payload
                        .pointer("/pull_request/commits")
                        .and_then(Value::as_u64),
                }),
                _ => Err(format!(
                    "the {event_name} event payload has no base and head commits"
                )),
            }
        }
        "push" => {
            let commits = payload
                .get("commits")
                .and_then(Value::as_array)
                .map(|c| c.len() as u64);
            match (text("/before"), text("/after")) {
                (_, Some(head)) if head == NULL_SHA => Ok(Plan::Deleted),
                (Some(before), Some(head)) if before != NULL_SHA => Ok(Plan::Range {
                    base: before,
                    head,
                    commits,
                }),
                (Some(_), Some(head)) => match default_branch {
                    Some(default_branch) => Ok(Plan::NewBranch {
                        head,
                        default_branch,
                        commits,
                    }),
                    None => {
                        Err("the push event payload has no repository.default_branch".to_string())
                    }
                },
                _ => Err("the push event payload has no before and after commits".to_string()),
            }
        }
        _ => {
            let on_default = event_name == "schedule"
                || matches!(
                    (&default_branch, git_ref),
                    (Some(branch), Some(r)) if r == format!("refs/heads/{branch}")
                );
            Ok(Plan::Tree {
                default_branch,
                on_default,
            })
        }
    }
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
            plan("pull_request", &pr, None),
            Ok(Plan::Range {
                base: "b".into(),
                head: "h".into(),
                commits: Some(3)
            })
        );
        let push = json!({"before": "a", "after": "c", "commits": [{}, {}]});
        assert_eq!(
            plan("push", &push, None),
            Ok(Plan::Range {
                base: "a".into(),
                head: "c".into(),
                commits: Some(2)
            })
        );
        let new_branch = json!({"before": NULL_SHA, "after": "c", "commits": [], "repository": {"default_branch": "main"}});
        assert_eq!(
            plan("push", &new_branch, None),
            Ok(Plan::NewBranch {
                head: "c".into(),
                default_branch: "main".into(),
                commits: Some(0)
            })
        );
        assert_eq!(
            plan("push", &json!({"before": "a", "after": NULL_SHA}), None),
            Ok(Plan::Deleted)
        );
        assert_eq!(
            plan("schedule", &json!({}), None),
            Ok(Plan::Tree {
                default_branch: None,
                on_default: true
            })
        );
        let dispatch = json!({"repository": {"default_branch": "main"}});
        assert_eq!(
            plan("workflow_dispatch", &dispatch, Some("refs/heads/topic")),
            Ok(Plan::Tree {
                default_branch: Some("main".into()),
                on_default: false
            })
        );
    }

    #[test]
    fn malformed_payloads_are_errors() {
        assert!(plan("pull_request", &json!({"pull_request": {}}), None).is_err());
        assert!(plan("pull_request", &Value::Null, None).is_err());
        assert!(plan("push", &json!({"after": "c"}), None).is_err());
        assert!(plan("push", &json!({"before": NULL_SHA, "after": "c"}), None).is_err());
    }
}
