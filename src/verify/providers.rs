//! The providers keyward can ask. A provider is data: where to ask, how to
//! present the key, and what its own answers look like.

use serde_json::Value;

/// How the key is presented.
#[derive(Debug, Clone, Copy)]
pub enum Auth {
    /// A header holding the key as is.
    Header(&'static str),
    /// `Authorization: Bearer <key>`.
    Bearer,
}

#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// The name rules use in `verifier = "..."`.
    pub id: &'static str,
    /// Which base URL applies (several verifiers share a host).
    pub host: Host,
    /// A cheap, read-only call that spends no money.
    pub path: &'static str,
    pub auth: Auth,
    pub extra_headers: &'static [(&'static str, &'static str)],
    /// A 2xx body the provider would send for a working key.
    pub is_live_body: fn(&Value) -> bool,
    /// The provider's own "authentication failed" body (for 401).
    pub is_auth_error: fn(&Value) -> bool,
    /// The provider's own "permission denied" body (for 403).
    pub is_permission_error: fn(&Value) -> bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    Anthropic,
    Replicate,
}

impl Host {
    pub fn default_base(self) -> &'static str {
        match self {
            Host::Anthropic => "https://api.anthropic.com",
            Host::Replicate => "https://api.replicate.com",
        }
    }

    /// The only way to point verification elsewhere: an environment
    /// variable, never a repository's config file.
    pub fn base_env(self) -> &'static str {
        match self {
            Host::Anthropic => "KEYWARD_ANTHROPIC_BASE_URL",
            Host::Replicate => "KEYWARD_REPLICATE_BASE_URL",
        }
    }
}

const ANTHROPIC_HEADERS: &[(&str, &str)] = &[("anthropic-version", "2023-06-01")];

/// Both Anthropic key kinds: the same host, headers and error bodies.
const fn anthropic(id: &'static str, path: &'static str) -> Provider {
    Provider {
        id,
        host: Host::Anthropic,
        path,
        auth: Auth::Header("x-api-key"),
        extra_headers: ANTHROPIC_HEADERS,
        is_live_body: has_data_list,
        is_auth_error: |v| anthropic_error(v, "authentication_error"),
        is_permission_error: |v| anthropic_error(v, "permission_error"),
    }
}

pub const PROVIDERS: &[Provider] = &[
    anthropic("anthropic-api", "/v1/models"),
    // Admin keys cannot list models.
    anthropic("anthropic-admin", "/v1/organizations/api_keys?limit=1"),
    Provider {
        id: "replicate",
        host: Host::Replicate,
        path: "/v1/account",
        auth: Auth::Bearer,
        extra_headers: &[],
        is_live_body: |v| {
            v.get("username").is_some_and(Value::is_string)
                && v.get("type").is_some_and(Value::is_string)
        },
        is_auth_error: replicate_problem,
        is_permission_error: replicate_problem,
    },
];

pub fn by_id(id: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.id == id)
}

fn has_data_list(v: &Value) -> bool {
    v.get("data").is_some_and(Value::is_array)
}

/// `{"type": "error", "error": {"type": KIND, "message": ...}}`
fn anthropic_error(v: &Value, kind: &str) -> bool {
    v.get("type").and_then(Value::as_str) == Some("error")
        && v.pointer("/error/type").and_then(Value::as_str) == Some(kind)
}

/// Replicate answers errors as problem details: `{"detail": ..., ...}`.
fn replicate_problem(v: &Value) -> bool {
    v.get("detail").is_some_and(Value::is_string)
}
