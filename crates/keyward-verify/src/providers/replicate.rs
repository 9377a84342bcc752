//! Replicate: `GET /v1/account` with a bearer token. Errors are problem
//! details; a bad token draws `{"title": "Unauthenticated", "detail": ...,
//! "status": 401}`, and only that shape means invalid (a gateway's
//! problem details have other titles).
//! <https://replicate.com/docs/reference/http#accounts.get>
//! <https://replicate.com/docs/topics/security/api-tokens>

use serde_json::Value;

use super::{has_text, is};
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
        let account = has_text(body, "/username")
            && (is(body, "/type", "user") || is(body, "/type", "organization"));
        let unauthenticated = is(body, "/title", "Unauthenticated")
            && has_text(body, "/detail")
            && body.get("status").and_then(Value::as_u64) == Some(401);
        match status {
            200 if account => Some(Verdict::Live),
            401 if unauthenticated => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v1/account",
            live: &[(
                200,
                r#"{"type":"organization","username":"acme","name":"Acme Corp, Inc.","github_url":"https://github.com/acme"}"#,
            )],
            invalid: &[(
                401,
                r#"{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
