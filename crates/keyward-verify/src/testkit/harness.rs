//! Every registered verifier against its provider's documented answers,
//! played by a real server on 127.0.0.1, and against impostors.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use keyward_engine::verdict::{Reason, Status, Verification};

use super::server::{Received, Reply, Server};
use super::{Carrier, Sample, Samples};
use crate::VerifyOptions;
use crate::http::parse_json;
use crate::providers::REGISTRY;
use crate::retry::RetryPolicy;
use crate::verifier::{Verdict, Verifier, segment};

/// The first backoff; the first retry waits twice this.
const BACKOFF: Duration = Duration::from_millis(25);

/// Answers that gateways, proxies, WAFs and frameworks give on their own.
const IMPOSTORS: &[&str] = &[
    "",
    "{}",
    "[]",
    "null",
    "Unauthorized",
    // FastAPI's HTTPBearer, Django REST framework.
    r#"{"detail":"Not authenticated"}"#,
    r#"{"detail":"Authentication credentials were not provided."}"#,
    // Kong, AWS API Gateway.
    r#"{"message":"Unauthorized"}"#,
    r#"{"message":"Forbidden"}"#,
    r#"{"message":"No API key found in request"}"#,
    // A generic RFC 9457 problem from a gateway.
    r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid credentials"}"#,
    r#"{"error":"Unauthorized"}"#,
    r#"{"error":{"message":"Unauthorized"}}"#,
    r#"{"ok":false}"#,
    r#"{"success":false}"#,
    "<html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>",
    "<html><body><h1>407 Proxy Authentication Required</h1></body></html>",
];

fn options(verifier: &dyn Verifier, base: &str) -> VerifyOptions {
    VerifyOptions {
        concurrency: 1,
        timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(30),
        retry: RetryPolicy {
            max_retries: 1,
            backoff: BACKOFF,
            max_wait: Duration::from_secs(1),
        },
        overrides: HashMap::from([(verifier.endpoint().env, base.to_string())]),
    }
}

fn secret_of(verifier: &dyn Verifier) -> String {
    match verifier.samples().secret {
        Some(make) => make(),
        None => format!("kw-test-{}-Zq7Xv2", verifier.id()),
    }
}

thread_local! {
    /// One runtime and client per test thread: building a client loads the
    /// system's certificates, which takes longer than a whole ask here.
    static ASKER: (tokio::runtime::Runtime, reqwest::Client) = (
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(),
        crate::http::client(Duration::from_secs(5), true).unwrap(),
    );
}

/// Ask `verifier` about `secret` against a server playing `replies`, the
/// way `verify_findings` does (same `ask_all`, overrides and retries).
fn ask(
    verifier: &'static dyn Verifier,
    secret: &str,
    replies: Vec<Reply>,
) -> (Verification, Vec<Received>) {
    let server = Server::start(replies);
    let options = options(verifier, &server.base);
    let jobs = [(verifier, secret.to_string())];
    let requests = Arc::new(AtomicU64::new(0));
    let verification = ASKER.with(|(runtime, client)| {
        runtime.block_on(crate::ask_all(client.clone(), &jobs, &options, &requests))
    });
    (verification[0].clone(), server.received())
}

fn reply(sample: &Sample) -> Reply {
    Reply::new(sample.0, sample.1)
}

/// The secret as a `Path` carrier places it: each `/`-separated part one
/// percent-encoded segment.
fn in_path(secret: &str) -> String {
    secret.split('/').map(segment).collect::<Vec<_>>().join("/")
}

