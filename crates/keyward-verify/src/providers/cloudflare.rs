//! Cloudflare: `GET /client/v4/user/tokens/verify` verifies a user API
//! token. The envelope is `{"success", "errors", "messages", "result"}`;
//! `result.status` is `active`, `disabled` (real, but switched off:
//! restricted) or `expired`. A bad token draws error code 1000 "Invalid
//! API Token".
//! <https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/>
//! <https://developers.cloudflare.com/fundamentals/api/troubleshooting/>

use serde_json::Value;

use super::{flag, has_text, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Cloudflare;

pub static API_TOKEN: Cloudflare = Cloudflare;

impl Verifier for Cloudflare {
    fn id(&self) -> &'static str {
        "cloudflare"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.cloudflare.com",
            env: "KEYWARD_CLOUDFLARE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/client/v4/user/tokens/verify").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let envelope = body.get("errors").is_some_and(Value::is_array)
            && body.get("messages").is_some_and(Value::is_array);
        let error = |code: u64| {
            body.get("errors")
                .and_then(Value::as_array)
                .is_some_and(|errors| {
                    errors
                        .iter()
                        .any(|e| e.get("code").and_then(Value::as_u64) == Some(code))
                })
        };
        match (status, flag(body, "/success")) {
            (200, Some(true)) if envelope && has_text(body, "/result/id") => {
                match text(body, "/result/status")? {
                    "active" => Some(Verdict::Live),
                    "disabled" => Some(Verdict::LiveRestricted),
                    "expired" => Some(Verdict::Invalid),
                    _ => None,
                }
            }
            (401, Some(false)) if envelope && error(1000) => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/client/v4/user/tokens/verify",
            live: &[(
                200,
                r#"{"result":{"id":"ed17574386854bf78a67040be0a770b0","status":"active","expires_on":"2030-01-01T00:00:00Z"},"success":true,"errors":[],"messages":[{"code":10000,"message":"This API Token is valid and active","type":null}]}"#,
            )],
            invalid: &[
                (
                    401,
                    r#"{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}"#,
                ),
                (
                    200,
                    r#"{"result":{"id":"ed17574386854bf78a67040be0a770b0","status":"expired","expires_on":"2020-01-01T00:00:00Z"},"success":true,"errors":[],"messages":[]}"#,
                ),
            ],
            restricted: &[(
                200,
                r#"{"result":{"id":"ed17574386854bf78a67040be0a770b0","status":"disabled"},"success":true,"errors":[],"messages":[]}"#,
            )],
            // A malformed Authorization header says nothing of the token.
            undecided: &[(
                400,
                r#"{"success":false,"errors":[{"code":6003,"message":"Invalid request headers","error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}],"messages":[],"result":null}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
