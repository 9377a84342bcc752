//! Heroku: `GET /account` with the version-3 media type. Errors are
//! `{"id", "message", "url"?}`; `401 unauthorized` for a bad, revoked or
//! expired token.
//! <https://devcenter.heroku.com/articles/platform-api-reference#account-info>
//! <https://devcenter.heroku.com/articles/platform-api-reference#errors>

use serde_json::Value;

use super::{flag, has_text, id_message_error};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Heroku;

pub static TOKEN: Heroku = Heroku;

impl Verifier for Heroku {
    fn id(&self) -> &'static str {
        "heroku"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.heroku.com",
            env: "KEYWARD_HEROKU_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/account")
            .bearer(secret)
            .header("accept", "application/vnd.heroku+json; version=3")
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        match status {
            200 if has_text(body, "/id")
                && has_text(body, "/email")
                && flag(body, "/two_factor_authentication").is_some() =>
            {
                Some(Verdict::Live)
            }
            _ => id_message_error(status, body),
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/account",
            live: &[(
                200,
                r#"{"allow_tracking":true,"beta":false,"created_at":"2012-01-01T12:00:00Z","email":"username@example.com","federated":false,"id":"01234567-89ab-cdef-0123-456789abcdef","name":"Tina Edmonds","two_factor_authentication":false,"updated_at":"2012-01-01T12:00:00Z","verified":false}"#,
            )],
            invalid: &[(
                401,
                r#"{"id":"unauthorized","message":"Invalid credentials provided."}"#,
            )],
            restricted: &[(
                403,
                r#"{"id":"forbidden","message":"You do not have access to the account.","url":"https://devcenter.heroku.com/articles/platform-api-reference#errors"}"#,
            )],
            kin: &["digitalocean"],
            ..Samples::DEFAULT
        }
    }
}
