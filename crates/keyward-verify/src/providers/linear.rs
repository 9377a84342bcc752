//! Linear: one GraphQL query for the viewer's id. It is a POST, as every
//! GraphQL call is, but the query only reads. A personal API key goes in
//! `Authorization` as it is (OAuth tokens take `Bearer`). A bad key draws
//! `{"errors": [{"extensions": {"type": "authentication error", ...}}]}`.
//! <https://linear.app/developers/graphql#authentication>
//! <https://github.com/linear/linear/blob/master/packages/sdk/src/error.ts>

use serde_json::Value;

use super::{has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Linear;

pub static API_KEY: Linear = Linear;

impl Verifier for Linear {
    fn id(&self) -> &'static str {
        "linear"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.linear.app",
            env: "KEYWARD_LINEAR_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::post("/graphql")
            .header("authorization", secret)
            .json(r#"{"query":"{ viewer { id } }"}"#)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let unauthenticated = body
            .get("errors")
            .and_then(Value::as_array)
            .is_some_and(|errors| {
                errors
                    .iter()
                    .any(|e| is(e, "/extensions/type", "authentication error"))
            });
        match status {
            200 if has_text(body, "/data/viewer/id") => Some(Verdict::Live),
            400 | 401 if unauthenticated => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            method: "POST",
            path: "/graphql",
            carrier: Carrier::header("authorization"),
            live: &[(
                200,
                r#"{"data":{"viewer":{"id":"2d7f4b5e-1c3a-4f5e-9b8d-7a6c5e4d3b2a"}}}"#,
            )],
            invalid: &[(
                400,
                r#"{"errors":[{"message":"Authentication required, not authenticated","extensions":{"type":"authentication error","code":"AUTHENTICATION_ERROR","statusCode":401,"userError":true,"userPresentableMessage":"You need to authenticate to access this operation."}}]}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
