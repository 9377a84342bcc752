//! Deepgram: list the key's projects, with `Authorization: Token …`.
//! Errors are `{"err_code", "err_msg", "request_id"}`: `INVALID_AUTH` (401)
//! for a bad key, `FORBIDDEN`/`INSUFFICIENT_PERMISSIONS` (403) for a key
//! without the scope.
//! <https://developers.deepgram.com/reference/management-api/projects/list>
//! <https://developers.deepgram.com/docs/errors>

use serde_json::Value;

use super::{has_array, has_text, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Deepgram;

pub static API_KEY: Deepgram = Deepgram;

impl Verifier for Deepgram {
    fn id(&self) -> &'static str {
        "deepgram"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.deepgram.com",
            env: "KEYWARD_DEEPGRAM_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1/projects").header("authorization", format!("Token {secret}"))
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let code = text(body, "/err_code").filter(|_| has_text(body, "/err_msg"));
        match (status, code) {
            (200, _) if has_array(body, "/projects") => Some(Verdict::Live),
            (401, Some("INVALID_AUTH")) => Some(Verdict::Invalid),
            (403, Some("FORBIDDEN" | "INSUFFICIENT_PERMISSIONS")) => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/v1/projects",
            carrier: Carrier::Header {
                name: "authorization",
                prefix: "Token ",
            },
            live: &[(
                200,
                r#"{"projects":[{"project_id":"3c2a1b0e-1234-4cde-8f00-0a1b2c3d4e5f","name":"Example"}]}"#,
            )],
            invalid: &[(
                401,
                r#"{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials.","request_id":"6b9ac5d2-7f5e-4c4a-9f0a-3d2f1e0c9b8a"}"#,
            )],
            restricted: &[(
                403,
                r#"{"err_code":"INSUFFICIENT_PERMISSIONS","err_msg":"User does not have sufficient permissions.","request_id":"6b9ac5d2-7f5e-4c4a-9f0a-3d2f1e0c9b8b"}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
