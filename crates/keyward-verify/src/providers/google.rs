//! Google API keys (`AIza…`): list the Gemini API's models, which costs
//! nothing, with the key in `x-goog-api-key`. Errors are Google's
//! `{"error": {"code", "message", "status", "details": [ErrorInfo]}}` and
//! the ErrorInfo `reason` decides: `API_KEY_INVALID` (and
//! `API_KEY_EXPIRED`) is a dead key; a key that exists but may not call
//! this API (`SERVICE_DISABLED`, `API_KEY_SERVICE_BLOCKED`, a referrer, IP
//! or app restriction) is real but restricted. Most `AIza` keys are Maps or
//! Firebase keys, so restricted is the common answer for a real key.
//! <https://ai.google.dev/api/models#method:-models.list>
//! <https://cloud.google.com/apis/design/errors#error_info>
//! <https://github.com/googleapis/googleapis/blob/master/google/api/error_reason.proto>

use serde_json::Value;

use super::{has_array, has_text, is, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Google;

pub static API_KEY: Google = Google;

const DEAD: &[&str] = &["API_KEY_INVALID", "API_KEY_EXPIRED"];

const REFUSED: &[&str] = &[
    "SERVICE_DISABLED",
    "API_KEY_SERVICE_BLOCKED",
    "API_KEY_HTTP_REFERRER_BLOCKED",
    "API_KEY_IP_ADDRESS_BLOCKED",
    "API_KEY_ANDROID_APP_BLOCKED",
    "API_KEY_IOS_APP_BLOCKED",
];

impl Verifier for Google {
    fn id(&self) -> &'static str {
        "google-api-key"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://generativelanguage.googleapis.com",
            env: "KEYWARD_GOOGLE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1beta/models?pageSize=1").header("x-goog-api-key", secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let reason = body
            .pointer("/error/details")
            .and_then(Value::as_array)
            .and_then(|details| {
                details.iter().find(|d| {
                    is(d, "/@type", "type.googleapis.com/google.rpc.ErrorInfo")
                        && is(d, "/domain", "googleapis.com")
                })
            })
            .and_then(|info| text(info, "/reason"));
        let error = body.pointer("/error/code").and_then(Value::as_u64) == Some(u64::from(status))
            && has_text(body, "/error/status");
        match (status, reason) {
            (200, _) if has_array(body, "/models") => Some(Verdict::Live),
            (400, Some(r)) if error && DEAD.contains(&r) => Some(Verdict::Invalid),
            (403, Some(r)) if error && REFUSED.contains(&r) => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/v1beta/models?pageSize=1",
            carrier: Carrier::header("x-goog-api-key"),
            live: &[(
                200,
                r#"{"models":[{"name":"models/gemini-2.0-flash","version":"2.0","displayName":"Gemini 2.0 Flash","inputTokenLimit":1048576,"outputTokenLimit":8192,"supportedGenerationMethods":["generateContent","countTokens"]}],"nextPageToken":"Ch5tb2RlbHMvZ2VtaW5p"}"#,
            )],
            invalid: &[(
                400,
                r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}},{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en-US","message":"API key not valid. Please pass a valid API key."}]}}"#,
            )],
            restricted: &[
                (
                    403,
                    r#"{"error":{"code":403,"message":"Generative Language API has not been used in project 123456789012 before or it is disabled.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com","consumer":"projects/123456789012"}}]}}"#,
                ),
                (
                    403,
                    r#"{"error":{"code":403,"message":"Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.ModelService.ListModels are blocked.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_SERVICE_BLOCKED","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]}}"#,
                ),
            ],
            ..Samples::DEFAULT
        }
    }
}
