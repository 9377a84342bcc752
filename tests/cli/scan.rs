//! `keyward scan` on temporary trees built at run time.

use crate::common::*;

#[test]
fn finds_each_core_key_with_line_and_column() {
    let tree = Tree::git();
    let (api, admin, rep) = (anthropic_key(), admin_key(), replicate_token());
    tree.write(".env", format!("# settings\nANTHROPIC_API_KEY={api}\n"));
    tree.write(
        "src/app.py",
        format!("ADMIN = \"{admin}\"\nTOKEN = '{rep}'\n"),
    );
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got: Vec<String> = out.found().iter().map(Found::place).collect();
    assert_eq!(
        got,
        vec![
            ".env:2:19 anthropic-api-key",
            "src/app.py:1:10 anthropic-admin-key",
            "src/app.py:2:10 replicate-api-token",
        ]
    );
    for f in out.json().as_array().unwrap() {
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
        assert!(f.get("secret").is_none());
    }
}

#[test]
fn text_output_is_redacted_and_names_the_place() {
    let tree = Tree::new();
    let api = anthropic_key();
    tree.write("config.yaml", format!("key: {api}\n"));
    let out = run(tree.keyward().args(["scan", "."]));
    assert_eq!(out.code, 1);
    let expected = format!("config.yaml:1:6  anthropic-api-key  {}…AA\n", &api[..17]);
    assert_eq!(out.stdout, expected);
    assert!(!out.all().contains(&api), "full key leaked");
    assert!(
        out.stderr.contains("keyward: 1 file, ") && out.stderr.contains("1 finding"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stdout.contains('\x1b'),
        "no colour when not a terminal"
    );
}

#[test]
fn show_secrets_prints_the_whole_key() {
    let tree = Tree::new();
    let rep = replicate_token();
    tree.write("a.txt", &rep);
    let out = run(tree.keyward().args(["scan", ".", "--show-secrets"]));
    assert!(out.stdout.contains(&rep));
}

#[test]
fn clean_tree_exits_zero() {
    let tree = Tree::new();
    tree.write(
        "README.md",
        "Keys start with sk-ant-api03- and r8_ and are long.\n",
    );
    let out = run(tree.keyward().args(["scan", "."]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.stdout, "");
}

#[test]
fn placeholders_and_malformed_keys_are_not_reported() {
    let tree = Tree::new();
    let api = anthropic_key();
    let rep = replicate_token();
    let body = &api[13..106];
    let lines = [
        format!("sk-ant-api03-{}AA", "x".repeat(93)),
        format!("r8_{}", "X".repeat(37)),
        "r8_<your-token>".to_string(),
        "sk-ant-api03-<YOUR_KEY>".to_string(),
        format!("sk-ant-api03-{}AA", &body[..92]), // one short
        format!("sk-ant-api03-{}AB", body),        // wrong suffix
        format!("sk-ant-api04-{}AA", body),        // wrong version
        format!("R8_{}", &rep[3..]),               // wrong case
        format!("deadbeef{rep}"),                  // embedded
        format!("{rep}Z"),                         // run continues
        format!("r8_{}+{}", &rep[3..20], &rep[21..]), // wrong alphabet
        format!("r8_{}", "0123456789".repeat(4).get(..37).unwrap()), // sequence
    ];
    tree.write("docs.md", lines.join("\n"));
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json(), serde_json::json!([]));
}

#[test]
fn inline_allow_markers_suppress_and_are_counted() {
    let tree = Tree::new();
    tree.write(
        "fixtures.py",
        format!(
            "A = '{}'  # keyward:allow\nB = '{}'  # pragma: allowlist secret\nC = '{}'\n",
            anthropic_key(),
            replicate_token(),
            replicate_token()
        ),
    );
    let out = run(tree.keyward().args(["scan", "."]));
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout.lines().count(), 1);
    assert!(out.stdout.starts_with("fixtures.py:3:6"), "{}", out.stdout);
    assert_has(&out.stderr, "2 suppressed");
    assert_has(&out.stderr, "inline keyward:allow: 1");
}

