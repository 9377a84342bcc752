//! Doppler: `GET /v3/me` describes the token (personal, service, service
//! account, CLI). Errors are `{"messages": [...], "success": false}`; a
//! bad or revoked token is `401`.
//! <https://docs.doppler.com/reference/auth-me>
//! <https://docs.doppler.com/reference/api#errors>

use serde_json::Value;

use super::{flag, has_text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Doppler;

pub static TOKEN: Doppler = Doppler;

impl Verifier for Doppler {
    fn id(&self) -> &'static str {
        "doppler"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.doppler.com",
            env: "KEYWARD_DOPPLER_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v3/me").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let messages = body
            .get("messages")
            .and_then(Value::as_array)
            .is_some_and(|m| !m.is_empty() && m.iter().all(Value::is_string));
        match status {
            200 if has_text(body, "/type") && has_text(body, "/workplace/slug") => {
                Some(Verdict::Live)
            }
            401 if messages && flag(body, "/success") == Some(false) => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v3/me",
            live: &[(
                200,
                r#"{"workplace":{"slug":"acme","name":"Acme"},"type":"service_token","token_preview":"dp.st.dev.XXXX","slug":"ci","name":"ci","created_at":"2024-01-01T00:00:00.000Z","last_seen_at":"2024-05-01T00:00:00.000Z"}"#,
            )],
            invalid: &[(
                401,
                r#"{"messages":["Invalid Auth token"],"success":false}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
