//! Groq: `GET /openai/v1/models`, OpenAI-compatible. A bad key draws `401
//! {"error": {"message": "Invalid API Key", "type":
//! "invalid_request_error", "code": "invalid_api_key"}}`.
//! <https://console.groq.com/docs/api-reference#models-list>
//! <https://console.groq.com/docs/errors>

use serde_json::Value;

use super::error_says;
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Groq;

pub static API_KEY: Groq = Groq;

impl Verifier for Groq {
    fn id(&self) -> &'static str {
        "groq"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.groq.com",
            env: "KEYWARD_GROQ_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/openai/v1/models").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let rejected = error_says(body, "/error/code", "invalid_api_key", "/error/message");
        match status {
            200 if super::openai::listed(body, "model") => Some(Verdict::Live),
            401 if rejected => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/openai/v1/models",
            live: &[(
                200,
                r#"{"object":"list","data":[{"id":"llama-3.3-70b-versatile","object":"model","created":1733447754,"owned_by":"Meta","active":true,"context_window":131072,"public_apps":null}]}"#,
            )],
            invalid: &[(
                401,
                r#"{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}"#,
            )],
            kin: &["openai"],
            ..Samples::DEFAULT
        }
    }
}
