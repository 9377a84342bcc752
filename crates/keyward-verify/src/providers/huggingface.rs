//! Hugging Face: `GET /api/whoami-v2` names the token's owner and the
//! token itself (`auth.accessToken`). A bad token draws `401 {"error":
//! "Invalid credentials in Authorization header"}` (older answers: "Invalid
//! username or password.").
//! <https://huggingface.co/docs/hub/api#get-apiwhoami-v2>
//! <https://huggingface.co/docs/huggingface_hub/package_reference/hf_api#huggingface_hub.HfApi.whoami>

use serde_json::Value;

use super::{has_object, has_text, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct HuggingFace;

pub static TOKEN: HuggingFace = HuggingFace;

const INVALID: &[&str] = &[
    "Invalid credentials in Authorization header",
    "Invalid username or password.",
];

impl Verifier for HuggingFace {
    fn id(&self) -> &'static str {
        "huggingface"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://huggingface.co",
            env: "KEYWARD_HUGGINGFACE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/api/whoami-v2").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let whoami =
            has_text(body, "/name") && has_text(body, "/type") && has_object(body, "/auth");
        match status {
            200 if whoami => Some(Verdict::Live),
            401 if text(body, "/error").is_some_and(|e| INVALID.contains(&e)) => {
                Some(Verdict::Invalid)
            }
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/api/whoami-v2",
            live: &[(
                200,
                r#"{"type":"user","id":"5e67bd5b1009063689407478","name":"julien-c","fullname":"Julien Chaumond","isPro":true,"orgs":[],"auth":{"type":"access_token","accessToken":{"displayName":"ci","role":"read","createdAt":"2024-05-01T10:00:00.000Z"}}}"#,
            )],
            invalid: &[
                (
                    401,
                    r#"{"error":"Invalid credentials in Authorization header"}"#,
                ),
                (401, r#"{"error":"Invalid username or password."}"#),
            ],
            ..Samples::DEFAULT
        }
    }
}
