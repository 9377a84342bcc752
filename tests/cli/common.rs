//! Test support: keys built at run time, temporary trees and repositories,
//! and a keyward command with a scrubbed environment.

use std::path::{Path, PathBuf};
use std::process::Command;

pub use keyward_engine::rules::Rng;
use keyward_engine::rules::builtin_defs;

/// A fresh random secret in the shape of a built-in rule's example.
pub fn key(rule_id: &str) -> String {
    key_from(rule_id, &mut Rng::fresh())
}

pub fn key_from(rule_id: &str, rng: &mut Rng) -> String {
    builtin_defs()
        .unwrap()
        .into_iter()
        .find(|d| d.id == rule_id)
        .and_then(|d| d.example_secret(rng))
        .unwrap_or_else(|| panic!("no example for rule {rule_id}"))
}

pub fn anthropic_key() -> String {
    key("anthropic-api-key")
}

pub fn admin_key() -> String {
    key("anthropic-admin-key")
}

pub fn replicate_token() -> String {
    key("replicate-api-token")
}

/// A temporary directory, optionally a git work tree.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn git() -> Tree {
        let tree = Tree::new();
        tree.run_git(&["init", "-q", "-b", "main"]);
        tree.run_git(&["config", "user.email", "test@example.invalid"]);
        tree.run_git(&["config", "user.name", "keyward test"]);
        tree.run_git(&["config", "commit.gpgsign", "false"]);
        tree
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Tree {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, content).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.join(rel)).unwrap();
    }

    pub fn run_git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Stage everything and commit; returns the new commit's sha.
    pub fn commit(&self, message: &str) -> String {
        self.run_git(&["add", "-A"]);
        self.run_git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.run_git(&["rev-parse", "HEAD"])
    }

    pub fn keyward(&self) -> assert_cmd::Command {
        let mut cmd = keyward();
        cmd.current_dir(self.path());
        cmd
    }
}

/// The keyward binary with an environment that cannot change its output.
pub fn keyward() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("keyward").unwrap();
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().to_string();
        if name.starts_with("GITHUB_")
            || name.starts_with("KEYWARD_")
            || name.starts_with("RUNNER_")
        {
            cmd.env_remove(&name);
        }
    }
    cmd.env_remove("NO_COLOR")
        .env_remove("CI")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// The findings of `--format json` output.
    pub fn found(&self) -> Vec<Found> {
        self.json()
            .as_array()
            .unwrap_or_else(|| panic!("not a JSON array: {}", self.stdout))
            .iter()
            .map(|f| Found {
                path: f["path"].as_str().unwrap().to_string(),
                line: f["line"].as_u64().unwrap(),
                column: f["column"].as_u64().unwrap(),
                rule: f["rule"].as_str().unwrap().to_string(),
                commit: f.get("commit").and_then(|c| c.as_str()).map(str::to_string),
            })
            .collect()
    }
}

/// One finding of JSON output, for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub rule: String,
    pub commit: Option<String>,
}

impl Found {
    /// `path:line`
    pub fn at(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }

    /// `path:line:column rule`
    pub fn place(&self) -> String {
        format!("{}:{}:{} {}", self.path, self.line, self.column, self.rule)
    }
}

/// Fails, showing `text`, unless it holds `part`.
#[track_caller]
pub fn assert_has(text: impl AsRef<str>, part: impl AsRef<str>) {
    let (text, part) = (text.as_ref(), part.as_ref());
    assert!(text.contains(part), "expected {part:?} in:\n{text}");
}

pub fn run(cmd: &mut assert_cmd::Command) -> Output {
    let out = cmd.output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
