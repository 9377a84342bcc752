//! The test harness every verifier goes through. Each provider's file
//! states, as data, what its provider documents (`Verifier::samples`): the
//! request, where the secret travels, and the answers for a working, a
//! revoked and a restricted key. `harness.rs` plays those answers from a
//! real HTTP server on 127.0.0.1 and checks the verdicts, the request the
//! server received, and that impostors (a gateway's body, an HTML page,
//! another provider's error, 404, 429, 5xx) never pass for the provider.
//!
//! The samples are a trait method rather than a table beside the registry
//! so that a provider stays one file, and a verifier without samples does
//! not compile.

mod harness;
pub mod server;

/// One documented answer: an HTTP status and its JSON body.
pub type Sample = (u16, &'static str);

/// Where the provider documents that the secret travels. The harness
/// checks that it travels there and nowhere else.
#[derive(Debug, Clone, Copy)]
pub enum Carrier {
    /// A header whose value is `prefix` then the secret
    /// (`authorization: Bearer …`, `x-api-key: …`).
    Header {
        name: &'static str,
        prefix: &'static str,
    },
    /// HTTP Basic with this user name and the secret as the password.
    Basic { user: &'static str },
    /// Percent-encoded in the path (a Telegram bot token, a webhook URL).
    Path,
}

impl Carrier {
    pub const BEARER: Carrier = Carrier::Header {
        name: "authorization",
        prefix: "Bearer ",
    };

    pub const fn header(name: &'static str) -> Carrier {
        Carrier::Header { name, prefix: "" }
    }
}

/// What a provider documents, for its verifier's tests.
#[derive(Debug, Clone, Copy)]
pub struct Samples {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path and query received, with `{secret}` where a `Path` carrier
    /// puts the (percent-encoded) secret.
    pub path: &'static str,
    pub carrier: Carrier,
    /// A secret of the shape the verifier reads, for verifiers that take
    /// it apart (a webhook URL); others get an arbitrary one.
    pub secret: Option<fn() -> String>,
    /// Answers meaning the key works.
    pub live: &'static [Sample],
    /// The provider's own "revoked, expired or never valid".
    pub invalid: &'static [Sample],
    /// The provider's own "real, but not allowed" (empty where the
    /// endpoint needs no permission).
    pub restricted: &'static [Sample],
    /// The provider's own answers that still say nothing about the key (a
    /// 403 rate limit, a 404 for a moved method): they must stay unknown.
    pub undecided: &'static [Sample],
    /// Verifier ids whose documented answers are legitimately this
    /// provider's too (kinds of key of one provider, or an API that copies
    /// another's format). Their bodies are not impostors here.
    pub kin: &'static [&'static str],
}

impl Samples {
    /// A template to fill with `..Samples::DEFAULT`.
    pub const DEFAULT: Samples = Samples {
        method: "GET",
        path: "/",
        carrier: Carrier::BEARER,
        secret: None,
        live: &[],
        invalid: &[],
        restricted: &[],
        undecided: &[],
        kin: &[],
    };
}
