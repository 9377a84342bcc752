//! Stripe: a secret (`sk_live_`/`sk_test_`) or restricted (`rk_`) key
//! reads the balance: a GET that neither spends nor changes anything.
//! Errors are `{"error": {"type", "message", "code"?}}`: 401 for an
//! unknown, revoked or expired key (`api_key_expired`), 403 for a
//! restricted key without the permission.
//! <https://docs.stripe.com/api/balance/balance_retrieve>
//! <https://docs.stripe.com/api/errors>
//! <https://docs.stripe.com/error-codes#api-key-expired>

use serde_json::Value;

use super::{has_array, has_text, is};
use crate::verifier::{Endpoint, Request, Verdict, Verifier};

pub struct Stripe;

pub static SECRET_KEY: Stripe = Stripe;

impl Verifier for Stripe {
    fn id(&self) -> &'static str {
        "stripe"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.stripe.com",
            env: "KEYWARD_STRIPE_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get("/v1/balance").bearer(secret)
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let balance = is(body, "/object", "balance") && has_array(body, "/available");
        let error =
            is(body, "/error/type", "invalid_request_error") && has_text(body, "/error/message");
        // OpenAI's errors copy Stripe's shape but always carry a `code`.
        let stripe_code = match body.pointer("/error/code") {
            None => true,
            Some(code) => code.as_str() == Some("api_key_expired"),
        };
        match status {
            200 if balance => Some(Verdict::Live),
            401 if error && stripe_code => Some(Verdict::Invalid),
            403 if error => Some(Verdict::LiveRestricted),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::Samples;
        Samples {
            path: "/v1/balance",
            live: &[(
                200,
                r#"{"object":"balance","available":[{"amount":666670,"currency":"usd","source_types":{"card":666670}}],"connect_reserved":[{"amount":0,"currency":"usd"}],"livemode":false,"pending":[{"amount":61414,"currency":"usd","source_types":{"card":61414}}]}"#,
            )],
            invalid: &[
                (
                    401,
                    r#"{"error":{"message":"Invalid API Key provided: sk_test_****1234","type":"invalid_request_error"}}"#,
                ),
                (
                    401,
                    r#"{"error":{"code":"api_key_expired","doc_url":"https://stripe.com/docs/error-codes/api-key-expired","message":"Expired API Key provided: sk_test_****1234","type":"invalid_request_error"}}"#,
                ),
            ],
            restricted: &[(
                403,
                r#"{"error":{"message":"The provided key 'rk_test_****1234' does not have the required permissions for this endpoint on account 'acct_1032D82eZvKYlo2C'. Having the 'rak_balance_read' permission would allow this request to continue.","type":"invalid_request_error"}}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
