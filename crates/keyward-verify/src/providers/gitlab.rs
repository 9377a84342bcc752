//! GitLab.com: a personal, project or group access token (`glpat-`) reads
//! itself. A token GitLab does not know draws `401 {"message": "401
//! Unauthorized"}`; a revoked or expired one draws the OAuth error
//! `{"error": "invalid_token", "error_description": ...}`; a token without
//! the scope draws `403 {"error": "insufficient_scope"}`.
//! <https://docs.gitlab.com/api/personal_access_tokens/#get-details-on-a-personal-access-token>
//! <https://docs.gitlab.com/api/rest/troubleshooting/#status-codes>
//! <https://docs.gitlab.com/api/rest/authentication/>

use serde_json::Value;

use super::{flag, has_array, has_number, has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct GitLab;

pub static TOKEN: GitLab = GitLab;

impl Verifier for GitLab {
    fn id(&self) -> &'static str {
        "gitlab"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://gitlab.com",
            env: "KEYWARD_GITLAB_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/api/v4/personal_access_tokens/self").header("private-token", secret)
    }

    fn has_other_instances(&self) -> bool {
        true
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let token =
            has_number(body, "/id") && has_array(body, "/scopes") && has_text(body, "/name");
        let oauth = |error: &str| is(body, "/error", error) && has_text(body, "/error_description");
        match status {
            200 if token && flag(body, "/active") == Some(true) => Some(Verdict::Live),
            401 if is(body, "/message", "401 Unauthorized") || oauth("invalid_token") => {
                Some(Verdict::Invalid)
            }
            403 if oauth("insufficient_scope") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/api/v4/personal_access_tokens/self",
            carrier: Carrier::header("private-token"),
            live: &[(
                200,
                r#"{"id":4,"name":"Test Token","revoked":false,"created_at":"2020-07-23T14:31:47.729Z","description":"Test Token description","scopes":["api"],"user_id":3,"last_used_at":"2021-10-06T17:58:37.550Z","active":true,"expires_at":null}"#,
            )],
            invalid: &[
                (401, r#"{"message":"401 Unauthorized"}"#),
                (
                    401,
                    r#"{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}"#,
                ),
                (
                    401,
                    r#"{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}"#,
                ),
            ],
            restricted: &[(
                403,
                r#"{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
