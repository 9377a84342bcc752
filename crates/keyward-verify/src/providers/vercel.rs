//! Vercel: `GET /v2/user`. A bad, revoked or expired token draws `403
//! {"error": {"code": "forbidden", "message": "Not authorized",
//! "invalidToken": true}}`: the flag, not the status, says invalid.
//! <https://vercel.com/docs/rest-api/reference/endpoints/user/get-the-user>
//! <https://vercel.com/docs/rest-api/reference/welcome#errors>

use serde_json::Value;

use super::{flag, has_object, has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Vercel;

pub static TOKEN: Vercel = Vercel;

impl Verifier for Vercel {
    fn id(&self) -> &'static str {
        "vercel"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.vercel.com",
            env: "KEYWARD_VERCEL_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v2/user").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let forbidden = is(body, "/error/code", "forbidden") && has_text(body, "/error/message");
        match status {
            200 if has_object(body, "/user") && has_text(body, "/user/id") => Some(Verdict::Live),
            403 if forbidden && flag(body, "/error/invalidToken") == Some(true) => {
                Some(Verdict::Invalid)
            }
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v2/user",
            live: &[(
                200,
                r#"{"user":{"id":"AEIIDYVk59zbFF2Sxfyxxmua","email":"me@example.com","name":"John Doe","username":"jdoe","avatar":null,"defaultTeamId":null,"version":"northstar"}}"#,
            )],
            invalid: &[(
                403,
                r#"{"error":{"code":"forbidden","message":"Not authorized","invalidToken":true}}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
