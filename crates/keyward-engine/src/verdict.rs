//! What a provider said about a key. The verifier produces these; findings
//! carry them; the policy and the reports read them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The provider accepted the key.
    Live,
    /// The key is real but lacks permission: still a leaked credential.
    LiveRestricted,
    /// The provider said the key is invalid, revoked or expired.
    Invalid,
    /// Nobody can tell; the reason says why.
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

/// Why a verification is `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// No answer within the request timeout or the phase deadline.
    Timeout,
    /// The connection failed or was reset.
    Network,
    /// 429, even after retries.
    RateLimited,
    /// 5xx, even after retries.
    ProviderError,
    /// 404: the endpoint moved.
    EndpointChanged,
    /// An answer that is not the provider's own (a proxy, a WAF, a portal).
    UnexpectedResponse,
    /// The provider's public host does not know the key, but a self-hosted
    /// instance (GitHub Enterprise Server, self-managed GitLab) may.
    OtherInstance,
    /// The whole verification phase ran out of time (`--verify-deadline`).
    Deadline,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Timeout => "timeout",
            Reason::Network => "network",
            Reason::RateLimited => "rate-limited",
            Reason::ProviderError => "provider-error",
            Reason::EndpointChanged => "endpoint-changed",
            Reason::UnexpectedResponse => "unexpected-response",
            Reason::OtherInstance => "other-instance",
            Reason::Deadline => "deadline",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// The HTTP status of the last answer, if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

impl Verification {
    pub fn unknown(reason: Reason) -> Verification {
        Verification {
            status: Status::Unknown,
            reason: Some(reason),
            latency_ms: None,
            http_status: None,
        }
    }

    /// `live`, or `unknown (timeout)`.
    pub fn label(&self) -> String {
        match self.reason {
            Some(reason) => format!("{} ({})", self.status.as_str(), reason.as_str()),
            None => self.status.as_str().to_string(),
        }
    }
}
