//! One test per bug found, named after it.

use crate::common::*;

fn found(out: &Output) -> Vec<String> {
    out.found().iter().map(Found::place).collect()
}

/// The prefilter reports one keyword per position; a keyword that starts
/// inside another's hit must still be tried.
#[test]
fn a_keyword_inside_another_keyword_is_still_tried() {
    let tree = Tree::new();
    tree.write(
        "keyward.toml",
        "[[rules]]\nid = \"inner\"\nprovider = \"test\"\ndescription = \"d\"\nregex = 'ant-api03-[A-Za-z0-9_-]{95}'\nkeywords = [\"ant-api03-\"]\n[rules.validate]\nboundary = \"\"\n",
    );
    tree.write("k.txt", anthropic_key());
    let out = run(tree.keyward().args(["scan", "k.txt", "--format", "json"]));
    assert_eq!(
        found(&out),
        vec!["k.txt:1:1 anthropic-api-key", "k.txt:1:4 inner"]
    );
}

/// `key%3Dr8_…` in a URL: the escape delimits the token.
#[test]
fn a_percent_escape_before_a_key_is_a_boundary() {
    let tree = Tree::new();
    tree.write(
        "u.py",
        format!("URL = 'https://x.test/cb?key%3D{}'\n", replicate_token()),
    );
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(found(&out), vec!["u.py:1:32 replicate-api-token"]);
}

/// A binary file that starts with FF FE is not necessarily UTF-16: its raw
/// bytes are scanned too.
#[test]
fn a_binary_file_starting_like_utf16_keeps_its_ascii_keys() {
    let tree = Tree::new();
    let mut bytes = vec![0xFF, 0xFE, 0x00, b'\n'];
    bytes.extend_from_slice(replicate_token().as_bytes());
    tree.write("data.bin", bytes);
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(found(&out), vec!["data.bin:2:1 replicate-api-token"]);
}

/// A path named outside the scanned root gets an absolute file:// URI in
/// SARIF, not an absolute path under %SRCROOT%.
#[test]
fn a_file_outside_the_root_has_an_absolute_sarif_uri() {
    let tree = Tree::new();
    tree.write("k.txt", replicate_token());
    let other = Tree::new();
    let out = run(other
        .keyward()
        .args(["scan", "--format", "sarif"])
        .arg(tree.join("k.txt")));
    let location = &out.json()["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(
        location["uri"].as_str().unwrap().starts_with("file:///"),
        "{location}"
    );
    assert!(location.get("uriBaseId").is_none());
}

