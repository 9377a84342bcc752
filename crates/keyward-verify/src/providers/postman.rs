//! Postman: `GET /me` with the key in `X-Api-Key`. Errors are `{"error":
//! {"name", "message"}}`; a bad key is `401 AuthenticationError`.
//! <https://learning.postman.com/docs/developer/postman-api/authentication/>
//! <https://www.postman.com/postman/postman-public-workspace/request/y9h3qsc/get-authenticated-user>

use serde_json::Value;

use super::{error_says, has_number, has_object};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Postman;

pub static API_KEY: Postman = Postman;

impl Verifier for Postman {
    fn id(&self) -> &'static str {
        "postman"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.getpostman.com",
            env: "KEYWARD_POSTMAN_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/me").header("x-api-key", secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let rejected = error_says(body, "/error/name", "AuthenticationError", "/error/message");
        match status {
            200 if has_object(body, "/user") && has_number(body, "/user/id") => Some(Verdict::Live),
            401 if rejected => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/me",
            carrier: Carrier::header("x-api-key"),
            live: &[(
                200,
                r#"{"user":{"id":12345678,"username":"taylor-lee","email":"taylor.lee@example.com","fullName":"Taylor Lee","avatar":"","isPublic":true,"teamId":123,"teamName":"Test Team"},"operations":[{"name":"api_usage","limit":1000000,"usage":110276,"overage":0}]}"#,
            )],
            invalid: &[(
                401,
                r#"{"error":{"name":"AuthenticationError","message":"Invalid API Key. Every request requires a valid API Key to be sent."}}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
