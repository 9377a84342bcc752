//! Telegram: `getMe` with the bot token in the path, the only place the
//! Bot API takes it (percent-encoded, and never shown: `Request`'s Debug
//! hides the path and transport errors are not printed). Every answer is
//! `{"ok": ..., "result" | "error_code" + "description"}`; 401 means the
//! token is not (or no longer) a bot's. A 404 also comes back for a
//! malformed token, but equally for a moved method, so it decides nothing.
//! <https://core.telegram.org/bots/api#making-requests>
//! <https://core.telegram.org/bots/api#getme>

use serde_json::Value;

use super::{flag, has_text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier, segment};

pub struct Telegram;

pub static BOT_TOKEN: Telegram = Telegram;

impl Verifier for Telegram {
    fn id(&self) -> &'static str {
        "telegram"
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://api.telegram.org",
            env: "KEYWARD_TELEGRAM_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        Request::get(format!("/bot{}/getMe", segment(secret)))
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let code = body.get("error_code").and_then(Value::as_u64);
        match (status, flag(body, "/ok")) {
            (200, Some(true)) if flag(body, "/result/is_bot") == Some(true) => Some(Verdict::Live),
            (401, Some(false)) if code == Some(401) && has_text(body, "/description") => {
                Some(Verdict::Invalid)
            }
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        Samples {
            path: "/bot{secret}/getMe",
            carrier: Carrier::Path,
            secret: Some(|| format!("{}:{}", "7".repeat(10), "Kw".repeat(17) + "x")),
            live: &[(
                200,
                r#"{"ok":true,"result":{"id":1234567890,"is_bot":true,"first_name":"Keyward Test","username":"keyward_test_bot","can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false}}"#,
            )],
            invalid: &[(
                401,
                r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
            )],
            undecided: &[(
                404,
                r#"{"ok":false,"error_code":404,"description":"Not Found"}"#,
            )],
            ..Samples::DEFAULT
        }
    }
}
