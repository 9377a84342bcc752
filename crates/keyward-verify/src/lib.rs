//! Live verification: asks each provider whether a found key works, with
//! honest answers. Each distinct key is asked about once; every provider
//! endpoint has its own concurrency cap; 429 and 5xx are retried with
//! backoff; a deadline bounds the whole phase, so a hanging provider cannot
//! hang the scan. Keys go only to the provider's own endpoint.
//!
//! This is the only crate with an HTTP client.
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod http;
pub mod providers;
pub mod retry;
#[cfg(test)]
mod testkit;
pub mod verifier;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use keyward_engine::finding::Finding;
use keyward_engine::rules::Rule;
use keyward_engine::verdict::{Reason, Status, Verification};
use tokio::sync::Semaphore;

use http::NoAnswer;
use retry::{Failure, RetryPolicy};
pub use verifier::{Endpoint, Verdict, Verifier};

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Requests in flight at once, per endpoint.
    pub concurrency: usize,
    /// Per request, from connecting to the end of the body.
    pub timeout: Duration,
    /// For the whole verification phase.
    pub deadline: Duration,
    pub retry: RetryPolicy,
    /// Base URLs that replace an endpoint's default, by its environment
    /// variable. Only the caller fills this, from the environment.
    pub overrides: HashMap<&'static str, String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            concurrency: 8,
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            overrides: HashMap::new(),
        }
    }
}

impl VerifyOptions {
    /// Take each endpoint's override from its environment variable. An
    /// override must be `https://`, or `http://` to this machine (a test
    /// server): a key never crosses a network in clear text.
    pub fn with_env_overrides(
        mut self,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        for verifier in providers::REGISTRY {
            let env = verifier.endpoint().env;
            if let Some(url) = get(env).filter(|u| !u.is_empty()) {
                let url = url.trim_end_matches('/').to_string();
                check_base(env, &url)?;
                self.overrides.insert(env, url);
            }
        }
        Ok(self)
    }

    fn base(&self, endpoint: Endpoint) -> String {
        self.overrides
            .get(endpoint.env)
            .cloned()
            .unwrap_or_else(|| endpoint.base.to_string())
    }
}

/// Refuse a base URL that would send a key in clear text over a network,
/// or that is not a plain base URL. `Ok(true)` for plain http to this
/// machine.
fn check_base(env: &str, url: &str) -> Result<bool, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{env} is not a URL ({e})"))?;
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        _ if parsed.query().is_some() || parsed.fragment().is_some() => Err(format!(
            "{env} must be a base URL, without a query or a fragment"
        )),
        _ if !parsed.username().is_empty() || parsed.password().is_some() => {
            Err(format!("{env} must not hold credentials"))
        }
        "https" => Ok(false),
        "http" if loopback => Ok(true),
        "http" => Err(format!(
            "{env} is plain http:// to another machine: keys would cross the network \
             in clear text; use https://, or http:// only to 127.0.0.1, ::1 or localhost"
        )),
        other => Err(format!("{env}: unsupported scheme {other}://")),
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyStats {
    pub distinct_keys: usize,
    pub requests: u64,
}

