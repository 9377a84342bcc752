//! OpenRouter: `GET /api/v1/key` describes the key (label, limit, usage).
//! Errors are `{"error": {"code": STATUS, "message": ...}}`; a bad key is
//! `401`.
//! <https://openrouter.ai/docs/api-reference/api-keys/get-current-key>
//! <https://openrouter.ai/docs/api-reference/errors>

use serde_json::Value;

use super::{has_object, has_text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct OpenRouter;

pub static API_KEY: OpenRouter = OpenRouter;

impl Verifier for OpenRouter {
    fn id(&self) -> &'static str {
        "openrouter"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://openrouter.ai",
            env: "KEYWARD_OPENROUTER_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/api/v1/key").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let key = has_object(body, "/data")
            && has_text(body, "/data/label")
            && body.pointer("/data/usage").is_some_and(Value::is_number);
        let error = |code: u64| {
            body.pointer("/error/code").and_then(Value::as_u64) == Some(code)
                && has_text(body, "/error/message")
        };
        match status {
            200 if key => Some(Verdict::Live),
            401 if error(401) => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/api/v1/key",
            live: &[(
                200,
                r#"{"data":{"label":"sk-or-v1-au7...890","limit":100,"usage":25.5,"is_free_tier":false,"limit_remaining":74.5,"is_provisioning_key":false}}"#,
            )],
            invalid: &[
                (401, r#"{"error":{"message":"User not found.","code":401}}"#),
                (
                    401,
                    r#"{"error":{"message":"No auth credentials found","code":401}}"#,
                ),
            ],
            ..Samples::DEFAULT
        }
    }
}
