//! The HTTP client: rustls, no redirects, a bounded body.

use std::time::Duration;

use reqwest::Client;
use serde_json::Value;

use crate::verifier::{Method, Request};

/// A provider's answer is small; anything longer is not its answer.
pub const MAX_BODY: usize = 64 << 10;

/// An answer as far as keyward reads it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The body, when it is JSON of at most `MAX_BODY` bytes.
    pub json: Option<Value>,
    pub retry_after: Option<Duration>,
}

/// Why no answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    Timeout,
    Network,
}

/// The client. Proxies come from the environment (`HTTPS_PROXY`,
/// `ALL_PROXY`, `NO_PROXY`, …) unless `direct`: a plain-http base is only
/// ever this machine, and a proxy would see the key in clear text.
pub fn client(timeout: Duration, direct: bool) -> Result<Client, String> {
    // rustls with ring: pure Rust, no OpenSSL. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = match direct {
        true => Client::builder().no_proxy(),
        false => Client::builder(),
    };
    builder
        .user_agent(concat!("keyward/", env!("CARGO_PKG_VERSION")))
        // A redirect could carry the key to another host.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))
}

/// A body as the verifiers read it: JSON, or nothing.
pub fn parse_json(body: &[u8]) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

/// Send `request` to `base` and read at most `MAX_BODY` bytes of the answer.
pub async fn send(client: &Client, base: &str, request: &Request) -> Result<Answer, NoAnswer> {
    let url = format!("{base}{}", request.path);
    let mut builder = match request.method {
        Method::Get => client.get(&url),
        Method::Post => client.post(&url),
    };
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    if let Some((content_type, body)) = &request.body {
        builder = builder
            .header(reqwest::header::CONTENT_TYPE, *content_type)
            .body(body.clone());
    }
    let no_answer = |e: reqwest::Error| {
        if e.is_timeout() {
            NoAnswer::Timeout
        } else {
            NoAnswer::Network
        }
    };
    let mut response = builder.send().await.map_err(no_answer)?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let mut body = Vec::new();
    let mut too_long = false;
    while let Some(chunk) = response.chunk().await.map_err(no_answer)? {
        if body.len() + chunk.len() > MAX_BODY {
            too_long = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        json: if too_long { None } else { parse_json(&body) },
        retry_after,
    })
}