/// A verification job: one distinct secret for one verifier.
type Job = (&'static dyn Verifier, String);

/// Verify the secrets of the unsuppressed findings whose rules name a
/// verifier, each distinct secret once, and record the answer on every
/// finding.
pub fn verify_findings(
    findings: &mut [Finding],
    rules: &[Rule],
    options: &VerifyOptions,
) -> Result<VerifyStats, String> {
    let verifier_of: HashMap<&str, &'static dyn Verifier> = rules
        .iter()
        .filter_map(|r| Some((r.id(), providers::by_id(r.def.verifier.as_deref()?)?)))
        .collect();
    let mut jobs: Vec<Job> = Vec::new();
    let mut job_of: HashMap<(&str, String), usize> = HashMap::new();
    let mut assigned = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        if finding.is_suppressed() {
            continue;
        }
        let Some(&verifier) = verifier_of.get(&*finding.rule_id) else {
            continue;
        };
        let secret = finding.secret.expose().to_string();
        let job = *job_of
            .entry((verifier.id(), secret.clone()))
            .or_insert_with(|| {
                jobs.push((verifier, secret));
                jobs.len() - 1
            });
        assigned.push((index, job));
    }
    if jobs.is_empty() {
        return Ok(VerifyStats::default());
    }
    let requests = Arc::new(AtomicU64::new(0));
    let answers = run(&jobs, options, &requests)?;
    for (index, job) in assigned {
        findings[index].verification = Some(answers[job].clone());
    }
    Ok(VerifyStats {
        distinct_keys: jobs.len(),
        requests: requests.load(Ordering::Relaxed),
    })
}

/// Ask about one secret `rounds` times, one after another; for
/// `keyward check`.
pub fn verify_rounds(
    verifier: &'static dyn Verifier,
    secret: &str,
    rounds: usize,
    options: &VerifyOptions,
) -> Result<Vec<Verification>, String> {
    let requests = Arc::new(AtomicU64::new(0));
    let jobs = [(verifier, secret.to_string())];
    let mut out = Vec::new();
    for _ in 0..rounds.max(1) {
        out.extend(run(&jobs, options, &requests)?);
    }
    Ok(out)
}

fn run(
    jobs: &[Job],
    options: &VerifyOptions,
    requests: &Arc<AtomicU64>,
) -> Result<Vec<Verification>, String> {
    // A plain-http base is this machine (check_base): never via a proxy.
    let mut direct = false;
    for (env, url) in &options.overrides {
        direct |= check_base(env, url)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the verification runtime: {e}"))?;
    let client = http::client(options.timeout, direct)?;
    Ok(runtime.block_on(ask_all(client, jobs, options, requests)))
}

async fn ask_all(
    client: reqwest::Client,
    jobs: &[Job],
    options: &VerifyOptions,
    requests: &Arc<AtomicU64>,
) -> Vec<Verification> {
    let deadline = tokio::time::Instant::now() + options.deadline;
    let mut caps: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = Vec::with_capacity(jobs.len());
    for (verifier, secret) in jobs {
        let base = options.base(verifier.endpoint());
        let cap = caps
            .entry(base.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(options.concurrency.max(1))))
            .clone();
        let (verifier, secret) = (*verifier, secret.clone());
        let (client, options, requests) = (client.clone(), options.clone(), requests.clone());
        tasks.push(tokio::spawn(async move {
            let asked = async {
                let _permit = cap.acquire_owned().await.ok();
                ask(&client, verifier, &base, &secret, &options, &requests).await
            };
            tokio::time::timeout_at(deadline, asked)
                .await
                .unwrap_or_else(|_| Verification::unknown(Reason::Deadline))
        }));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(
            task.await
                .unwrap_or_else(|_| Verification::unknown(Reason::Network)),
        );
    }
    out
}

/// Ask, retrying what is worth retrying, and classify the last answer.
/// The latency covers every try and wait.
async fn ask(
    client: &reqwest::Client,
    verifier: &dyn Verifier,
    base: &str,
    secret: &str,
    options: &VerifyOptions,
    requests: &AtomicU64,
) -> Verification {
    let request = verifier.request(secret);
    let started = Instant::now();
    let mut retry = 0;
    loop {
        retry += 1;
        requests.fetch_add(1, Ordering::Relaxed);
        let (verification, failure, retry_after) = match http::send(client, base, &request).await {
            Ok(answer) => {
                let verification = classify(verifier, &answer);
                (
                    verification,
                    Failure::Status(answer.status),
                    answer.retry_after,
                )
            }
            Err(NoAnswer::Timeout) => (
                Verification::unknown(Reason::Timeout),
                Failure::Timeout,
                None,
            ),
            Err(NoAnswer::Network) => (
                Verification::unknown(Reason::Network),
                Failure::Network,
                None,
            ),
        };
        let wait = match verification.status {
            Status::Unknown => options
                .retry
                .wait(failure, retry, retry_after, retry::jitter()),
            _ => None,
        };
        match wait {
            Some(wait) => tokio::time::sleep(wait).await,
            None => {
                return Verification {
                    latency_ms: Some(started.elapsed().as_millis() as u64),
                    ..verification
                };
            }
        }
    }
}