#[test]
fn gitignore_is_honoured_dotfiles_are_scanned_and_git_is_skipped() {
    let tree = Tree::git();
    tree.write(".gitignore", "secrets/\n*.local\n");
    tree.write("secrets/prod.env", anthropic_key());
    tree.write("dev.local", replicate_token());
    tree.write(".env", replicate_token());
    tree.write(".git/leak.txt", anthropic_key());
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    let paths: Vec<String> = out.found().into_iter().map(|f| f.path).collect();
    assert_eq!(paths, vec![".env"]);

    let out = run(tree
        .keyward()
        .args(["scan", ".", "--no-ignore", "--format", "json"]));
    let paths: Vec<String> = out.found().into_iter().map(|f| f.path).collect();
    assert_eq!(paths, vec![".env", "dev.local", "secrets/prod.env"]);
}

#[test]
fn bytes_not_text_binary_crlf_invalid_utf8_and_long_lines() {
    let tree = Tree::new();
    let keys: Vec<String> = (0..4).map(|_| replicate_token()).collect();
    let mut binary = vec![0u8, 159, 146, 150, 0, b'\n', 0xff];
    binary.extend_from_slice(keys[0].as_bytes());
    tree.write("blob.bin", binary);
    tree.write("crlf.txt", format!("one\r\ntwo\r\nx={}\r\n", keys[1]));
    let mut invalid = b"\xff\xfe\xfd caf\xc3\xa9 ".to_vec();
    invalid.extend_from_slice(keys[2].as_bytes());
    tree.write("latin.txt", invalid);
    let long = format!("{}{}{}", "a,".repeat(600_000), keys[3], ";".repeat(1000));
    tree.write("bundle.min.js", long);
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    let found: Vec<(String, u64, u64)> = out
        .found()
        .into_iter()
        .map(|f| (f.path, f.line, f.column))
        .collect();
    assert_eq!(
        found,
        vec![
            ("blob.bin".into(), 2, 2),
            ("bundle.min.js".into(), 1, 1_200_001),
            ("crlf.txt".into(), 3, 3),
            // 3 invalid bytes, a space, "café" (4 characters), a space.
            ("latin.txt".into(), 1, 10),
        ]
    );
}

#[test]
fn utf16_files_are_decoded() {
    let tree = Tree::new();
    let api = anthropic_key();
    let text = format!("first line\nkey = {api}\n");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    tree.write("notes.txt", bytes);
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    let f = &out.json()[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(7))
    );
}

#[test]
fn stdin_is_scanned() {
    let rep = replicate_token();
    let out = run(keyward()
        .args(["scan", "-"])
        .write_stdin(format!("x\ny {rep}\n")));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with("<stdin>:2:3  replicate-api-token"),
        "{}",
        out.stdout
    );
}

#[test]
fn missing_path_is_an_error_with_exit_2() {
    let tree = Tree::new();
    let out = run(tree.keyward().args(["scan", "does-not-exist"]));
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "does-not-exist: no such file or directory");
}

#[test]
fn usage_error_exits_2() {
    let out = run(keyward().args(["scan", "--format", "yaml"]));
    assert_eq!(out.code, 2);
}