/// Whether the request carries the secret where the provider documents it,
/// and nowhere else; `Err` says what is wrong.
fn check_request(samples: &Samples, secret: &str, got: &Received) -> Result<(), String> {
    let encoded = in_path(secret);
    let target = samples.path.replace("{secret}", &encoded);
    if got.method != samples.method || got.target != target {
        return Err(format!(
            "sent {} {}, expected {} {target}",
            got.method, got.target, samples.method
        ));
    }
    if !got
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("keyward/"))
    {
        return Err("no keyward user-agent".into());
    }
    let in_path = got.target.contains(&encoded) || got.target.contains(secret);
    let in_body = String::from_utf8_lossy(&got.body).contains(secret);
    let carrying: Vec<&str> = got
        .headers
        .iter()
        .filter(|(_, v)| v.contains(secret))
        .map(|(n, _)| n.as_str())
        .collect();
    let expected_header = match samples.carrier {
        Carrier::Header { name, prefix } => {
            let value = format!("{prefix}{secret}");
            if got.header(name) != Some(value.as_str()) {
                return Err(format!("header {name} is not {prefix:?} + the secret"));
            }
            Some(name)
        }
        Carrier::Basic { user } => {
            let value = crate::verifier::Request::get("/")
                .basic(user, secret)
                .headers
                .remove(0)
                .1;
            if got.header("authorization") != Some(value.as_str()) {
                return Err(format!("authorization is not Basic {user}:secret"));
            }
            None
        }
        Carrier::Path => {
            if !got.target.contains(&encoded) {
                return Err("the secret is not in the path".into());
            }
            None
        }
    };
    let stray_header = carrying.iter().any(|n| Some(*n) != expected_header);
    let stray_path = in_path && !matches!(samples.carrier, Carrier::Path);
    if stray_header || stray_path || in_body {
        return Err(format!(
            "the secret also travels in headers {carrying:?}, path {stray_path}, body {in_body}"
        ));
    }
    Ok(())
}