/// What a provider's verdict means for the key.
pub(crate) fn outcome(verifier: &dyn Verifier, verdict: Verdict) -> (Status, Option<Reason>) {
    match verdict {
        Verdict::Live => (Status::Live, None),
        Verdict::LiveRestricted => (Status::LiveRestricted, None),
        Verdict::Invalid if verifier.has_other_instances() => {
            (Status::Unknown, Some(Reason::OtherInstance))
        }
        Verdict::Invalid => (Status::Invalid, None),
    }
}

/// The provider's own answer decides; otherwise the status code says only
/// why nobody can tell.
fn classify(verifier: &dyn Verifier, answer: &http::Answer) -> Verification {
    let status = answer.status;
    let (state, reason) = match verifier.judge(status, answer.json.as_ref()) {
        Some(verdict) => outcome(verifier, verdict),
        None => (
            Status::Unknown,
            Some(match status {
                404 => Reason::EndpointChanged,
                429 => Reason::RateLimited,
                500..=599 => Reason::ProviderError,
                _ => Reason::UnexpectedResponse,
            }),
        ),
    };
    Verification {
        status: state,
        reason,
        latency_ms: None,
        http_status: Some(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overrides(url: &str) -> Result<VerifyOptions, String> {
        VerifyOptions::default().with_env_overrides(|name| {
            (name == "KEYWARD_ANTHROPIC_BASE_URL").then(|| url.to_string())
        })
    }

    #[test]
    fn plain_http_goes_only_to_this_machine() {
        for ok in [
            "https://api.example.com",
            "https://proxy.example.com/anthropic/",
            "http://127.0.0.1:8080",
            "http://127.8.0.1",
            "http://[::1]:9000",
            "http://localhost:3000",
            "http://LOCALHOST",
            "HTTP://127.0.0.1:8080",
        ] {
            let options = overrides(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(
                options.overrides["KEYWARD_ANTHROPIC_BASE_URL"],
                ok.trim_end_matches('/')
            );
            // Plain http is flagged, so the client bypasses any proxy.
            let clear = ok.to_ascii_lowercase().starts_with("http:");
            assert_eq!(check_base("X", ok), Ok(clear), "{ok}");
        }
        for (bad, why) in [
            ("http://api.example.com", "clear text"),
            ("http://10.0.0.1:8080", "clear text"),
            ("http://localhost.example.com", "clear text"),
            ("http://127.0.0.1.nip.io", "clear text"),
            ("ftp://127.0.0.1", "unsupported scheme"),
            ("api.example.com", "not a URL"),
            ("https://api.example.com/?key=1", "query"),
            ("https://user:pw@api.example.com", "credentials"),
        ] {
            let err = overrides(bad).map(|_| ()).unwrap_err();
            assert!(err.contains("KEYWARD_ANTHROPIC_BASE_URL"), "{bad}: {err}");
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn an_override_set_in_code_is_checked_too() {
        let options = VerifyOptions {
            overrides: HashMap::from([(
                "KEYWARD_ANTHROPIC_BASE_URL",
                "http://api.example.com".to_string(),
            )]),
            ..VerifyOptions::default()
        };
        let verifier = providers::by_id("anthropic-api").unwrap();
        let err = verify_rounds(verifier, "kw-test", 1, &options).unwrap_err();
        assert!(err.contains("clear text"), "{err}");
    }
}
