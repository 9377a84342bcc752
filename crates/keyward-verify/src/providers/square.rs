//! Square (production): `GET /v2/locations`. Errors are `{"errors":
//! [{"category", "code", "detail"}]}`: `AUTHENTICATION_ERROR` with
//! `UNAUTHORIZED`, `ACCESS_TOKEN_EXPIRED` or `ACCESS_TOKEN_REVOKED` is a
//! dead token; `INSUFFICIENT_SCOPES` a token without the permission.
//! <https://developer.squareup.com/reference/square/locations-api/list-locations>
//! <https://developer.squareup.com/docs/build-basics/handling-errors>
//! <https://developer.squareup.com/reference/square/enums/ErrorCode>

use serde_json::Value;

use super::{has_array, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Square;

pub static TOKEN: Square = Square;

const DEAD: &[&str] = &[
    "UNAUTHORIZED",
    "ACCESS_TOKEN_EXPIRED",
    "ACCESS_TOKEN_REVOKED",
];

impl Verifier for Square {
    fn id(&self) -> &'static str {
        "square"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://connect.squareup.com",
            env: "KEYWARD_SQUARE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v2/locations")
            .bearer(secret)
            .header("square-version", "2025-01-23")
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let error = |codes: &[&str]| {
            body.get("errors")
                .and_then(Value::as_array)
                .is_some_and(|errors| {
                    errors.iter().any(|e| {
                        is(e, "/category", "AUTHENTICATION_ERROR")
                            && e.get("code")
                                .and_then(Value::as_str)
                                .is_some_and(|c| codes.contains(&c))
                    })
                })
        };
        match status {
            200 if has_array(body, "/locations") => Some(Verdict::Live),
            401 if error(DEAD) => Some(Verdict::Invalid),
            403 if error(&["INSUFFICIENT_SCOPES"]) => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v2/locations",
            live: &[(
                200,
                r#"{"locations":[{"id":"18YC4JDH91E1H","name":"Grant Park","status":"ACTIVE","country":"US","currency":"USD","type":"PHYSICAL"}]}"#,
            )],
            invalid: &[
                (
                    401,
                    r#"{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"This request could not be authorized."}]}"#,
                ),
                (
                    401,
                    r#"{"errors":[{"category":"AUTHENTICATION_ERROR","code":"ACCESS_TOKEN_REVOKED","detail":"The access token has been revoked."}]}"#,
                ),
            ],
            restricted: &[(
                403,
                r#"{"errors":[{"category":"AUTHENTICATION_ERROR","code":"INSUFFICIENT_SCOPES","detail":"The merchant has not given your application sufficient permissions to do that. The merchant must authorize your application for the following scopes: MERCHANT_PROFILE_READ"}]}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
