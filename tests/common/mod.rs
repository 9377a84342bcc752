//! Test support: keys built at run time, temporary trees and repositories,
//! and a keyward command with a scrubbed environment.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use keyward::rules::{builtin_defs, expand_example};

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// splitmix64, seeded from the clock and a counter: a fresh key each call.
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7);
        Rng(nanos
            ^ COUNTER
                .fetch_add(0x9E37_79B9, Ordering::Relaxed)
                .rotate_left(17))
    }

    /// The same keys every run, for snapshots.
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A fresh random secret in the shape of a built-in rule's example.
pub fn key(rule_id: &str) -> String {
    key_from(rule_id, &mut Rng::new())
}

pub fn key_from(rule_id: &str, rng: &mut Rng) -> String {
    let def = builtin_defs()
        .into_iter()
        .find(|d| d.id == rule_id)
        .unwrap_or_else(|| panic!("no rule {rule_id}"));
    let template = def.example.expect("every built-in rule has an example");
    expand_example(&template, &mut || rng.next()).unwrap()
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
}

pub fn run(cmd: &mut assert_cmd::Command) -> Output {
    let out = cmd.output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