/// Every check for one verifier; returns what failed.
fn check_verifier(verifier: &'static dyn Verifier) -> Vec<String> {
    let id = verifier.id();
    let samples = verifier.samples();
    let secret = secret_of(verifier);
    let mut failures = Vec::new();
    let expect = |failures: &mut Vec<String>,
                  what: String,
                  got: &Verification,
                  status: Status,
                  reason: Option<Reason>| {
        if got.status != status || got.reason != reason {
            failures.push(format!(
                "{id}: {what}: got {:?}/{:?}, expected {status:?}/{reason:?}",
                got.status, got.reason
            ));
        }
    };

    if samples.live.is_empty() || samples.invalid.is_empty() {
        return vec![format!("{id}: documents no live or no invalid answer")];
    }
    // The documented answers, and the request that drew them.
    let documented = [
        (Verdict::Live, samples.live),
        (Verdict::Invalid, samples.invalid),
        (Verdict::LiveRestricted, samples.restricted),
    ];
    let mut statuses = vec![200, 400, 401, 403];
    for (verdict, list) in documented {
        for sample in list {
            statuses.push(sample.0);
            let (got, received) = ask(verifier, &secret, vec![reply(sample)]);
            expect(
                &mut failures,
                format!("documented {} {}", sample.0, sample.1),
                &got,
                crate::outcome(verifier, verdict).0,
                crate::outcome(verifier, verdict).1,
            );
            if got.http_status != Some(sample.0) {
                failures.push(format!("{id}: http_status {:?}", got.http_status));
            }
            match received.as_slice() {
                [one] => {
                    if let Err(e) = check_request(&samples, &secret, one) {
                        failures.push(format!("{id}: {e}"));
                    }
                }
                more => failures.push(format!("{id}: {} requests for one answer", more.len())),
            }
        }
    }
    statuses.sort_unstable();
    statuses.dedup();
    statuses.retain(|s| !matches!(s, 404 | 429 | 500..=599));

    // A gateway's, a proxy's or a framework's answer proves nothing.
    for status in &statuses {
        for body in IMPOSTORS {
            let (got, _) = ask(verifier, &secret, vec![Reply::new(*status, *body)]);
            expect(
                &mut failures,
                format!("impostor {status} {body}"),
                &got,
                Status::Unknown,
                Some(Reason::UnexpectedResponse),
            );
        }
    }
    for sample in samples.undecided {
        let (got, _) = ask(verifier, &secret, vec![reply(sample)]);
        let reason = match sample.0 {
            404 => Reason::EndpointChanged,
            429 => Reason::RateLimited,
            500..=599 => Reason::ProviderError,
            _ => Reason::UnexpectedResponse,
        };
        expect(
            &mut failures,
            format!("undecided {} {}", sample.0, sample.1),
            &got,
            Status::Unknown,
            Some(reason),
        );
    }
    // A server error is never a verdict, even with a documented body.
    for sample in samples.live.iter().chain(samples.invalid) {
        let (got, received) = ask(verifier, &secret, vec![Reply::new(502, sample.1)]);
        expect(
            &mut failures,
            format!("502 with {}", sample.1),
            &got,
            Status::Unknown,
            Some(Reason::ProviderError),
        );
        if received.len() != 2 {
            failures.push(format!("{id}: 502 asked {} times, not 2", received.len()));
        }
    }
    for body in [r#"{"message":"Not Found"}"#, "<html>404</html>"] {
        let (got, _) = ask(verifier, &secret, vec![Reply::new(404, body)]);
        expect(
            &mut failures,
            format!("404 {body}"),
            &got,
            Status::Unknown,
            Some(Reason::EndpointChanged),
        );
    }
    // A rate limit is waited out; the latency covers the whole ask.
    let limited = Reply::new(429, r#"{"error":"rate limited"}"#);
    let (got, received) = ask(verifier, &secret, vec![limited, reply(&samples.live[0])]);
    expect(
        &mut failures,
        "429 then live".into(),
        &got,
        Status::Live,
        None,
    );
    let waited = got.latency_ms.unwrap_or(0);
    if received.len() != 2 || waited < 2 * BACKOFF.as_millis() as u64 {
        failures.push(format!(
            "{id}: 429 then live: {} requests, latency {waited} ms",
            received.len()
        ));
    }
    let (got, _) = ask(verifier, &secret, vec![Reply::new(429, "{}")]);
    expect(
        &mut failures,
        "429 throughout".into(),
        &got,
        Status::Unknown,
        Some(Reason::RateLimited),
    );
    failures
}

/// Two verifiers are kin when either says so (or they are the same).
fn kin(a: &dyn Verifier, b: &dyn Verifier) -> bool {
    a.id() == b.id() || a.samples().kin.contains(&b.id()) || b.samples().kin.contains(&a.id())
}

#[test]
fn every_verifier_reads_its_providers_documented_answers_and_nothing_else() {
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<_> = REGISTRY
            .chunks(REGISTRY.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|v| check_verifier(*v))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_provider_passes_for_another() {
    let mut failures = Vec::new();
    for verifier in REGISTRY {
        for other in REGISTRY.iter().filter(|o| !kin(*verifier, **o)) {
            let theirs = other.samples();
            for sample in theirs
                .live
                .iter()
                .chain(theirs.invalid)
                .chain(theirs.restricted)
            {
                let body = parse_json(sample.1.as_bytes());
                if let Some(verdict) = verifier.judge(sample.0, body.as_ref()) {
                    failures.push(format!(
                        "{} reads {}'s {} {} as {verdict:?}",
                        verifier.id(),
                        other.id(),
                        sample.0,
                        sample.1
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kin_named_exists() {
    // Kinship weakens the impostor check, so it must be deliberate: every
    // id named must exist.
    for verifier in REGISTRY {
        for id in verifier.samples().kin {
            assert!(
                crate::providers::by_id(id).is_some(),
                "{}: unknown kin {id}",
                verifier.id()
            );
        }
    }
}

#[test]
fn a_huge_body_gives_unknown_without_being_read() {
    use super::server::Body;
    let anthropic = crate::providers::by_id("anthropic-api").unwrap();
    let live = anthropic.samples().live[0];
    for (sent, stall) in [
        (10 << 20, Duration::ZERO),
        (1 << 20, Duration::from_secs(30)),
    ] {
        let mut huge = Reply::new(200, live.1);
        huge.body = Body::Huge {
            len: 10 << 20,
            sent,
            stall,
        };
        let started = std::time::Instant::now();
        let (got, _) = ask(anthropic, "kw-test", vec![huge]);
        // Reading it all would take the stall, past the 5 s timeout.
        assert_eq!(
            (got.status, got.reason),
            (Status::Unknown, Some(Reason::UnexpectedResponse))
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
}

#[test]
fn latency_covers_a_retry_after_wait() {
    let anthropic = crate::providers::by_id("anthropic-api").unwrap();
    let limited = Reply::new(429, "{}").header("retry-after", "1");
    let (got, received) = ask(
        anthropic,
        "kw-test",
        vec![limited, reply(&anthropic.samples().live[0])],
    );
    assert_eq!(got.status, Status::Live);
    assert_eq!(received.len(), 2);
    assert!(got.latency_ms.unwrap() >= 1000, "{:?}", got.latency_ms);
}
