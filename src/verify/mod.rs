//! Live verification: asks each provider whether a found key works, with
//! honest answers. Each distinct key is asked about once; every provider
//! host has its own concurrency cap; 429 and 5xx are retried with backoff;
//! a deadline bounds the whole phase, so a hanging provider cannot hang the
//! scan. Keys go only to the provider's base URL, which the caller sets.

pub mod providers;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use tokio::sync::Semaphore;

pub use providers::{Host, PROVIDERS, Provider};

use crate::error::Error;
use crate::finding::Finding;
use crate::rules::Rule;

/// What a provider said about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The provider accepted the key.
    Live,
    /// The key is real but lacks permission: still a leaked credential.
    LiveRestricted,
    /// The provider said the key is invalid or revoked.
    Invalid,
    /// Nobody can tell; `reason` says why.
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Live => "live",
            Status::LiveRestricted => "live-restricted",
            Status::Invalid => "invalid",
            Status::Unknown => "unknown",
        }
    }

    pub fn is_live(self) -> bool {
        matches!(self, Status::Live | Status::LiveRestricted)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// The HTTP status of the last answer, if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

impl Verification {
    fn unknown(reason: &str, http_status: Option<u16>, latency: Option<Duration>) -> Verification {
        Verification {
            status: Status::Unknown,
            reason: Some(reason.to_string()),
            latency_ms: latency.map(|d| d.as_millis() as u64),
            http_status,
        }
    }
}

/// Which findings block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Only keys a provider confirmed as working.
    Live,
    /// Everything but a key the provider confirmed invalid.
    #[default]
    Unrevoked,
    /// Every finding.
    Any,
}

impl FailOn {
    pub fn blocks(self, finding: &Finding) -> bool {
        if finding.is_suppressed() {
            return false;
        }
        let status = finding.verification.as_ref().map(|v| v.status);
        match self {
            FailOn::Any => true,
            FailOn::Unrevoked => status != Some(Status::Invalid),
            FailOn::Live => status.is_some_and(Status::is_live),
        }
    }
}

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Requests in flight at once, per provider host.
    pub concurrency: usize,
    /// Per request, from connecting to the end of the body.
    pub timeout: Duration,
    /// For the whole verification phase.
    pub deadline: Duration,
    pub max_retries: u32,
    /// The longest `Retry-After` honoured; longer waits give up.
    pub retry_after_cap: Duration,
    /// First backoff; it doubles with each retry, plus jitter.
    pub backoff: Duration,
    /// Base URL per host; the caller fills it from the defaults or from the
    /// environment, never from a repository's config.
    pub base_urls: HashMap<Host, String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            concurrency: 8,
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(120),
            max_retries: 3,
            retry_after_cap: Duration::from_secs(30),
            backoff: Duration::from_millis(500),
            base_urls: PROVIDERS
                .iter()
                .map(|p| (p.host, p.host.default_base().to_string()))
                .collect(),
        }
    }
}

