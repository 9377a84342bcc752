//! Replicate: `GET /v1/account` with a bearer token. Errors are problem
//! details (`{"title", "detail", "status"}`).
//! <https://replicate.com/docs/reference/http#accounts.get>

use serde_json::Value;

use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Replicate;

pub static API_TOKEN: Replicate = Replicate;

impl Verifier for Replicate {
    fn id(&self) -> &'static str {
        "replicate"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.replicate.com",
            env: "KEYWARD_REPLICATE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1/account").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let text = |field: &str| body.get(field).is_some_and(Value::is_string);
        match status {
            200..=299 if text("username") && text("type") => Some(Verdict::Live),
            401 if text("detail") => Some(Verdict::Invalid),
            403 if text("detail") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }
}
