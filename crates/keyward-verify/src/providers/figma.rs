//! Figma: `GET /v1/me` with the token in `X-Figma-Token`. A bad or
//! expired token draws `403 {"status": 403, "err": "Invalid token"}`.
//! <https://www.figma.com/developers/api#get-me-endpoint>
//! <https://www.figma.com/developers/api#errors>

use serde_json::Value;

use super::{has_text, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Figma;

pub static TOKEN: Figma = Figma;

impl Verifier for Figma {
    fn id(&self) -> &'static str {
        "figma"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.figma.com",
            env: "KEYWARD_FIGMA_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1/me").header("x-figma-token", secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let error = body.get("status").and_then(Value::as_u64) == Some(u64::from(status));
        match status {
            200 if has_text(body, "/id") && has_text(body, "/handle") => Some(Verdict::Live),
            403 if error && text(body, "/err") == Some("Invalid token") => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/v1/me",
            carrier: Carrier::header("x-figma-token"),
            live: &[(
                200,
                r#"{"id":"1234567890","email":"ada@example.com","handle":"Ada","img_url":"https://s3-alpha.figma.com/profile/1234"}"#,
            )],
            invalid: &[(403, r#"{"status":403,"err":"Invalid token"}"#)],
            ..Samples::DEFAULT
        }
    }
}
