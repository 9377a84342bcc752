//! xAI: `GET /v1/api-key` describes the key itself, including whether it
//! or its team is blocked or disabled (real, but refused: restricted). A
//! bad key draws `400` or `401` with `{"code": ..., "error": "Incorrect
//! API key provided: …"}`.
//! <https://docs.x.ai/docs/api-reference#api-key>
//! <https://docs.x.ai/docs/key-information/debugging#status-codes>

use serde_json::Value;

use super::{flag, has_array, has_text, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Xai;

pub static API_KEY: Xai = Xai;

impl Verifier for Xai {
    fn id(&self) -> &'static str {
        "xai"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.x.ai",
            env: "KEYWARD_XAI_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1/api-key").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let key = has_text(body, "/api_key_id")
            && has_text(body, "/redacted_api_key")
            && has_array(body, "/acls");
        let refused = ["/api_key_blocked", "/api_key_disabled", "/team_blocked"]
            .iter()
            .map(|p| flag(body, p))
            .collect::<Option<Vec<bool>>>();
        let incorrect = has_text(body, "/code")
            && text(body, "/error").is_some_and(|e| e.starts_with("Incorrect API key provided"));
        match (status, refused) {
            (200, Some(refused)) if key && refused.iter().any(|r| *r) => {
                Some(Verdict::LiveRestricted)
            }
            (200, Some(_)) if key => Some(Verdict::Live),
            (400 | 401, _) if incorrect => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v1/api-key",
            live: &[(
                200,
                r#"{"redacted_api_key":"xai-...b14o","user_id":"59fbe5f2-040b-46d5-8325-868bb8f23eb2","name":"My API Key","create_time":"2024-01-01T12:55:18.139305Z","modify_time":"2024-08-28T17:20:12.343321Z","modified_by":"3d38b4dc-4eb7-4785-ae26-c3fa8997ffc7","team_id":"5ea6f6bd-7815-4b8a-9135-28b2d7ba6722","acls":["api-key:model:*","api-key:endpoint:*"],"api_key_id":"ae1e1841-4326-4c8d-9ea0-9a9c1f2f6bd7","team_blocked":false,"api_key_blocked":false,"api_key_disabled":false}"#,
            )],
            invalid: &[(
                400,
                r#"{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***23. You can obtain an API key from https://console.x.ai."}"#,
            )],
            restricted: &[(
                200,
                r#"{"redacted_api_key":"xai-...b14o","user_id":"59fbe5f2-040b-46d5-8325-868bb8f23eb2","name":"My API Key","create_time":"2024-01-01T12:55:18.139305Z","modify_time":"2024-08-28T17:20:12.343321Z","modified_by":"3d38b4dc-4eb7-4785-ae26-c3fa8997ffc7","team_id":"5ea6f6bd-7815-4b8a-9135-28b2d7ba6722","acls":[],"api_key_id":"ae1e1841-4326-4c8d-9ea0-9a9c1f2f6bd7","team_blocked":false,"api_key_blocked":false,"api_key_disabled":true}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
