//! Slack: `auth.test` (no scope needed) with the token as a bearer. Slack
//! answers 200 either way and puts the verdict in the body: `{"ok": true,
//! ...}` or `{"ok": false, "error": CODE}`. Only the documented codes for a
//! dead token mean invalid.
//! <https://docs.slack.dev/reference/methods/auth.test>
//! <https://docs.slack.dev/apis/web-api/#responses>

use serde_json::Value;

use super::{flag, has_text, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Slack;

pub static TOKEN: Slack = Slack;

/// auth.test's documented errors for a token that no longer works.
const DEAD: &[&str] = &[
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
];

impl Verifier for Slack {
    fn id(&self) -> &'static str {
        "slack"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://slack.com",
            env: "KEYWARD_SLACK_BASE_URL",
        }
    }

    // A POST that only reads: auth.test changes nothing.
    fn request(&self, secret: &str) -> Request {
        Request::post("/api/auth.test").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        match (status, flag(body, "/ok")) {
            (200, Some(true)) if has_text(body, "/team_id") && has_text(body, "/user_id") => {
                Some(Verdict::Live)
            }
            (200, Some(false)) if text(body, "/error").is_some_and(|e| DEAD.contains(&e)) => {
                Some(Verdict::Invalid)
            }
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            method: "POST",
            path: "/api/auth.test",
            live: &[(
                200,
                r#"{"ok":true,"url":"https://subarachnoid.slack.com/","team":"Subarachnoid Workspace","user":"grace","team_id":"T12345678","user_id":"W12345678","bot_id":"B12345678","is_enterprise_install":false}"#,
            )],
            invalid: &[
                (200, r#"{"ok":false,"error":"invalid_auth"}"#),
                (200, r#"{"ok":false,"error":"token_revoked"}"#),
                (200, r#"{"ok":false,"error":"token_expired"}"#),
                (200, r#"{"ok":false,"error":"account_inactive"}"#),
            ],
            // The token never arrived, or is of a kind auth.test refuses.
            undecided: &[
                (200, r#"{"ok":false,"error":"not_authed"}"#),
                (200, r#"{"ok":false,"error":"not_allowed_token_type"}"#),
            ],
            ..Samples::DEFAULT
        }
    }
}
