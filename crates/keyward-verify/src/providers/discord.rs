//! Discord: a bot token reads its own user (`Authorization: Bot …`); a
//! webhook URL is read with a GET, which only returns the webhook (it
//! never posts). Errors are `{"message", "code"}` with Discord's JSON error
//! codes: `0` "401: Unauthorized" for a bad bot token, `50027` "Invalid
//! Webhook Token", `10015` "Unknown Webhook" (deleted).
//! <https://discord.com/developers/docs/reference#authentication>
//! <https://discord.com/developers/docs/resources/user#get-current-user>
//! <https://discord.com/developers/docs/resources/webhook#get-webhook-with-token>
//! <https://discord.com/developers/docs/topics/opcodes-and-status-codes#json>

use serde_json::Value;

use super::{has_text, text};
use crate::verifier::{Endpoint, Request, Verdict, Verifier, segment};

pub struct Discord {
    id: &'static str,
}

pub static BOT_TOKEN: Discord = Discord { id: "discord-bot" };

/// The secret is the webhook URL (`https://discord.com/api/webhooks/ID/TOKEN`,
/// also `discordapp.com`, `/api/v10/…`) or `ID/TOKEN`.
pub static WEBHOOK: Discord = Discord {
    id: "discord-webhook",
};

/// The webhook's id and token, each kept to one path segment.
fn webhook_path(secret: &str) -> String {
    let rest = secret
        .rsplit_once("/webhooks/")
        .map_or(secret, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (id, token) = rest.split_once('/').unwrap_or((rest, ""));
    let token = token.trim_end_matches('/');
    format!("/api/webhooks/{}/{}", segment(id), segment(token))
}

impl Verifier for Discord {
    fn id(&self) -> &'static str {
        self.id
    }

    fn endpoint(&self) -> Endpoint {
        Endpoint {
            base: "https://discord.com",
            env: "KEYWARD_DISCORD_BASE_URL",
        }
    }

    fn request(&self, secret: &str) -> Request {
        match self.id {
            "discord-bot" => {
                Request::get("/api/v10/users/@me").header("authorization", format!("Bot {secret}"))
            }
            _ => Request::get(webhook_path(secret)),
        }
    }

    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict> {
        let body = body?;
        let code = body.get("code").and_then(Value::as_u64);
        let error = has_text(body, "/message");
        let bot = self.id == "discord-bot";
        match (status, code) {
            (200, _) if bot && has_text(body, "/id") && has_text(body, "/username") => {
                Some(Verdict::Live)
            }
            (200, _) if !bot && has_text(body, "/id") && has_text(body, "/channel_id") => {
                Some(Verdict::Live)
            }
            (401, Some(0)) if bot && text(body, "/message") == Some("401: Unauthorized") => {
                Some(Verdict::Invalid)
            }
            (401, Some(50027)) | (404, Some(10015)) if !bot && error => Some(Verdict::Invalid),
            _ => None,
        }
    }

    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples {
        use crate::testkit::{Carrier, Samples};
        if self.id == "discord-bot" {
            return Samples {
                path: "/api/v10/users/@me",
                carrier: Carrier::Header {
                    name: "authorization",
                    prefix: "Bot ",
                },
                live: &[(
                    200,
                    r#"{"id":"80351110224678912","username":"Nelly","discriminator":"0","global_name":null,"avatar":null,"bot":true,"flags":0}"#,
                )],
                invalid: &[(401, r#"{"message":"401: Unauthorized","code":0}"#)],
                ..Samples::DEFAULT
            };
        }
        Samples {
            path: "/api/webhooks/{secret}",
            carrier: Carrier::Path,
            secret: Some(|| format!("{}/{}", "1".repeat(18), "Kw-x_".repeat(13) + "abc")),
            live: &[(
                200,
                r#"{"type":1,"id":"223704706495545344","name":"test webhook","avatar":null,"channel_id":"199737254929760256","guild_id":"199737254929760256","application_id":null}"#,
            )],
            invalid: &[
                (401, r#"{"message":"Invalid Webhook Token","code":50027}"#),
                (404, r#"{"message":"Unknown Webhook","code":10015}"#),
            ],
            ..Samples::DEFAULT
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_url_gives_its_id_and_token_and_nothing_else() {
        let token = "Ab-c_d".repeat(11);
        for url in [
            format!("https://discord.com/api/webhooks/123/{token}"),
            format!("https://discordapp.com/api/v10/webhooks/123/{token}/"),
            format!("https://discord.com/api/webhooks/123/{token}?wait=true"),
            format!("123/{token}"),
        ] {
            assert_eq!(
                webhook_path(&url),
                format!("/api/webhooks/123/{token}"),
                "{url}"
            );
        }
        assert_eq!(webhook_path("1/a/b"), "/api/webhooks/1/a%2Fb");
    }
}
