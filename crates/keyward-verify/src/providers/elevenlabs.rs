//! ElevenLabs: `GET /v1/user` with the key in `xi-api-key`. Errors are
//! `{"detail": {"status", "message"}}`: `invalid_api_key` for a bad key,
//! `missing_permissions` for a restricted key without `user_read` (both
//! 401).
//! <https://elevenlabs.io/docs/api-reference/user/get>
//! <https://elevenlabs.io/docs/api-reference/authentication>

use serde_json::Value;

use super::{has_object, has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct ElevenLabs;

pub static API_KEY: ElevenLabs = ElevenLabs;

impl Verifier for ElevenLabs {
    fn id(&self) -> &'static str {
        "elevenlabs"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.elevenlabs.io",
            env: "KEYWARD_ELEVENLABS_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1/user").header("xi-api-key", secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let error =
            |kind: &str| is(body, "/detail/status", kind) && has_text(body, "/detail/message");
        match status {
            200 if has_text(body, "/user_id") && has_object(body, "/subscription") => {
                Some(Verdict::Live)
            }
            401 if error("invalid_api_key") => Some(Verdict::Invalid),
            401 | 403 if error("missing_permissions") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/v1/user",
            carrier: Carrier::header("xi-api-key"),
            live: &[(
                200,
                r#"{"user_id":"1234567890","subscription":{"tier":"free","character_count":17231,"character_limit":100000,"status":"free"},"is_new_user":false,"first_name":"John","is_onboarding_completed":true}"#,
            )],
            invalid: &[(
                401,
                r#"{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}"#,
            )],
            restricted: &[(
                401,
                r#"{"detail":{"status":"missing_permissions","message":"The API key you used is missing the permission user_read to execute this operation."}}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
