//! What an event asks to be scanned, from its name and its payload.

use keyward_engine::git::NULL_SHA;
use serde_json::Value;

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
