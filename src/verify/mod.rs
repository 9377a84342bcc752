//! Live verification: asks each provider whether a found key works.

use serde::Serialize;

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
}
