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

use crate::verifier::{Verdict, Verifier};

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

/// A provider's own error: the string at `code` is `expected`, and a
/// message (a string at `message`) comes with it.
fn error_says(body: &Value, code: &str, expected: &str, message: &str) -> bool {
    is(body, code, expected) && has_text(body, message)
}

/// The `{"id", "message"}` errors that DigitalOcean and Heroku send: 401
/// `unauthorized` (revoked) and 403 `forbidden` (real, but not allowed).
fn id_message_error(status: u16, body: &Value) -> Option<Verdict> {
    let error = |id: &str| error_says(body, "/id", id, "/message");
    match status {
        401 if error("unauthorized") => Some(Verdict::Invalid),
        403 if error("forbidden") => Some(Verdict::LiveRestricted),
        _ => None,
    }
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

    /// A verifier reads the secret as its rules produce it: the request of
    /// every wired rule's example carries the example's random tail.
    #[test]
    fn every_wired_rule_s_secret_travels_in_its_request() {
        let mut rng = keyward_engine::rules::Rng::seeded(7);
        for def in keyward_engine::rules::builtin_defs().unwrap() {
            let Some(verifier) = def.verifier.as_deref().and_then(by_id) else {
                continue;
            };
            let example = def.example_secret(&mut rng).unwrap();
            let request = verifier.request(&example);
            let carried: String = request
                .headers
                .iter()
                .map(|(_, v)| v.as_str())
                .chain([request.path.as_str()])
                .chain(request.body.as_ref().map(|(_, b)| b.as_str()))
                .collect();
            let tail = &example[example.len().saturating_sub(12)..];
            assert!(
                carried.contains(tail),
                "{}: the request for {} does not carry the key",
                def.id,
                verifier.id()
            );
        }
    }

    /// `docs/rules.md`, the catalog and its verifiers, is generated from
    /// the rule data and this registry; `KEYWARD_UPDATE_DOCS=1 cargo test`
    /// writes it again.
    #[test]
    fn the_generated_catalog_is_up_to_date() {
        use std::fmt::Write;
        let defs = keyward_engine::rules::builtin_defs().unwrap();
        let mut md = String::from(
            "# The built-in catalog\n\nGenerated from `crates/keyward-engine/rules/*.toml` and the verifier registry by `KEYWARD_UPDATE_DOCS=1 cargo test`. Do not edit by hand.\n\n",
        );
        let verified = defs.iter().filter(|d| d.verifier.is_some()).count();
        let providers: std::collections::BTreeSet<&str> =
            defs.iter().map(|d| d.provider.as_str()).collect();
        let _ = writeln!(
            md,
            "{} rules from {} providers; {} of them verified live by {} verifiers.\n",
            defs.len(),
            providers.len(),
            verified,
            REGISTRY.len()
        );
        md.push_str("| rule | provider | severity | verified by | keywords | source of the format |\n|---|---|---|---|---|---|\n");
        for d in &defs {
            let verifier = match d.verifier.as_deref().and_then(by_id) {
                Some(v) => {
                    let r = v.request("KEY");
                    let method = match r.method {
                        crate::verifier::Method::Get => "GET",
                        crate::verifier::Method::Post => "POST",
                    };
                    let path = r
                        .path
                        .split('?')
                        .next()
                        .unwrap_or_default()
                        .replace("KEY", "…");
                    format!("`{}` {method} {}{path}", v.id(), v.endpoint().base)
                }
                None => "-".to_string(),
            };
            let keywords: Vec<String> = d
                .keywords
                .iter()
                .map(|k| format!("`{}`", k.replace('|', "\\|")))
                .collect();
            let source = d
                .references
                .first()
                .map(|r| format!("<{r}>"))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {verifier} | {} | {source} |",
                d.id,
                d.provider,
                d.severity.as_str(),
                keywords.join(" ")
            );
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
        if std::env::var_os("KEYWARD_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &md).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == md,
            "docs/rules.md is out of date: run `KEYWARD_UPDATE_DOCS=1 cargo test -p keyward-verify`"
        );
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
