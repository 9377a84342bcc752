//! Notion: an integration token (`ntn_`, older `secret_`) reads its own
//! bot user. Errors are `{"object": "error", "status", "code", "message"}`:
//! `401 unauthorized` for a bad token, `403 restricted_resource` for one
//! without the capability.
//! <https://developers.notion.com/reference/get-self>
//! <https://developers.notion.com/reference/status-codes>

use serde_json::Value;

use super::{has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Notion;

pub static TOKEN: Notion = Notion;

impl Verifier for Notion {
    fn id(&self) -> &'static str {
        "notion"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.notion.com",
            env: "KEYWARD_NOTION_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1/users/me")
            .bearer(secret)
            .header("notion-version", "2022-06-28")
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let error = |code: &str| {
            is(body, "/object", "error")
                && is(body, "/code", code)
                && body.get("status").and_then(Value::as_u64) == Some(u64::from(status))
        };
        match status {
            200 if is(body, "/object", "user") && has_text(body, "/id") => Some(Verdict::Live),
            401 if error("unauthorized") => Some(Verdict::Invalid),
            403 if error("restricted_resource") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v1/users/me",
            live: &[(
                200,
                r#"{"object":"user","id":"16d84278-ab0e-484c-9bdd-b35da3bd8905","name":"pied piper","avatar_url":null,"type":"bot","bot":{"owner":{"type":"workspace","workspace":true},"workspace_name":"Pied Piper"}}"#,
            )],
            invalid: &[(
                401,
                r#"{"object":"error","status":401,"code":"unauthorized","message":"API token is invalid.","request_id":"b3a0c8c4-0a0e-4a7a-9b58-1f0b0e1b2c3d"}"#,
            )],
            restricted: &[(
                403,
                r#"{"object":"error","status":403,"code":"restricted_resource","message":"Insufficient permissions for this endpoint.","request_id":"b3a0c8c4-0a0e-4a7a-9b58-1f0b0e1b2c3e"}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
