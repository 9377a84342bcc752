//! What a provider is to keyward: where to ask, how to present the key, and
//! how to read the provider's own answer.

use std::fmt;

use serde_json::Value;

/// A live check for one kind of key. Implementations are data-like: one
/// file per provider in `providers/`, registered in `providers::REGISTRY`.
pub trait Verifier: Sync {
    /// The id a built-in rule names in `verifier = "..."`.
    fn id(&self) -> &'static str;
    /// Where the provider's API lives.
    fn endpoint(&self) -> Endpoint;
    /// A cheap, read-only request that spends nothing and changes nothing.
    fn request(&self, secret: &str) -> Request;
    /// What the provider's own answer says. `None` when the answer is not
    /// recognisably the provider's (a proxy, a gateway, a changed API):
    /// then the status code alone decides nothing.
    fn judge(&self, status: u16, body: Option<&Value>) -> Option<Verdict>;
    /// Whether keys of this format are also issued by self-hosted instances
    /// (GitHub Enterprise Server, self-managed GitLab). Then the public
    /// host not knowing a key proves nothing: its "invalid" is `unknown`,
    /// and the key keeps blocking.
    fn has_other_instances(&self) -> bool {
        false
    }
    /// The provider's documented answers and request, for the test harness
    /// (`testkit`): a verifier cannot be registered without them.
    #[cfg(test)]
    fn samples(&self) -> crate::testkit::Samples;
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

/// An HTTP request relative to the endpoint's base URL. The secret travels
/// in a header, or (where the provider leaves no choice) percent-encoded
/// in the path; `Debug` shows neither, so no log or error can hold it.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Path and query, starting with `/`.
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    /// A body and its content type, for the few read-only POSTs.
    pub body: Option<(&'static str, String)>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &"<redacted>")
            .field("headers", &names)
            .finish_non_exhaustive()
    }
}

impl Request {
    pub fn get(path: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            path: path.into(),
            headers: Vec::new(),
            body: None,
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

    /// HTTP Basic authentication (RFC 7617).
    pub fn basic(self, user: &str, password: &str) -> Request {
        let credentials = base64(format!("{user}:{password}").as_bytes());
        self.header("authorization", format!("Basic {credentials}"))
    }

    /// A JSON body (a GraphQL query that only reads).
    pub fn json(mut self, text: impl Into<String>) -> Request {
        self.body = Some(("application/json", text.into()));
        self
    }
}

/// `text` as one path segment: everything but RFC 3986 unreserved
/// characters and `:` percent-encoded, so a secret placed in a path can
/// never add a segment, a query or a fragment.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(
            Request::get("/").basic("Aladdin", "open sesame").headers[0].1,
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn a_segment_cannot_leave_its_place_in_the_path() {
        assert_eq!(segment("123:AbC-_.~"), "123:AbC-_.~");
        assert_eq!(segment("a/b?c#d e%"), "a%2Fb%3Fc%23d%20e%25");
        assert_eq!(segment("..é"), "..%C3%A9");
    }

    #[test]
    fn debug_shows_no_secret() {
        let request = Request::get(format!("/bot{}/getMe", segment("s3cr3t-value")))
            .bearer("s3cr3t-value")
            .json("{\"s3cr3t-value\": 1}");
        let shown = format!("{request:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("authorization"), "{shown}");
    }
}