/// `keyward github` rendered twice (SARIF and annotations) and each render
/// printed the scan's warnings: every warning appeared twice in the log.
#[test]
fn github_prints_each_warning_once() {
    let tree = Tree::git();
    tree.write("big.txt", "x\n".repeat(2000));
    tree.commit("a big file");
    let out = run(tree.keyward().env("GITHUB_EVENT_NAME", "schedule").args([
        "github",
        "--max-file-size",
        "1K",
        "--sarif-file",
        "k.sarif",
        "--",
        ".",
    ]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(
        out.stderr.matches("over the size limit").count(),
        1,
        "{}",
        out.stderr
    );
}

/// 80 of 220 real-shaped keys were dropped because their random bodies
/// contained a word or a short run; a placeholder is a property of the
/// whole body.
#[test]
fn keys_whose_random_bodies_hold_a_word_or_a_short_run_are_reported() {
    let tree = Tree::new();
    let mut rng = Rng::fresh();
    let inserts = [
        "dummy", "example", "test", "sample", "1234", "abcd", "0000", "xxxx", "your",
    ];
    let mut lines = Vec::new();
    for (i, insert) in inserts.iter().cycle().take(220).enumerate() {
        let (rule, prefix) = if i % 2 == 0 {
            ("anthropic-api-key", 13)
        } else {
            ("replicate-api-token", 3)
        };
        let key = key_from(rule, &mut rng);
        // Overwrite part of the body, after the prefix.
        let at = prefix + (rng.next_u64() % 20) as usize;
        let key = format!("{}{insert}{}", &key[..at], &key[at + insert.len()..]);
        lines.push(format!("K{i} = \"{key}\""));
    }
    tree.write("keys.py", lines.join("\n"));
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(out.found().len(), 220, "{}", out.stderr);
}

/// `keyward check` said "format is not valid (108 characters, expected
/// 108)" for such a key; now it says what is wrong with a real placeholder.
#[test]
fn check_names_the_reason_a_key_is_refused() {
    let fake = format!("sk-ant-api03-{}AA", "x".repeat(93));
    let out = run(keyward().args(["check", "--offline"]).write_stdin(fake));
    assert_eq!(out.code, 1);
    assert_has(&out.stdout, "placeholder (a repeated unit)");
    let short = format!("sk-ant-api03-{}AA", "k3J8s0PqZr7W".repeat(7));
    let out = run(keyward().args(["check", "--offline"]).write_stdin(short));
    assert_has(&out.stdout, "99 characters long, expected 108");
}

/// A malformed config echoed the offending value (a whole key), and so did
/// `keyward check --env "$KEY"` and a key passed as an argument.
#[test]
fn errors_never_echo_a_key() {
    let tree = Tree::new();
    let key = anthropic_key();
    tree.write("keyward.toml", format!("disable = \"{key}\"\n"));
    tree.write("a.txt", "x");
    let config = run(tree.keyward().args(["scan", "."]));
    let env = run(keyward().args(["check", "--env", &key]));
    let argument = run(keyward().args(["check", &key]));
    let option = run(keyward().args(["scan", "--format", &key]));
    for out in [config, env, argument, option] {
        assert_eq!(out.code, 2, "{}", out.all());
        assert!(!out.all().contains(&key), "the key leaked: {}", out.all());
        assert!(
            out.stderr.contains("sk-ant-api03-"),
            "redacted, not removed: {}",
            out.stderr
        );
    }
}

/// `echo "$KEY" | keyward check` (one trailing newline) always warned
/// "removed whitespace".
#[test]
fn check_takes_one_line_without_a_warning() {
    let key = format!("sk-ant-api03-{}AA", "x".repeat(93));
    for (input, warns) in [
        (format!("{key}\n"), false),
        (format!("{key}\r\n"), false),
        (format!("  {key}\n"), true),
        (format!("{key}\n\n"), true),
    ] {
        let out = run(keyward()
            .args(["check", "--offline"])
            .write_stdin(input.clone()));
        assert_eq!(
            out.stderr.contains("removed whitespace"),
            warns,
            "{input:?}"
        );
    }
    let big = "x".repeat(100 << 10);
    let out = run(keyward().args(["check", "--offline"]).write_stdin(big));
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "more than 65536 bytes");
}

/// Panics (exit 101): an absolute path with `[allow] paths`; a `secret`
/// group shorter than its keyword with `boundary = ""`; a huge
/// `--verify-concurrency`; and `-j 100000` started that many threads.
#[test]
fn odd_input_is_a_clear_error_or_works_but_never_panics() {
    let tree = Tree::new();
    tree.write("keyward.toml", "[allow]\npaths = [\"fixtures/**\"]\n");
    tree.write("k.txt", replicate_token());
    let out = run(tree.keyward().arg("scan").arg(tree.join("k.txt")));
    assert_eq!(out.code, 1, "{}", out.all());
    let out = run(tree.keyward().args(["scan", "/etc/hostname"]));
    assert!(matches!(out.code, 0 | 1), "{}", out.all());

    tree.write(
        "keyward.toml",
        "[[rules]]\nid = \"short\"\nprovider = \"p\"\ndescription = \"d\"\nregex = 'longkeyword(?P<secret>x)'\nkeywords = [\"longkeyword\"]\n[rules.validate]\nboundary = \"\"\n",
    );
    tree.write("s.txt", "a longkeywordx b\n");
    let out = run(tree.keyward().args(["scan", "s.txt", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.all());

    for args in [
        vec!["scan", ".", "--verify-concurrency", "18446744073709551615"],
        vec!["scan", ".", "-j", "100000"],
    ] {
        let out = run(tree.keyward().args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.all());
        assert!(out.stderr.contains("not in"), "{args:?}: {}", out.stderr);
    }
    let out = run(tree.keyward().args(["scan", ".", "-j", "1000"]));
    assert_ne!(out.code, 101, "{}", out.all());
}

/// `keyward scan <(cat .env)`, `/dev/stdin` and a named FIFO said "0 files"
/// and exited 0: something named is read.
#[cfg(unix)]
#[test]
fn pipes_and_fifos_named_on_the_command_line_are_read() {
    let key = replicate_token();
    let out = run(keyward()
        .args(["scan", "/dev/stdin", "--format", "json"])
        .write_stdin(format!("T={key}\n")));
    assert_eq!(out.code, 1, "{}", out.all());
    assert_eq!(out.found()[0].path, "/dev/stdin");
    let tree = Tree::new();
    let fifo = tree.join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let (fifo, key) = (fifo.clone(), key.clone());
        std::thread::spawn(move || std::fs::write(fifo, format!("T={key}\n")).unwrap())
    };
    let out = run(tree.keyward().args(["scan", "pipe", "--format", "json"]));
    writer.join().unwrap();
    assert_eq!(out.code, 1, "{}", out.all());
    assert_has(&out.stderr, "1 file,");
}

/// `keyward scan src` ignored the root's `keyward.toml`, and `keyward scan
/// vendor/lib` obeyed a vendored one: the repository root's config applies.
#[test]
fn the_repository_roots_config_applies_whatever_directory_is_named() {
    let tree = Tree::git();
    tree.write("keyward.toml", "[allow]\npaths = [\"src/fixtures/**\"]\n");
    tree.write("src/fixtures/k.py", replicate_token());
    tree.write(
        "vendor/lib/keyward.toml",
        "disable = [\"replicate-api-token\"]\n",
    );
    tree.write("vendor/lib/k.py", replicate_token());
    let src = run(tree.keyward().args(["scan", "src"]));
    assert_eq!(src.code, 0, "the root's allowlist applies: {}", src.all());
    let vendor = run(tree.keyward().args(["scan", "vendor/lib"]));
    assert_eq!(
        vendor.code,
        1,
        "a vendored config does not: {}",
        vendor.all()
    );
    // From a subdirectory too, and paths stay relative to where keyward runs.
    let out = run(tree
        .keyward()
        .current_dir(tree.join("vendor"))
        .args(["scan", "lib", "--format", "json"]));
    assert_eq!(out.found()[0].path, "lib/k.py");
}

/// With one directory argument, paths were relative to that directory.
#[test]
fn paths_are_relative_to_the_working_directory() {
    let tree = Tree::new();
    tree.write("internal/communicator/ssh/k.go", replicate_token());
    let out = run(tree
        .keyward()
        .args(["scan", "internal/communicator", "--format", "json"]));
    assert_eq!(out.found()[0].path, "internal/communicator/ssh/k.go");
}

/// A root-level file named `tests\fixtures\prod.env` was allowlisted by
/// `tests/fixtures/**` and reported under a path that does not exist.
#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_part_of_the_name() {
    let tree = Tree::new();
    tree.write("keyward.toml", "[allow]\npaths = [\"tests/fixtures/**\"]\n");
    tree.write("tests\\fixtures\\prod.env", replicate_token());
    let out = run(tree.keyward().args(["scan", ".", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.all());
    assert_eq!(out.found()[0].path, "tests\\fixtures\\prod.env");
}

/// A name with a newline wrote `::stop-commands::…` as a line of its own
/// (the Actions log obeys it), and ANSI sequences passed through.
#[cfg(unix)]
#[test]
fn control_characters_in_names_are_escaped_in_text_output() {
    let tree = Tree::new();
    let name = "x\n::stop-commands::pwn\n\u{1b}[2J.env";
    tree.write(name, replicate_token());
    std::fs::create_dir(tree.join("d\u{1b}]0;t\u{7}")).unwrap();
    std::os::unix::fs::symlink(tree.join("nowhere"), tree.join("d\u{1b}]0;t\u{7}/l")).unwrap();
    let out = run(tree.keyward().args([
        "scan",
        ".",
        "x\n::stop-commands::pwn\n\u{1b}[2J.env",
        "d\u{1b}]0;t\u{7}/l",
    ]));
    for line in out.stdout.lines().chain(out.stderr.lines()) {
        assert!(!line.starts_with("::"), "{line:?}");
        assert!(
            !line.contains('\u{1b}') && !line.contains('\u{7}'),
            "{line:?}"
        );
    }
    assert_has(&out.stdout, "x\\n::stop-commands::pwn\\n\\u{1b}[2J.env:1:1");
}
