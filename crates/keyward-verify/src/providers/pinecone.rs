//! Pinecone: list indexes with the key in `Api-Key`. Errors are
//! `{"error": {"code", "message"}, "status"}`: `UNAUTHENTICATED` (401) for a
//! bad key, `PERMISSION_DENIED` (403) for a key without the role.
//! <https://docs.pinecone.io/reference/api/2025-01/control-plane/list_indexes>
//! <https://docs.pinecone.io/reference/api/errors>

use serde_json::Value;

use super::{has_array, has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Pinecone;

pub static API_KEY: Pinecone = Pinecone;

impl Verifier for Pinecone {
    fn id(&self) -> &'static str {
        "pinecone"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.pinecone.io",
            env: "KEYWARD_PINECONE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/indexes")
            .header("api-key", secret)
            .header("x-pinecone-api-version", "2025-01")
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let error = |code: &str| {
            is(body, "/error/code", code)
                && has_text(body, "/error/message")
                && body.get("status").and_then(Value::as_u64) == Some(u64::from(status))
        };
        match status {
            200 if has_array(body, "/indexes") => Some(Verdict::Live),
            401 if error("UNAUTHENTICATED") => Some(Verdict::Invalid),
            403 if error("PERMISSION_DENIED") => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/indexes",
            carrier: Carrier::header("api-key"),
            live: &[(
                200,
                r#"{"indexes":[{"name":"docs-example","dimension":1536,"metric":"cosine","host":"docs-example-abc.svc.pinecone.io","spec":{"serverless":{"cloud":"aws","region":"us-east-1"}},"status":{"ready":true,"state":"Ready"},"deletion_protection":"disabled"}]}"#,
            )],
            invalid: &[(
                401,
                r#"{"error":{"code":"UNAUTHENTICATED","message":"Invalid API Key"},"status":401}"#,
            )],
            restricted: &[(
                403,
                r#"{"error":{"code":"PERMISSION_DENIED","message":"Request failed. You do not have permission to perform this action."},"status":403}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
