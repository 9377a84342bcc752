//! Brevo (formerly Sendinblue): `GET /v3/account` with the key in
//! `api-key`. Errors are `{"code", "message"}`: `401 unauthorized` "Key
//! not found" for an unknown or deleted key; other 401 messages (a
//! disabled key, an IP not on the allow list) are a real key refused.
//! <https://developers.brevo.com/reference/getaccount>
//! <https://developers.brevo.com/docs/how-it-works#error-codes>

use serde_json::Value;

use super::{has_text, is, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Brevo;

pub static API_KEY: Brevo = Brevo;

/// 401 messages for a key Brevo knows but refuses.
const REFUSED: &[&str] = &["API Key is not enabled"];

impl Verifier for Brevo {
    fn id(&self) -> &'static str {
        "brevo"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.brevo.com",
            env: "KEYWARD_BREVO_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v3/account").header("api-key", secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let message = text(body, "/message").unwrap_or_default();
        let unauthorized = is(body, "/code", "unauthorized");
        match status {
            200 if has_text(body, "/email") && body.get("plan").is_some_and(Value::is_array) => {
                Some(Verdict::Live)
            }
            401 if unauthorized && message == "Key not found" => Some(Verdict::Invalid),
            401 if unauthorized && REFUSED.contains(&message) => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/v3/account",
            carrier: Carrier::header("api-key"),
            live: &[(
                200,
                r#"{"email":"john.smith@example.com","firstName":"John","lastName":"Smith","companyName":"Example","address":{"street":"1 Main St","city":"Paris","zipCode":"75001","country":"France"},"plan":[{"type":"free","credits":300,"creditsType":"sendLimit"}]}"#,
            )],
            invalid: &[(401, r#"{"code":"unauthorized","message":"Key not found"}"#)],
            restricted: &[(
                401,
                r#"{"code":"unauthorized","message":"API Key is not enabled"}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
