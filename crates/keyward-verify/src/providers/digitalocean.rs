//! DigitalOcean: `GET /v2/account`. Errors are `{"id", "message",
//! "request_id"?}` (Heroku's HTTP API design): `401 unauthorized` for a
//! bad token, `403 forbidden` for a scoped token without the scope.
//! <https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account/operation/account_get>
//! <https://docs.digitalocean.com/reference/api/digitalocean/#section/Introduction/HTTP-Statuses>

use serde_json::Value;

use super::{has_object, has_text, id_message_error};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct DigitalOcean;

pub static TOKEN: DigitalOcean = DigitalOcean;

impl Verifier for DigitalOcean {
    fn id(&self) -> &'static str {
        "digitalocean"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.digitalocean.com",
            env: "KEYWARD_DIGITALOCEAN_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v2/account").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        match status {
            200 if has_object(body, "/account") && has_text(body, "/account/uuid") => {
                Some(Verdict::Live)
            }
            _ => id_message_error(status, body),
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v2/account",
            live: &[(
                200,
                r#"{"account":{"droplet_limit":25,"floating_ip_limit":5,"email":"sammy@digitalocean.com","name":"Sammy the Shark","uuid":"b6fr89dbf6d9156cace5f3c78dc9851d957381ef","email_verified":true,"status":"active","status_message":"","team":{"uuid":"5df3e3004a17e242b7c20ca6c9fc25b701a47ece","name":"My Team"}}}"#,
            )],
            invalid: &[(
                401,
                r#"{"id":"unauthorized","message":"Unable to authenticate you."}"#,
            )],
            restricted: &[(
                403,
                r#"{"id":"forbidden","message":"You do not have access for the attempted action."}"#,
            )],
            kin: &["heroku"],
            ..Samples::DEFAULT
        }
    }
}
