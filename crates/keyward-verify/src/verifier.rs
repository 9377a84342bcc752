//! What a provider is to keyward: where to ask, how to present the key, and
//! how to read the provider's own answer.

use serde_json::Value;

/// A live check for one kind of key. Implementations are data-like: one
/// file per provider in `providers/`, registered in `providers::REGISTRY`.
pub trait Verifier: Sync {
    /// The id a built-in rule names in `verifier = "..."`.
    fn id(&self) -> &'static str;
    /// Where the provider's API lives.
    fn endpoint(&self) -> Endpoint;
    /// A cheap, read-only request that spends nothing.
    fn request(&self, secret: &str) -> Request;
    /// What the provider's own answer says. `None` when the answer is not
    /// recognisably the provider's (a proxy, a gateway, a changed API):
    /// then the status code alone decides nothing.
    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict>;
}

/// A provider's base URL, and the only way to change it: an environment
/// variable (for tests), never a repository's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub base: &'static str,
    pub env: &'static str,
}

/// What the provider said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Live,
    /// Real, but refused a permission.
    LiveRestricted,
    /// Revoked, expired or never valid.
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// An HTTP request relative to the endpoint's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Path and query, starting with `/`.
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            path: path.into(),
            headers: Vec::new(),
        }
    }

    pub fn post(path: impl Into<String>) -> Request {
        Request {
            method: Method::Post,
            ..Request::get(path)
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bearer(self, secret: &str) -> Request {
        self.header("authorization", format!("Bearer {secret}"))
    }
}
