//! OpenAI: project, service-account and user keys list models; admin keys
//! (`sk-admin-`) cannot, so they list the organization's projects. Errors
//! are `{"error": {"message", "type", "param", "code"}}`: a revoked,
//! deleted or unknown key is `401` with code `invalid_api_key`; a
//! restricted key without the scope is told "You have insufficient
//! permissions for this operation" (401 or 403).
//! <https://platform.openai.com/docs/guides/error-codes#api-errors>
//! <https://platform.openai.com/docs/api-reference/models/list>
//! <https://platform.openai.com/docs/api-reference/projects/list>

use serde_json::Value;

use super::{has_array, is, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct OpenAi {
    id: &'static str,
    path: &'static str,
    /// The `object` of every listed item.
    item: &'static str,
}

pub static API_KEY: OpenAi = OpenAi {
    id: "openai",
    path: "/v1/models",
    item: "model",
};

pub static ADMIN_KEY: OpenAi = OpenAi {
    id: "openai-admin",
    path: "/v1/organization/projects?limit=1",
    item: "organization.project",
};

/// An OpenAI-style list whose items are all `item`s; Groq and others
/// answer the same way.
pub(super) fn listed(body: &Value, item: &str) -> bool {
    is(body, "/object", "list")
        && has_array(body, "/data")
        && body
            .get("data")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().all(|i| is(i, "/object", item)))
}

impl Verifier for OpenAi {
    fn id(&self) -> &'static str {
        self.id
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.openai.com",
            env: "KEYWARD_OPENAI_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get(self.path).bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let message = text(body, "/error/message").unwrap_or_default();
        let error = body.get("error").is_some_and(Value::is_object) && !message.is_empty();
        match status {
            200 if listed(body, self.item) => Some(Verdict::Live),
            401 if error && is(body, "/error/code", "invalid_api_key") => Some(Verdict::Invalid),
            401 | 403
                if error
                    && message
                        .starts_with("You have insufficient permissions for this operation") =>
            {
                Some(Verdict::LiveRestricted)
            }
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        let live: &'static [crate::testkit::Sample] = if self.id == "openai" {
            &[(
                200,
                r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"}]}"#,
            )]
        } else {
            &[(
                200,
                r#"{"object":"list","data":[{"id":"proj_abc","object":"organization.project","name":"Project example","created_at":1711471533,"archived_at":null,"status":"active"}],"first_id":"proj_abc","last_id":"proj_abc","has_more":false}"#,
            )]
        };
        Samples {
            path: self.path,
            live,
            invalid: &[(
                401,
                r#"{"error":{"message":"Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
            )],
            restricted: &[(
                401,
                r#"{"error":{"message":"You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.","type":"invalid_request_error","param":null,"code":null}}"#,
            )],
            undecided: &[
                (
                    401,
                    r#"{"error":{"message":"Your account is not active, please check your billing details on our website.","type":"billing_not_active","param":null,"code":"account_deactivated"}}"#,
                ),
                (
                    403,
                    r#"{"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}}"#,
                ),
            ],
            kin: &["openai", "openai-admin", "groq"],
            ..Samples::DEFAULT
        }
    }
}