#[cfg(unix)]
#[test]
fn broken_symlinks_and_loops_warn_and_the_scan_goes_on() {
    let tree = Tree::new();
    tree.write("real.txt", replicate_token());
    std::os::unix::fs::symlink(tree.join("nowhere"), tree.join("broken")).unwrap();
    std::fs::create_dir(tree.join("d")).unwrap();
    std::os::unix::fs::symlink(tree.join("d"), tree.join("d/loop")).unwrap();
    // Named on the command line, a broken link is a warning, not a failure.
    let out = run(tree
        .keyward()
        .args(["scan", "real.txt", "broken", "--follow"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_has(&out.stderr, "broken: broken symbolic link");
    let out = run(tree.keyward().args(["scan", ".", "--follow"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_has(&out.stderr, "loop");
    assert!(out.stdout.contains("real.txt:1:1"));
}

#[test]
fn files_over_max_file_size_are_skipped_with_a_warning() {
    let tree = Tree::new();
    tree.write(
        "big.txt",
        format!("{}{}", "a\n".repeat(3000), replicate_token()),
    );
    let out = run(tree.keyward().args(["scan", ".", "--max-file-size", "1K"]));
    assert_eq!(out.code, 0);
    assert_has(&out.stderr, "big.txt: skipped");
    assert_has(&out.stderr, "1 skipped");
}

/// A file's size is checked only once it has yielded the first bytes, so
/// the check must still come before any byte of it is scanned, and a file
/// at the limit must still be read whole.
#[test]
fn the_size_limit_holds_before_any_byte_is_scanned_and_at_its_edge() {
    let tree = Tree::new();
    let key = replicate_token();
    // Over the limit, with the key in the first bytes: skipped, not found.
    tree.write("over.txt", format!("{key}\n{}", "a".repeat(3000)));
    // Exactly at the limit, with the key in the last bytes: scanned.
    let at = 1024 - key.len() - 1;
    tree.write("at.txt", format!("{}\n{key}", "a".repeat(at)));
    let out = run(tree.keyward().args(["scan", ".", "--max-file-size", "1K"]));
    assert_eq!(out.code, 1, "{}", out.all());
    assert_has(&out.stderr, "over.txt: skipped: 3");
    assert!(!out.stdout.contains("over.txt"), "{}", out.stdout);
    assert_has(&out.stdout, "at.txt:2:1");

    // A limit larger than what is read before the check (1 MiB).
    let tree = Tree::new();
    tree.write("big.txt", format!("{key}\n{}", "a".repeat(3 << 20)));
    tree.write("fits.txt", format!("{}\n{key}", "a".repeat(3 << 19)));
    let out = run(tree.keyward().args(["scan", ".", "--max-file-size", "2M"]));
    assert_eq!(out.code, 1, "{}", out.all());
    assert_has(&out.stderr, "big.txt: skipped");
    assert!(!out.stdout.contains("big.txt"), "{}", out.stdout);
    assert_has(&out.stdout, "fits.txt:2:1");
}

#[test]
fn large_file_across_chunks_keeps_lines_and_finds_keys_at_chunk_edges() {
    // Keys straddling the 8 MiB chunk boundary and well past it.
    let tree = Tree::new();
    let chunk = 8 << 20;
    let keys: Vec<String> = (0..3).map(|_| anthropic_key()).collect();
    let mut data = Vec::with_capacity(chunk * 2 + 1000);
    let line = b"0123456789abcdefghijklmnopqrstuvwxyz012345678901234567890123456\n"; // 64 bytes
    while data.len() + line.len() < chunk - 8192 - 50 {
        data.extend_from_slice(line);
    }
    let lines_before = data.len() / 64;
    data.extend_from_slice(keys[0].as_bytes());
    data.push(b'\n');
    while data.len() + line.len() < chunk + 10 {
        data.extend_from_slice(line);
    }
    data.extend_from_slice(b"x=");
    data.extend_from_slice(keys[1].as_bytes());
    data.push(b'\n');
    for _ in 0..100_000 {
        data.extend_from_slice(line);
    }
    data.extend_from_slice(keys[2].as_bytes());
    tree.write("huge.log", &data);
    let out = run(tree
        .keyward()
        .args(["scan", ".", "--format", "json", "--show-secrets"]));
    let found = out.json();
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 3, "{}", out.stdout);
    assert_eq!(
        found[0]["line"].as_u64().unwrap() as usize,
        lines_before + 1
    );
    for (f, k) in found.iter().zip(&keys) {
        assert_eq!(f["secret"].as_str().unwrap(), k);
        let prefix = &data[..data
            .windows(k.len())
            .position(|w| w == k.as_bytes())
            .unwrap()];
        let line = prefix.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let col = prefix.len()
            - prefix
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        assert_eq!(
            (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()),
            (line, col as u64)
        );
    }
}

#[test]
fn output_file_and_deterministic_order() {
    let tree = Tree::new();
    for i in 0..30 {
        tree.write(
            &format!("d{}/f{i}.txt", i % 3),
            format!("{}\n{}\n", replicate_token(), anthropic_key()),
        );
    }
    let first = run(tree
        .keyward()
        .args(["scan", ".", "--format", "json", "-o", "out1.json"]));
    assert_eq!(first.stdout, "");
    let again = run(tree.keyward().args([
        "scan",
        ".",
        "--format",
        "json",
        "-j",
        "1",
        "-o",
        "out2.json",
    ]));
    assert_eq!(again.code, 1);
    let a = std::fs::read_to_string(tree.join("out1.json")).unwrap();
    let b = std::fs::read_to_string(tree.join("out2.json")).unwrap();
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    let keys: Vec<(String, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 60);
}

#[test]
fn color_only_when_forced_and_never_with_no_color() {
    let tree = Tree::new();
    tree.write("a.txt", replicate_token());
    let out = run(tree.keyward().args(["scan", ".", "--color", "always"]));
    assert!(out.stdout.contains("\x1b[35m"));
    let out = run(tree.keyward().args(["scan", "."]).env("NO_COLOR", "1"));
    assert!(!out.stdout.contains('\x1b'));
}

#[test]
fn github_annotations_are_escaped() {
    let tree = Tree::new();
    tree.write("we,ird:name.txt", replicate_token());
    let out = run(tree.keyward().args(["scan", ".", "--format", "github"]));
    assert!(
        out.stdout.starts_with("::error file=we%2Cird%3Aname.txt,line=1,col=1,endColumn=41,title=keyward%3A replicate-api-token::replicate r8_"),
        "{}",
        out.stdout
    );
}

#[test]
fn rules_lists_builtin_rules() {
    let out = run(keyward().args(["rules", "--format", "json"]));
    assert_eq!(out.code, 0);
    let rules = out.json();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"anthropic-api-key") && ids.contains(&"replicate-api-token"));
    let anthropic = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "anthropic-api-key")
        .unwrap();
    assert_eq!(anthropic["verifiable"], true);
    assert_eq!(anthropic["keywords"], serde_json::json!(["sk-ant-api03-"]));
    let text = run(keyward().args(["rules"]));
    assert!(text.stdout.contains("anthropic-admin-key"));
}

#[test]
fn a_directory_of_100k_files() {
    let tree = Tree::new();
    let dir = tree.join("many");
    std::fs::create_dir(&dir).unwrap();
    for i in 0..100_000 {
        std::fs::write(dir.join(format!("f{i}.txt")), b"x\n").unwrap();
    }
    tree.write("many/f77777.txt", replicate_token());
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_has(&out.stderr, "100000 files");
    assert_eq!(out.json()[0]["path"], "many/f77777.txt");
}

#[test]
fn a_50_mb_single_line_is_scanned_in_chunks() {
    let tree = Tree::new();
    let key = anthropic_key();
    let mut line = vec![b'a'; 50 << 20];
    line.push(b' ');
    line.extend_from_slice(key.as_bytes());
    tree.write("one-line.min.js", &line);
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    let f = &out.json()[0];
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"].as_u64(), Some((50 << 20) + 2));
}

#[test]
fn every_command_honours_or_refuses_each_format() {
    // Refused before any work: `check` does not even read its key.
    for (args, can) in [
        (vec!["rules", "--format", "github"], "text, json, sarif"),
        (vec!["check", "--format", "sarif"], "text, json"),
        (vec!["check", "--format", "github"], "text, json"),
    ] {
        let out = run(keyward().args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.all());
        assert!(
            out.stderr.contains("cannot write --format") && out.stderr.contains(can),
            "{args:?}: {}",
            out.stderr
        );
    }
    for format in ["text", "json", "sarif"] {
        let out = run(keyward().args(["rules", "--format", format]));
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(out.stdout.contains("replicate-api-token"), "{format}");
    }
}

/// A repository's config could attach the Anthropic verifier to its own
/// rule and have keyward send, say, a GitHub token to Anthropic.
#[test]
fn a_custom_rule_cannot_name_a_verifier() {
    let tree = Tree::new();
    for verifier in ["anthropic-api", "no-such-verifier"] {
        tree.write(
            "keyward.toml",
            format!("[[rules]]\nid = \"mine\"\nprovider = \"p\"\ndescription = \"d\"\nregex = 'ghp_[A-Za-z0-9]{{36}}'\nkeywords = [\"ghp_\"]\nverifier = \"{verifier}\"\n"),
        );
        let out = run(tree.keyward().args(["scan", ".", "--verify"]));
        assert_eq!(out.code, 2, "{}", out.all());
        assert_has(&out.stderr, "only keyward's built-in rules are verified");
    }
}

#[test]
fn clicolor_force_colours_and_no_color_wins_over_auto() {
    let tree = Tree::new();
    tree.write("a.txt", replicate_token());
    let forced = run(tree
        .keyward()
        .args(["scan", "."])
        .env("CLICOLOR_FORCE", "1"));
    assert!(forced.stdout.contains("\x1b["), "{:?}", forced.stdout);
    let never = run(tree
        .keyward()
        .args(["scan", ".", "--color", "never"])
        .env("CLICOLOR_FORCE", "1"));
    assert!(!never.stdout.contains('\x1b'));
}

/// Committed files are never invisible: an ignore rule can only hide what
/// git does not track, and ignore files outside the repository never apply.
#[test]
fn tracked_files_are_scanned_whatever_ignore_files_say() {
    let outer = Tree::new();
    // A `.ignore` above the repository, and global excludes, hide nothing.
    outer.write(".ignore", "*\n");
    let repo = outer.join("repo");
    std::fs::create_dir(&repo).unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", outer.join("gitconfig"))
            .status()
            .unwrap();
        assert!(status.success(), "{args:?}");
    };
    outer.write("global-ignore", "*.key\n");
    outer.write(
        "gitconfig",
        format!(
            "[user]\nname = t\nemail = t@example.invalid\n[core]\nexcludesFile = {}\n",
            outer.join("global-ignore").display()
        ),
    );
    git(&["init", "-q", "-b", "main"]);
    outer.write("repo/.gitignore", "*.env\nbuild/\n");
    outer.write("repo/prod.env", format!("K={}\n", replicate_token()));
    outer.write("repo/build/out.txt", replicate_token());
    outer.write("repo/src/.ignore", "*\n");
    outer.write("repo/src/app.py", format!("K = '{}'\n", anthropic_key()));
    outer.write("repo/local.key", replicate_token());
    git(&[
        "add",
        "-f",
        "prod.env",
        "src/app.py",
        ".gitignore",
        "src/.ignore",
    ]);
    git(&["commit", "-q", "-m", "force-added"]);
    // Untracked and ignored by the repository's own rule: not scanned.
    outer.write("repo/build/untracked.txt", replicate_token());
    let scan = |args: &[&str]| {
        let out = run(keyward()
            .current_dir(&repo)
            .env("GIT_CONFIG_GLOBAL", outer.join("gitconfig"))
            .args(["scan", "--format", "json"])
            .args(args));
        let mut paths: Vec<String> = out.found().into_iter().map(|f| f.path).collect();
        paths.dedup();
        paths
    };
    assert_eq!(
        scan(&["."]),
        vec!["local.key", "prod.env", "src/app.py"],
        "tracked files and untracked files no repository rule ignores"
    );
    assert_eq!(scan(&["src"]), vec!["src/app.py"]);
    assert_eq!(
        scan(&[".", "--no-ignore"]),
        vec![
            "build/out.txt",
            "build/untracked.txt",
            "local.key",
            "prod.env",
            "src/app.py"
        ]
    );
}

#[test]
fn fail_on_live_needs_verify_and_never_lets_an_unverifiable_key_through() {
    let tree = Tree::new();
    tree.write("id_rsa", key("private-key"));
    let out = run(tree.keyward().args(["scan", ".", "--fail-on", "live"]));
    assert_eq!(out.code, 2, "{}", out.all());
    assert_has(&out.stderr, "--fail-on live needs --verify");
    // No provider can say anything about a private key: it still blocks.
    let out = run(tree
        .keyward()
        .args(["scan", ".", "--verify", "--fail-on", "live"]));
    assert_eq!(out.code, 1, "{}", out.all());
}

/// A key found by decoding says how it was encoded in every format, and
/// keeps the plain key's fingerprint.
#[test]
fn decoded_keys_name_their_encoding_and_keep_their_fingerprint() {
    let tree = Tree::new();
    let rep = replicate_token();
    let mut encoded = String::from_utf8(keyward_engine::base64::encode(
        rep.as_bytes(),
        keyward_engine::base64::Alphabet::Standard,
    ))
    .unwrap();
    while !encoded.len().is_multiple_of(4) {
        encoded.push('=');
    }
    tree.write(
        "secret.yaml",
        format!("kind: Secret\ndata:\n  token: {encoded}\n"),
    );
    tree.write("plain.env", format!("T={rep}\n"));
    let json = run(tree.keyward().args(["scan", ".", "--format", "json"])).json();
    let by_path = |p: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .unwrap()
            .clone()
    };
    let (decoded, plain) = (by_path("secret.yaml"), by_path("plain.env"));
    assert_eq!(decoded["encoding"], "base64");
    assert_eq!(
        (decoded["line"].as_u64(), decoded["column"].as_u64()),
        (Some(3), Some(10))
    );
    assert!(plain.get("encoding").is_none());
    assert_eq!(decoded["fingerprint"], plain["fingerprint"]);
    let sarif = run(tree.keyward().args(["scan", ".", "--format", "sarif"])).json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["properties"]["encoding"] == "base64")
    );
    let text = run(tree.keyward().args(["scan", "secret.yaml"]));
    assert_has(&text.stdout, "replicate-api-token  r8_");
    assert_has(&text.stdout, "(base64)");
}
