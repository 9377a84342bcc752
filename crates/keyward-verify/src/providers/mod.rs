//! Every provider keyward can ask, one file each, in one list.

mod airtable;
mod anthropic;
mod brevo;
mod cloudflare;
mod deepgram;
mod digitalocean;
mod discord;
mod doppler;
mod elevenlabs;
mod figma;
mod github;
mod gitlab;
mod google;
mod groq;
mod heroku;
mod huggingface;
mod linear;
mod notion;
mod openai;
mod openrouter;
mod pinecone;
mod postman;
mod replicate;
mod sendgrid;
mod slack;
mod square;
mod stripe;
mod telegram;
mod vercel;
mod xai;

use serde_json::Value;

use crate::verifier::Verifier;

/// The registry. A built-in rule's `verifier` must name one of these ids.
pub static REGISTRY: &[&dyn Verifier] = &[
    &airtable::TOKEN,
    &anthropic::API_KEY,
    &anthropic::ADMIN_KEY,
    &brevo::API_KEY,
    &cloudflare::API_TOKEN,
    &deepgram::API_KEY,
    &digitalocean::TOKEN,
    &discord::BOT_TOKEN,
    &discord::WEBHOOK,
    &doppler::TOKEN,
    &elevenlabs::API_KEY,
    &figma::TOKEN,
    &github::USER_TOKEN,
    &github::INSTALLATION_TOKEN,
    &gitlab::TOKEN,
    &google::API_KEY,
    &groq::API_KEY,
    &heroku::TOKEN,
    &huggingface::TOKEN,
    &linear::API_KEY,
    &notion::TOKEN,
    &openai::API_KEY,
    &openai::ADMIN_KEY,
    &openrouter::API_KEY,
    &pinecone::API_KEY,
    &postman::API_KEY,
    &replicate::API_TOKEN,
    &sendgrid::API_KEY,
    &slack::TOKEN,
    &square::TOKEN,
    &stripe::SECRET_KEY,
    &telegram::BOT_TOKEN,
    &vercel::TOKEN,
    &xai::API_KEY,
];

pub fn by_id(id: &str) -> Option<&'static dyn Verifier> {
    REGISTRY.iter().copied().find(|v| v.id() == id)
}

/// Every registered id, for checking rules as they load.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|v| v.id()).collect()
}

/// The string at a JSON pointer (`/error/type`).
fn text<'a>(body: &'a Value, pointer: &str) -> Option<&'a str> {
    body.pointer(pointer).and_then(Value::as_str)
}

/// Whether the value at a JSON pointer is the string `expected`.
fn is(body: &Value, pointer: &str, expected: &str) -> bool {
    text(body, pointer) == Some(expected)
}

/// Whether the value at a JSON pointer is a string.
fn has_text(body: &Value, pointer: &str) -> bool {
    text(body, pointer).is_some()
}

/// Whether the value at a JSON pointer is an array.
fn has_array(body: &Value, pointer: &str) -> bool {
    body.pointer(pointer).is_some_and(Value::is_array)
}

/// Whether the value at a JSON pointer is an object.
fn has_object(body: &Value, pointer: &str) -> bool {
    body.pointer(pointer).is_some_and(Value::is_object)
}

/// Whether the value at a JSON pointer is a number.
fn has_number(body: &Value, pointer: &str) -> bool {
    body.pointer(pointer).is_some_and(Value::is_number)
}

/// The value at a JSON pointer as a bool.
fn flag(body: &Value, pointer: &str) -> Option<bool> {
    body.pointer(pointer).and_then(Value::as_bool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids = ids();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }

    #[test]
    fn every_builtin_verifier_resolves() {
        for def in keyward_engine::rules::builtin_defs().unwrap() {
            if let Some(id) = &def.verifier {
                assert!(by_id(id).is_some(), "{}: unknown verifier {id}", def.id);
            }
        }
        keyward_engine::rules::compile_rules(Vec::new(), &[], &ids()).unwrap();
    }

    #[test]
    fn every_endpoint_is_https_with_its_own_variable() {
        let mut envs = Vec::new();
        for v in REGISTRY {
            let endpoint = v.endpoint();
            assert!(endpoint.base.starts_with("https://"), "{}", v.id());
            assert!(!endpoint.base.ends_with('/'), "{}", v.id());
            assert!(
                endpoint.env.starts_with("KEYWARD_") && endpoint.env.ends_with("_BASE_URL"),
                "{}",
                v.id()
            );
            envs.push((endpoint.env, endpoint.base));
        }
        // One variable names one host.
        envs.sort_unstable();
        envs.dedup();
        for pair in envs.windows(2) {
            assert_ne!(pair[0].0, pair[1].0, "{} names two bases", pair[0].0);
        }
    }
}
