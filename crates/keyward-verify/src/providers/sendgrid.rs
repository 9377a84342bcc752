//! SendGrid: `GET /v3/scopes` lists the key's own scopes. Errors are
//! `{"errors": [{"field": null, "message": ...}]}`: `401 authorization
//! required` for a bad key, `403 access forbidden` for a key without the
//! scope.
//! <https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access>
//! <https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/responses>

use serde_json::Value;

use super::has_array;
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct SendGrid;

pub static API_KEY: SendGrid = SendGrid;

impl Verifier for SendGrid {
    fn id(&self) -> &'static str {
        "sendgrid"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.sendgrid.com",
            env: "KEYWARD_SENDGRID_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v3/scopes").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let error = |message: &str| {
            body.get("errors")
                .and_then(Value::as_array)
                .is_some_and(|errors| {
                    errors.iter().any(|e| {
                        e.get("message").and_then(Value::as_str) == Some(message)
                            && e.as_object().is_some_and(|o| o.contains_key("field"))
                    })
                })
        };
        match status {
            // The answer holds the scopes and nothing else.
            200 if has_array(body, "/scopes") && body.as_object().is_some_and(|o| o.len() == 1) => {
                Some(Verdict::Live)
            }
            401 if error("authorization required") => Some(Verdict::Invalid),
            403 if error("access forbidden") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v3/scopes",
            live: &[(200, r#"{"scopes":["mail.send","alerts.read"]}"#)],
            invalid: &[(
                401,
                r#"{"errors":[{"field":null,"message":"authorization required"}]}"#,
            )],
            restricted: &[(
                403,
                r#"{"errors":[{"field":null,"message":"access forbidden"}]}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
