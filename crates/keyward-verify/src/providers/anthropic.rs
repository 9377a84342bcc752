//! Anthropic: API keys list models; Admin API keys list API keys. Errors
//! are `{"type": "error", "error": {"type": KIND, "message": ...},
//! "request_id": ...}`; only the documented kinds decide.
//! <https://docs.anthropic.com/en/api/errors>
//! <https://docs.anthropic.com/en/api/models-list>
//! <https://docs.anthropic.com/en/api/admin-api/apikeys/list-api-keys>

use serde_json::Value;

use super::{has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Anthropic {
    id: &'static str,
    path: &'static str,
    /// The `type` of every listed object.
    item: &'static str,
}

pub static API_KEY: Anthropic = Anthropic {
    id: "anthropic-api",
    path: "/v1/models",
    item: "model",
};

// Admin keys cannot list models.
pub static ADMIN_KEY: Anthropic = Anthropic {
    id: "anthropic-admin",
    path: "/v1/organizations/api_keys?limit=1",
    item: "api_key",
};

impl Verifier for Anthropic {
    fn id(&self) -> &'static str {
        self.id
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.anthropic.com",
            env: "KEYWARD_ANTHROPIC_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get(self.path)
            .header("x-api-key", secret)
            .header("anthropic-version", "2023-06-01")
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let error = |kind: &str| {
            is(body, "/type", "error")
                && is(body, "/error/type", kind)
                && has_text(body, "/error/message")
        };
        let listed = body
            .get("data")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().all(|item| is(item, "/type", self.item)));
        match status {
            200 if listed => Some(Verdict::Live),
            // Revoked, deleted, expired or never issued.
            401 if error("authentication_error") => Some(Verdict::Invalid),
            403 if error("permission_error") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        const INVALID: &[crate::testkit::Sample] = &[(
            401,
            r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011"}"#,
        )];
        const RESTRICTED: &[crate::testkit::Sample] = &[(
            403,
            r#"{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."},"request_id":"req_012"}"#,
        )];
        let live: &'static [crate::testkit::Sample] = match self.item {
            "model" => &[(
                200,
                r#"{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":false,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"}"#,
            )],
            _ => &[(
                200,
                r#"{"data":[{"type":"api_key","id":"apikey_01","name":"ci","status":"active","created_at":"2025-01-01T00:00:00Z","workspace_id":null,"created_by":{"id":"user_01","type":"user"}}],"has_more":false,"first_id":"apikey_01","last_id":"apikey_01"}"#,
            )],
        };
        Samples {
            path: self.path,
            carrier: Carrier::header("x-api-key"),
            live,
            invalid: INVALID,
            restricted: RESTRICTED,
            undecided: &[
                (
                    401,
                    r#"{"type":"error","error":{"type":"some_future_error","message":"m"},"request_id":"req_013"}"#,
                ),
                (
                    529,
                    r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_014"}"#,
                ),
            ],
            kin: &["anthropic-api", "anthropic-admin"],
            ..Samples::DEFAULT
        }
    }
}
