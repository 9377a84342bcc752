//! `--verify` and `keyward check` against real HTTP servers on 127.0.0.1
//! that play the providers.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::*;
use serde_json::json;
use wiremock::matchers::{header, header_regex, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that plays Anthropic's `/v1/models`, answering `response`,
/// and (with `expect`) checks how many requests it got.
async fn anthropic_answers(response: ResponseTemplate, expect: Option<u64>) -> MockServer {
    let server = MockServer::start().await;
    let mock = Mock::given(path("/v1/models")).respond_with(response);
    match expect {
        Some(n) => mock.expect(n).mount(&server).await,
        None => mock.mount(&server).await,
    }
    server
}

fn models_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"data": [{"id": "claude-x", "type": "model"}], "has_more": false}))
}

fn anthropic_error(status: u16, kind: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"type": "error", "error": {"type": kind, "message": "m"}}))
}

/// Scan a tree holding `key` with --verify against `base`; returns the JSON
/// finding and the whole output.
fn verify_one(key: &str, base: &str, extra: &[&str]) -> (serde_json::Value, Output) {
    let tree = Tree::new();
    tree.write("app.env", format!("KEY={key}\n"));
    let mut args = vec!["scan", ".", "--verify", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(tree
        .keyward()
        .args(&args)
        .env("KEYWARD_ANTHROPIC_BASE_URL", base)
        .env("KEYWARD_REPLICATE_BASE_URL", base));
    assert!(!out.all().contains(key), "the key leaked into the output");
    let finding = out
        .json()
        .as_array()
        .and_then(|a| a.first().cloned())
        .unwrap_or_default();
    (finding, out)
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_live_sends_the_documented_request() {
    let server = MockServer::start().await;
    let key = anthropic_key();
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("x-api-key", key.as_str()))
        .and(header("anthropic-version", "2023-06-01"))
        .and(header_regex("user-agent", r"^keyward/\d+\.\d+\.\d+$"))
        .respond_with(models_ok())
        .expect(1)
        .mount(&server)
        .await;
    let (f, out) = verify_one(&key, &server.uri(), &[]);
    assert_eq!(out.code, 1);
    assert_eq!(f["verification"], "live");
    assert!(f["latency_ms"].is_u64());
    assert_has(&out.stderr, "1 live");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_keys_list_api_keys_and_replicate_uses_bearer() {
    let server = MockServer::start().await;
    let admin = admin_key();
    let rep = replicate_token();
    Mock::given(path("/v1/organizations/api_keys"))
        .and(query_param("limit", "1"))
        .and(header("x-api-key", admin.as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "has_more": false})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/account"))
        .and(header("authorization", format!("Bearer {rep}").as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"title": "Unauthenticated", "detail": "Invalid token.", "status": 401}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (f, out) = verify_one(&admin, &server.uri(), &[]);
    assert_eq!((f["verification"].as_str(), out.code), (Some("live"), 1));
    let (f, out) = verify_one(&rep, &server.uri(), &[]);
    assert_eq!(f["verification"], "invalid");
    assert_eq!(
        out.code, 0,
        "a revoked key does not block under --fail-on unrevoked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_codes_mean_what_the_provider_says_and_nothing_more() {
    let cases: Vec<(ResponseTemplate, &str, Option<&str>, i32)> = vec![
        (
            anthropic_error(401, "authentication_error"),
            "invalid",
            None,
            0,
        ),
        (
            anthropic_error(403, "permission_error"),
            "live-restricted",
            None,
            1,
        ),
        // A WAF's HTML 403 proves nothing.
        (
            ResponseTemplate::new(403).set_body_string("<html>Access denied</html>"),
            "unknown",
            Some("unexpected-response"),
            1,
        ),
        // A proxy's 401 is not the provider saying the key is revoked.
        (
            ResponseTemplate::new(401).set_body_string("Proxy authentication required"),
            "unknown",
            Some("unexpected-response"),
            1,
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html>captive portal</html>"),
            "unknown",
            Some("unexpected-response"),
            1,
        ),
        (
            ResponseTemplate::new(200),
            "unknown",
            Some("unexpected-response"),
            1,
        ),
        (
            ResponseTemplate::new(404).set_body_json(json!({"type": "error"})),
            "unknown",
            Some("endpoint-changed"),
            1,
        ),
    ];
    for (response, status, reason, code) in cases {
        let server = anthropic_answers(response, None).await;
        let (f, out) = verify_one(&anthropic_key(), &server.uri(), &[]);
        assert_eq!(f["verification"], status, "{}", out.stdout);
        assert_eq!(f["reason"].as_str(), reason);
        assert_eq!(out.code, code, "{status}");
    }
}

/// A server that answers `first` once, then a live answer.
async fn once_then_live(first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/v1/models"))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/models"))
        .respond_with(models_ok())
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_retried_honouring_retry_after() {
    let server = once_then_live(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_json(json!({"type": "error"})),
    )
    .await;
    let (f, _) = verify_one(&anthropic_key(), &server.uri(), &[]);
    assert_eq!(f["verification"], "live");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_then_reported_as_unknown() {
    let server = once_then_live(ResponseTemplate::new(500)).await;
    let (f, _) = verify_one(&anthropic_key(), &server.uri(), &[]);
    assert_eq!(f["verification"], "live");
    assert_eq!(requests(&server).await, 2);

    let failing = anthropic_answers(ResponseTemplate::new(503), None).await;
    let (f, out) = verify_one(&anthropic_key(), &failing.uri(), &["--verify-retries", "2"]);
    assert_eq!(
        (f["verification"].as_str(), f["reason"].as_str()),
        (Some("unknown"), Some("provider-error"))
    );
    assert_eq!(requests(&failing).await, 3);
    assert_eq!(out.code, 1, "unknown still blocks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_provider_times_out() {
    let server = anthropic_answers(models_ok().set_delay(Duration::from_secs(30)), None).await;
    let (f, out) = verify_one(&anthropic_key(), &server.uri(), &["--verify-timeout", "1"]);
    assert_eq!(
        (f["verification"].as_str(), f["reason"].as_str()),
        (Some("unknown"), Some("timeout"))
    );
    assert_eq!(out.code, 1);
}

#[test]
fn a_connection_reset_is_a_network_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let (f, _) = verify_one(
        &replicate_token(),
        &format!("http://{addr}"),
        &["--verify-retries", "1"],
    );
    assert_eq!(
        (f["verification"].as_str(), f["reason"].as_str()),
        (Some("unknown"), Some("network"))
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 2, "one try and one retry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_found_fifty_times_is_asked_about_once() {
    let server = anthropic_answers(models_ok(), Some(1)).await;
    let tree = Tree::new();
    let key = anthropic_key();
    for i in 0..50 {
        tree.write(&format!("f{i}.txt"), &key);
    }
    let out = run(tree
        .keyward()
        .args(["scan", ".", "--verify", "--format", "json"])
        .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
    assert_eq!(out.json().as_array().unwrap().len(), 50);
    assert!(
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["verification"] == "live")
    );
    assert_has(
        &out.stderr,
        "verified 1 distinct key with 1 request: 50 live",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_verify_nothing_is_sent() {
    let server = anthropic_answers(models_ok(), Some(0)).await;
    let tree = Tree::new();
    tree.write("k.txt", anthropic_key());
    let out = run(tree
        .keyward()
        .args(["scan", "."])
        .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
    assert_eq!(out.code, 1);
}

/// An HTTP server that counts how many requests it holds at once.
fn counting_server(delay: Duration) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (now, max) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (n, m) = (now.clone(), max.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (n, m) = (n.clone(), m.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                    line.clear();
                }
                let current = n.fetch_add(1, Ordering::SeqCst) + 1;
                m.fetch_max(current, Ordering::SeqCst);
                std::thread::sleep(delay);
                n.fetch_sub(1, Ordering::SeqCst);
                let body = r#"{"data": []}"#;
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (format!("http://{addr}"), now, max)
}

#[test]
fn the_concurrency_cap_holds() {
    let (base, _, max) = counting_server(Duration::from_millis(150));
    let tree = Tree::new();
    for i in 0..12 {
        tree.write(&format!("k{i}.txt"), anthropic_key());
    }
    let out = run(tree
        .keyward()
        .args([
            "scan",
            ".",
            "--verify",
            "--verify-concurrency",
            "3",
            "--format",
            "json",
        ])
        .env("KEYWARD_ANTHROPIC_BASE_URL", &base));
    assert!(
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["verification"] == "live"),
        "{}",
        out.stdout
    );
    assert_eq!(max.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mode_prints_the_full_key() {
    let server = anthropic_answers(models_ok(), None).await;
    let key = anthropic_key();
    let tree = Tree::new();
    tree.write("k.txt", &key);
    for format in ["text", "json", "sarif", "github"] {
        let out = run(tree
            .keyward()
            .args(["scan", ".", "--verify", "--format", format])
            .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
        assert_eq!(out.code, 1);
        assert!(!out.all().contains(&key), "{format} leaked the key");
        assert!(out.all().contains("live"), "{format}: {}", out.all());
    }
    for format in ["text", "json"] {
        let out = run(keyward()
            .args(["check", "--format", format])
            .write_stdin(format!("{key}\n"))
            .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
        assert!(!out.all().contains(&key), "check {format} leaked the key");
        assert_eq!(out.code, 0, "{}", out.all());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sarif_levels_follow_verification() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/models"))
        .and(header("x-api-key", "unused"))
        .respond_with(models_ok())
        .mount(&server)
        .await;
    Mock::given(path("/v1/models"))
        .respond_with(anthropic_error(401, "authentication_error"))
        .mount(&server)
        .await;
    let tree = Tree::new();
    tree.write("k.txt", anthropic_key());
    let out = run(tree
        .keyward()
        .args(["scan", ".", "--verify", "--format", "sarif"])
        .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
    let result = &out.json()["runs"][0]["results"][0];
    assert_eq!(result["level"], "note");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("revoked or expired")
    );
    assert_eq!(result["properties"]["verification"], "invalid");
    assert_eq!(out.code, 0);
    let any = run(tree
        .keyward()
        .args(["scan", ".", "--verify", "--fail-on", "any"])
        .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
    assert_eq!(any.code, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_explains_the_outcome() {
    let server = anthropic_answers(anthropic_error(403, "permission_error"), None).await;
    let key = anthropic_key();
    let out = run(keyward()
        .args(["check", "--env", "MY_KEY", "--rounds", "3"])
        .env("MY_KEY", format!("  {key}\n"))
        .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_has(&out.stderr, "removed whitespace");
    assert_has(&out.stdout, "status:   live-restricted, HTTP 403");
    assert_has(&out.stdout, "billing");
    assert_has(&out.stdout, "over 3 rounds");
    assert_eq!(requests(&server).await, 3);

    let bad = run(keyward()
        .args(["check", "--format", "json"])
        .write_stdin(format!("{}\n", &key[..60])));
    assert_eq!(bad.code, 1);
    assert_eq!(bad.json()["format"], "invalid");
    assert!(
        bad.json()["message"]
            .as_str()
            .unwrap()
            .contains("expected 108")
    );
}

#[test]
fn check_refuses_a_key_on_the_command_line() {
    let out = run(keyward().args(["check", "sk-ant-api03-whatever"]));
    assert_eq!(out.code, 2);
}

#[test]
fn a_plain_http_override_to_another_machine_is_refused() {
    let tree = Tree::new();
    let key = anthropic_key();
    tree.write("k.txt", &key);
    let scan = run(tree
        .keyward()
        .args(["scan", ".", "--verify"])
        .env("KEYWARD_ANTHROPIC_BASE_URL", "http://api.example.com"));
    assert_eq!(scan.code, 2, "{}", scan.all());
    assert_has(&scan.stderr, "KEYWARD_ANTHROPIC_BASE_URL");
    assert_has(&scan.stderr, "clear text");
    assert!(!scan.all().contains(&key));
    let check = run(keyward()
        .args(["check"])
        .write_stdin(format!("{key}\n"))
        .env("KEYWARD_ANTHROPIC_BASE_URL", "http://10.1.2.3:8080"));
    assert_eq!(check.code, 2, "{}", check.all());
    // Without --verify the variable is never read.
    let offline = run(tree
        .keyward()
        .args(["scan", "."])
        .env("KEYWARD_ANTHROPIC_BASE_URL", "http://api.example.com"));
    assert_eq!(offline.code, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_override_never_goes_through_a_proxy() {
    let (provider, proxy) = (MockServer::start().await, MockServer::start().await);
    for server in [&provider, &proxy] {
        Mock::given(method("GET"))
            .respond_with(models_ok())
            .mount(server)
            .await;
    }
    let tree = Tree::new();
    tree.write("k.txt", anthropic_key());
    let out = run(tree
        .keyward()
        .args(["scan", ".", "--verify", "--format", "json"])
        .env("KEYWARD_ANTHROPIC_BASE_URL", provider.uri())
        .env("HTTP_PROXY", proxy.uri())
        .env("http_proxy", proxy.uri())
        .env("ALL_PROXY", proxy.uri())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy"));
    assert_eq!(out.json()[0]["verification"], "live", "{}", out.all());
    assert_eq!(
        requests(&proxy).await,
        0,
        "the key went through the proxy in clear text"
    );
    assert_eq!(requests(&provider).await, 1);
}

/// `check` blamed `--verify-timeout` when `--verify-deadline` stopped it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_is_told_apart_from_a_timeout() {
    let server = anthropic_answers(models_ok().set_delay(Duration::from_secs(30)), None).await;
    let out = run(keyward()
        .args(["check", "--verify-timeout", "20", "--verify-deadline", "1"])
        .write_stdin(format!("{}\n", anthropic_key()))
        .env("KEYWARD_ANTHROPIC_BASE_URL", server.uri()));
    assert_eq!(out.code, 2, "{}", out.all());
    assert_has(&out.stdout, "unknown (deadline)");
    assert_has(&out.stdout, "--verify-deadline");
}
