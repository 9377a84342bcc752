//! Anthropic: API keys list models; Admin API keys list API keys. Errors
//! are `{"type": "error", "error": {"type": KIND, "message": ...}}`.
//! <https://docs.anthropic.com/en/api/errors>

use serde_json::Value;

use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Anthropic {
    id: &'static str,
    path: &'static str,
}

pub static API_KEY: Anthropic = Anthropic {
    id: "anthropic-api",
    path: "/v1/models",
};

// Admin keys cannot list models.
pub static ADMIN_KEY: Anthropic = Anthropic {
    id: "anthropic-admin",
    path: "/v1/organizations/api_keys?limit=1",
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
            body.get("type").and_then(Value::as_str) == Some("error")
                && body.pointer("/error/type").and_then(Value::as_str) == Some(kind)
        };
        match status {
            200..=299 if body.get("data").is_some_and(Value::is_array) => Some(Verdict::Live),
            401 if error("authentication_error") => Some(Verdict::Invalid),
            403 if error("permission_error") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }
}