impl VerifyOptions {
    /// Defaults, with a base URL taken from its environment variable where
    /// one is set.
    pub fn with_env_overrides(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        for provider in PROVIDERS {
            if let Some(url) = get(provider.host.base_env()).filter(|u| !u.is_empty()) {
                self.base_urls
                    .insert(provider.host, url.trim_end_matches('/').to_string());
            }
        }
        self
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyStats {
    pub distinct_keys: usize,
    pub requests: u64,
}

/// Verify the secrets of the blocking findings whose rules name a verifier,
/// each distinct secret once, and record the answer on every finding.
pub fn verify_findings(
    findings: &mut [Finding],
    rules: &[Rule],
    options: &VerifyOptions,
) -> Result<VerifyStats, Error> {
    let verifier_of: HashMap<&str, &str> = rules
        .iter()
        .filter_map(|r| Some((r.id(), r.def.verifier.as_deref()?)))
        .collect();
    // One job per distinct (provider, secret); each finding remembers its job.
    let mut jobs: Vec<(&'static Provider, String)> = Vec::new();
    let mut job_of: HashMap<(&str, &str), usize> = HashMap::new();
    let mut assigned: Vec<(usize, usize)> = Vec::new();
    for (finding, f) in findings
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_suppressed())
    {
        let Some(provider) = verifier_of
            .get(f.rule_id.as_str())
            .and_then(|v| providers::by_id(v))
        else {
            continue;
        };
        let job = *job_of
            .entry((provider.id, f.secret.expose()))
            .or_insert_with(|| {
                jobs.push((provider, f.secret.expose().to_string()));
                jobs.len() - 1
            });
        assigned.push((finding, job));
    }
    if jobs.is_empty() {
        return Ok(VerifyStats::default());
    }
    let runtime = runtime()?;
    let client = client(options)?;
    let requests = Arc::new(AtomicU64::new(0));
    let answers = runtime.block_on(verify_all(&client, &jobs, options, &requests));
    for (finding, job) in assigned {
        findings[finding].verification = Some(answers[job].clone());
    }
    Ok(VerifyStats {
        distinct_keys: jobs.len(),
        requests: requests.load(Ordering::Relaxed),
    })
}

/// Verify one secret with one provider `rounds` times; for `keyward check`.
pub fn verify_rounds(
    provider: &'static Provider,
    secret: &str,
    rounds: usize,
    options: &VerifyOptions,
) -> Result<Vec<Verification>, Error> {
    let runtime = runtime()?;
    let client = client(options)?;
    let requests = Arc::new(AtomicU64::new(0));
    let jobs = vec![(provider, secret.to_string())];
    let mut out = Vec::new();
    for _ in 0..rounds.max(1) {
        out.extend(runtime.block_on(verify_all(&client, &jobs, options, &requests)));
    }
    Ok(out)
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the verification runtime", e))
}

fn client(options: &VerifyOptions) -> Result<reqwest::Client, Error> {
    // rustls with ring: pure Rust, no OpenSSL. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("keyward/", env!("CARGO_PKG_VERSION")))
        // A redirect could carry the key to another host.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.timeout)
        .timeout(options.timeout)
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", e.without_url())))
}

async fn verify_all(
    client: &reqwest::Client,
    jobs: &[(&'static Provider, String)],
    options: &VerifyOptions,
    requests: &Arc<AtomicU64>,
) -> Vec<Verification> {
    let deadline = tokio::time::Instant::now() + options.deadline;
    let mut caps: HashMap<Host, Arc<Semaphore>> = HashMap::new();
    let mut tasks = Vec::new();
    for (provider, secret) in jobs {
        let cap = caps
            .entry(provider.host)
            .or_insert_with(|| Arc::new(Semaphore::new(options.concurrency.max(1))))
            .clone();
        let base = options
            .base_urls
            .get(&provider.host)
            .cloned()
            .unwrap_or_else(|| provider.host.default_base().to_string());
        let (client, options, requests) = (client.clone(), options.clone(), requests.clone());
        let (provider, secret) = (*provider, secret.clone());
        tasks.push(tokio::spawn(async move {
            let asked = async {
                let _permit = cap.acquire_owned().await.ok();
                ask(&client, provider, &base, &secret, &options, &requests).await
            };
            match tokio::time::timeout_at(deadline, asked).await {
                Ok(v) => v,
                Err(_) => Verification::unknown("timeout", None, None),
            }
        }));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(
            task.await
                .unwrap_or_else(|_| Verification::unknown("network", None, None)),
        );
    }
    out
}

/// Ask once, retrying 429 and 5xx, and classify the answer.
async fn ask(
    client: &reqwest::Client,
    provider: &Provider,
    base: &str,
    secret: &str,
    options: &VerifyOptions,
    requests: &AtomicU64,
) -> Verification {
    let url = format!("{base}{}", provider.path);
    let mut attempt = 0u32;
    loop {
        let mut request = client.get(&url);
        request = match provider.auth {
            providers::Auth::Header(name) => request.header(name, secret),
            providers::Auth::Bearer => request.bearer_auth(secret),
        };
        for (name, value) in provider.extra_headers {
            request = request.header(*name, *value);
        }
        requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                let reason = if e.is_timeout() { "timeout" } else { "network" };
                if reason == "network" && attempt < options.max_retries {
                    attempt += 1;
                    tokio::time::sleep(backoff(options.backoff, attempt)).await;
                    continue;
                }
                return Verification::unknown(reason, None, Some(started.elapsed()));
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let reason = if e.is_timeout() { "timeout" } else { "network" };
                return Verification::unknown(reason, Some(status), Some(started.elapsed()));
            }
        };
        let latency = started.elapsed();
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        let retryable = status == 429 || (500..600).contains(&status);
        if retryable && attempt < options.max_retries {
            let wait = retry_after.unwrap_or_else(|| backoff(options.backoff, attempt + 1));
            if wait <= options.retry_after_cap {
                attempt += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
        }
        return classify(provider, status, json.as_ref(), latency);
    }
}

/// The status code alone never decides: the body must be the provider's own.
fn classify(
    provider: &Provider,
    status: u16,
    body: Option<&Value>,
    latency: Duration,
) -> Verification {
    let known = |check: fn(&Value) -> bool| body.is_some_and(check);
    let (state, reason) = match status {
        200..=299 if known(provider.is_live_body) => (Status::Live, None),
        401 if known(provider.is_auth_error) => (Status::Invalid, None),
        403 if known(provider.is_permission_error) => (Status::LiveRestricted, None),
        404 => (Status::Unknown, Some("endpoint-changed")),
        429 => (Status::Unknown, Some("rate-limited")),
        500..=599 => (Status::Unknown, Some("provider-error")),
        _ => (Status::Unknown, Some("unexpected-response")),
    };
    Verification {
        status: state,
        reason: reason.map(str::to_string),
        latency_ms: Some(latency.as_millis() as u64),
        http_status: Some(status),
    }
}

/// Exponential backoff with up to 50% jitter.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1 << attempt.min(10));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    exp + exp.mul_f64(f64::from(nanos % 500) / 1000.0)
}
