//! Airtable: a personal access token (`pat…`) or OAuth token reads
//! `GET /v0/meta/whoami` (its user id and scopes). Errors are `{"error":
//! {"type", "message"}}`; a bad token is `401 AUTHENTICATION_REQUIRED`.
//! <https://airtable.com/developers/web/api/get-user-id-scopes>
//! <https://airtable.com/developers/web/api/errors>

use serde_json::Value;

use super::error_says;
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Airtable;

pub static TOKEN: Airtable = Airtable;

impl Verifier for Airtable {
    fn id(&self) -> &'static str {
        "airtable"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.airtable.com",
            env: "KEYWARD_AIRTABLE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v0/meta/whoami").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let user = text_starts(body, "/id", "usr");
        let rejected = error_says(
            body,
            "/error/type",
            "AUTHENTICATION_REQUIRED",
            "/error/message",
        );
        match status {
            200 if user => Some(Verdict::Live),
            401 if rejected => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v0/meta/whoami",
            live: &[(
                200,
                r#"{"id":"usrL2PNC5o3H4lBEi","scopes":["data.records:read","schema.bases:read"]}"#,
            )],
            invalid: &[(
                401,
                r#"{"error":{"type":"AUTHENTICATION_REQUIRED","message":"Authentication required"}}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}

/// Whether the string at `pointer` starts with `prefix`.
fn text_starts(body: &Value, pointer: &str, prefix: &str) -> bool {
    super::text(body, pointer).is_some_and(|t| t.starts_with(prefix))
}
