//! `--staged` (the git index) and `--git RANGE` (commit history).

use crate::common::*;

/// `keyward scan --git BASE..HEAD --format json`.
fn scan_since(tree: &Tree, base: &str) -> Output {
    run(tree.keyward().args([
        "scan",
        "--git",
        &format!("{base}..HEAD"),
        "--format",
        "json",
    ]))
}

/// `commit path:line`, the commit shortened to 7 characters or `-`.
fn found(out: &Output) -> Vec<String> {
    out.found()
        .iter()
        .map(|f| {
            let commit = f.commit.as_deref().map_or("-", |c| &c[..7]);
            format!("{commit} {}", f.at())
        })
        .collect()
}

#[test]
fn staged_content_counts_not_the_work_tree() {
    let tree = Tree::git();
    tree.write("README.md", "hello\n");
    tree.commit("init");
    let staged = |t: &Tree| run(t.keyward().args(["scan", "--staged", "--format", "json"]));

    // Clean staged change: passes.
    tree.write("a.py", "x = 1\n");
    tree.run_git(&["add", "a.py"]);
    let out = staged(&tree);
    assert_eq!(out.code, 0, "{}", out.all());

    // A key only in an unstaged edit does not block.
    tree.write("a.py", format!("x = 1\nk = '{}'\n", replicate_token()));
    assert_eq!(staged(&tree).code, 0);

    // A key staged, then deleted from the work tree, blocks.
    tree.write("b.env", format!("\nT={}\n", anthropic_key()));
    tree.run_git(&["add", "b.env"]);
    tree.write("b.env", "T=\n");
    let out = staged(&tree);
    assert_eq!(out.code, 1);
    assert_eq!(found(&out), vec!["- b.env:2"]);

    // An inline allow lets the line through.
    tree.write("b.env", format!("T={}  # keyward:allow\n", anthropic_key()));
    tree.run_git(&["add", "b.env"]);
    assert_eq!(staged(&tree).code, 0);
}

#[test]
fn staged_works_before_the_first_commit_and_from_a_subdirectory() {
    let tree = Tree::git();
    tree.write("sub/dir/k.txt", replicate_token());
    tree.run_git(&["add", "-A"]);
    let out = run(tree
        .keyward()
        .current_dir(tree.join("sub"))
        .args(["scan", "--staged", "--format", "json"]));
    assert_eq!(found(&out), vec!["- sub/dir/k.txt:1"]);
}

#[test]
fn staged_outside_a_repository_is_an_error() {
    let tree = Tree::new();
    let out = run(tree.keyward().args(["scan", "--staged"]));
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "git");
}

#[test]
fn history_range_finds_added_then_removed_keys_and_skips_older_ones() {
    let tree = Tree::git();
    tree.write("old.txt", format!("{}\n", replicate_token()));
    let base = tree.commit("old key, before base");
    let added = anthropic_key();
    tree.write("config.py", format!("x = 1\nKEY = '{added}'\n"));
    let c1 = tree.commit("add key");
    tree.write("config.py", "x = 1\nKEY = os.environ['KEY']\n");
    tree.commit("remove key");
    // Editing a file that already held an old key does not re-report it.
    tree.write(
        "old.txt",
        format!(
            "{}\nmore\n",
            std::fs::read_to_string(tree.join("old.txt"))
                .unwrap()
                .trim()
        ),
    );
    tree.commit("touch old file");
    let out = scan_since(&tree, &base);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(found(&out), vec![format!("{} config.py:2", &c1[..7])]);
    assert!(
        out.stderr.contains("4 commits") || out.stderr.contains("3 commits"),
        "{}",
        out.stderr
    );

    let all = run(tree
        .keyward()
        .args(["scan", "--git", "--all", "--format", "json"]));
    assert_eq!(found(&all).len(), 2, "{}", all.stdout);
    // The text report names the commit.
    let text = run(tree
        .keyward()
        .args(["scan", "--git", &format!("{base}..HEAD")]));
    assert_has(&text.stdout, format!("commit {}", &c1[..12]));
}

#[test]
fn history_handles_renames_merges_and_binary_files() {
    let tree = Tree::git();
    tree.write("a.txt", "start\n");
    let base = tree.commit("init");
    let key = replicate_token();
    tree.write("secret.txt", format!("{key}\n"));
    let add = tree.commit("add");
    tree.run_git(&["mv", "secret.txt", "moved.txt"]);
    tree.commit("rename");
    // A branch adds a binary file with a key, merged back.
    tree.run_git(&["checkout", "-q", "-b", "side"]);
    let mut bin = vec![0u8, 1, 2, 0xff, b'\n'];
    let bkey = anthropic_key();
    bin.extend_from_slice(bkey.as_bytes());
    tree.write("blob.bin", bin);
    let side = tree.commit("binary");
    tree.run_git(&["checkout", "-q", "main"]);
    tree.write("other.txt", "x\n");
    tree.commit("main work");
    tree.run_git(&["merge", "-q", "--no-edit", "side"]);
    let out = scan_since(&tree, &base);
    assert_eq!(
        found(&out),
        vec![
            format!("{} blob.bin:2", &side[..7]),
            format!("{} secret.txt:1", &add[..7])
        ],
        "a rename or a merge does not add the key again"
    );
}

#[test]
fn history_in_a_shallow_clone_scans_what_is_there() {
    let tree = Tree::git();
    tree.write("a.txt", format!("{}\n", replicate_token()));
    tree.commit("one");
    tree.write("b.txt", format!("{}\n", replicate_token()));
    tree.commit("two");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", tree.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(clone.path().join("c"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = run(keyward()
        .current_dir(clone.path().join("c"))
        .args(["scan", "--git", "HEAD", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        found(&out).len(),
        2,
        "the boundary commit shows its whole tree"
    );
    let bad =
        run(keyward()
            .current_dir(clone.path().join("c"))
            .args(["scan", "--git", "HEAD~1..HEAD"]));
    assert_eq!(bad.code, 2);
    // It says why: the commit is beyond the shallow boundary.
    assert_has(&bad.stderr, "shallow clone");
    assert_has(&bad.stderr, "--deepen");
}

#[test]
fn history_with_a_submodule_is_scanned_without_it() {
    let sub = Tree::git();
    sub.write("inner.txt", "x\n");
    sub.commit("inner");
    let tree = Tree::git();
    tree.write("a.txt", "start\n");
    let base = tree.commit("init");
    tree.run_git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &sub.path().display().to_string(),
        "vendor/sub",
    ]);
    tree.write("k.txt", replicate_token());
    tree.commit("add submodule and a key");
    let out = scan_since(&tree, &base);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let paths: Vec<String> = found(&out)
        .iter()
        .map(|f| f.split(' ').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(paths, vec!["k.txt:1"]);
}

/// `--git RANGE --format json` with more arguments after it.
fn scan_git(tree: &Tree, args: &[&str]) -> Output {
    let mut all = vec!["scan", "--format", "json", "--git"];
    all.extend_from_slice(args);
    run(tree.keyward().args(&all))
}

/// An executable shell script at `path`.
fn script(path: &std::path::Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn history_finds_a_key_that_only_a_merge_resolution_adds() {
    let tree = Tree::git();
    tree.write("a.txt", "start\n");
    let base = tree.commit("init");
    tree.run_git(&["checkout", "-q", "-b", "side"]);
    tree.write("b.txt", "side\n");
    tree.commit("side work");
    tree.run_git(&["checkout", "-q", "main"]);
    tree.write("c.txt", "main\n");
    tree.commit("main work");
    // The merge commit's tree holds a file neither parent has.
    tree.run_git(&["merge", "-q", "--no-commit", "--no-ff", "side"]);
    tree.write("evil.txt", format!("{}\n", replicate_token()));
    let merge = tree.commit("merge side");
    let out = scan_since(&tree, &base);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(found(&out), vec![format!("{} evil.txt:1", &merge[..7])]);
}

#[test]
fn history_reports_the_same_key_for_each_commit_that_adds_it() {
    // Two branches each add the key (a cherry-pick): both commits leak it.
    let tree = Tree::git();
    tree.write("a.txt", "start\n");
    let base = tree.commit("init");
    let key = anthropic_key();
    tree.run_git(&["checkout", "-q", "-b", "side"]);
    tree.write("ci.yml", format!("key: {key}\n"));
    let one = tree.commit("on side");
    tree.run_git(&["checkout", "-q", "main"]);
    tree.write("ci.yml", format!("key: {key}\n"));
    let two = tree.commit("on main");
    // A copy under another name is a new file that holds it.
    tree.write("copy.yml", format!("key: {key}\n"));
    let copy = tree.commit("copy");
    let out = run(tree.keyward().args([
        "scan",
        "--git",
        &format!("{base}..side"),
        "--format",
        "json",
    ]));
    assert_eq!(found(&out), vec![format!("{} ci.yml:1", &one[..7])]);
    let out = scan_git(&tree, &["--all"]);
    let mut got = found(&out);
    got.sort();
    let mut want = vec![
        format!("{} ci.yml:1", &one[..7]),
        format!("{} ci.yml:1", &two[..7]),
        format!("{} copy.yml:1", &copy[..7]),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn history_scans_commit_messages() {
    let tree = Tree::git();
    tree.write("a.txt", "start\n");
    let base = tree.commit("init");
    tree.write("a.txt", "more\n");
    let c = tree.commit(&format!(
        "fix the build\n\nIt works with {} here.\n",
        replicate_token()
    ));
    let out = scan_since(&tree, &base);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(found(&out), vec![format!("{} <commit message>:3", &c[..7])]);
    let finding = &out.json()[0];
    assert_eq!(finding["path"], "<commit message>");
    assert_eq!(finding["commit"], c.as_str());

    // SARIF needs a location: the same pseudo-path, relative to the root.
    let sarif = run(tree.keyward().args([
        "scan",
        "--git",
        &format!("{base}..HEAD"),
        "--format",
        "sarif",
    ]));
    let sarif = sarif.json();
    crate::sarif::assert_valid(&sarif);
    let result = &sarif["runs"][0]["results"][0];
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "%3Ccommit%20message%3E"
    );
    assert_eq!(location["region"]["startLine"], 3);
    assert_eq!(result["properties"]["commit"], c.as_str());

    // A scan limited to paths is about files: messages are not in them.
    let limited = scan_git(&tree, &[&format!("{base}..HEAD"), "a.txt"]);
    assert_eq!(limited.code, 0, "{}", limited.all());
}

#[test]
fn history_ignores_log_config_that_would_hide_or_move_findings() {
    let tree = Tree::git();
    tree.write("root.txt", format!("{}\n", replicate_token()));
    let root = tree.commit("root");
    // log.showRoot=false hides the root commit's files from `git log`.
    tree.run_git(&["config", "log.showRoot", "false"]);
    let out = scan_git(&tree, &["--all"]);
    assert_eq!(found(&out), vec![format!("{} root.txt:1", &root[..7])]);

    // log.showSignature=true runs the repository's gpg.program on every
    // signed commit and prints its words into the log.
    let marker = tree.join("gpg-ran");
    let gpg = tree.join("fake-gpg.sh");
    script(
        &gpg,
        &format!(
            r#"for a in "$@"; do
  if [ "$a" = "--verify" ]; then echo ran >> '{}'; echo "gpg: Good signature" >&2; exit 0; fi
done
cat >/dev/null
echo "[GNUPG:] SIG_CREATED D 1 8 00 0 0 fake" >&2
printf -- '-----BEGIN PGP SIGNATURE-----\n\nZmFrZQ==\n-----END PGP SIGNATURE-----\n'"#,
            marker.display()
        ),
    );
    tree.run_git(&["config", "gpg.program", &gpg.display().to_string()]);
    tree.write("one.txt", format!("{}\n", anthropic_key()));
    tree.run_git(&["add", "-A"]);
    tree.run_git(&["commit", "-q", "-S", "-m", "signed one"]);
    let one = tree.run_git(&["rev-parse", "HEAD"]);
    tree.write("two.txt", "nothing\n");
    tree.run_git(&["add", "-A"]);
    tree.run_git(&["commit", "-q", "-S", "-m", "signed two"]);
    tree.run_git(&["config", "log.showSignature", "true"]);
    // The check can fail: plain git log runs the program.
    tree.run_git(&["log", "-1", "--format=%H"]);
    assert!(marker.exists(), "git log did not verify the signature");
    std::fs::remove_file(&marker).unwrap();
    let out = scan_git(&tree, &[&format!("{root}..HEAD")]);
    assert_eq!(found(&out), vec![format!("{} one.txt:1", &one[..7])]);
    assert!(!marker.exists(), "keyward ran gpg.program");
}

#[test]
fn staged_runs_no_fsmonitor_hook() {
    let tree = Tree::git();
    tree.write("a.txt", "start\n");
    tree.commit("init");
    let marker = tree.join("hook-ran");
    let hook = tree.join("fsmonitor.sh");
    script(&hook, &format!("echo ran >> '{}'", marker.display()));
    tree.run_git(&["config", "core.fsmonitor", &hook.display().to_string()]);
    tree.write("k.txt", replicate_token());
    tree.run_git(&["add", "k.txt"]);
    // The check can fail: git diff --cached runs the hook.
    tree.run_git(&["diff", "--cached", "--raw"]);
    assert!(marker.exists(), "git did not run the fsmonitor hook");
    std::fs::remove_file(&marker).unwrap();
    let out = run(tree
        .keyward()
        .args(["scan", "--staged", "--format", "json"]));
    assert_eq!(found(&out), vec!["- k.txt:1"]);
    let out = scan_git(&tree, &["--all"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        !marker.exists(),
        "keyward ran the repository's fsmonitor hook"
    );
}

#[test]
fn git_paths_choose_the_repository_and_limit_the_scan() {
    let tree = Tree::git();
    tree.write("config/app.env", format!("A={}\n", replicate_token()));
    tree.write("src/main.py", format!("k = '{}'\n", anthropic_key()));
    let first = tree.commit("two keys");
    tree.write("config/db.env", format!("B={}\n", replicate_token()));
    tree.write("src/other.py", format!("k = '{}'\n", anthropic_key()));
    let second = tree.commit("two more");

    // A range and a path: only the files under the path.
    let out = scan_git(&tree, &["HEAD~1..HEAD", "config/"]);
    assert_eq!(
        found(&out),
        vec![format!("{} config/db.env:1", &second[..7])]
    );
    let out = run(tree
        .keyward()
        .args(["scan", "--format", "json", "--staged", "config"]));
    assert_eq!(out.code, 0, "{}", out.all());

    // `--git .` in a subdirectory: `.` is that directory, not a revision.
    let out = run(tree
        .keyward()
        .current_dir(tree.join("src"))
        .args(["scan", "--format", "json", "--git", "."]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        found(&out),
        vec![
            format!("{} src/main.py:1", &first[..7]),
            format!("{} src/other.py:1", &second[..7])
        ]
    );
    // Without a path, the whole repository, wherever it is run from.
    let out = run(tree
        .keyward()
        .current_dir(tree.join("src"))
        .args(["scan", "--format", "json", "--git", "--all"]));
    assert_eq!(found(&out).len(), 4, "{}", out.stdout);

    // A path that history holds but the work tree no longer has.
    tree.run_git(&["rm", "-q", "-r", "config"]);
    tree.commit("drop config");
    let out = scan_git(&tree, &["--all", "config"]);
    assert_eq!(found(&out).len(), 2, "{}", out.all());

    // Another repository, named by its path.
    let other = Tree::git();
    other.write("x.txt", replicate_token());
    let x = other.commit("x");
    let out = scan_git(&tree, &["--all", &other.path().display().to_string()]);
    assert_eq!(found(&out), vec![format!("{} x.txt:1", &x[..7])]);
    // A bare one too.
    let bare = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(other.path())
        .arg(bare.path().join("x.git"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = scan_git(
        &tree,
        &["--all", &bare.path().join("x.git").display().to_string()],
    );
    assert_eq!(found(&out), vec![format!("{} x.txt:1", &x[..7])]);

    // A value that names both a commit and a path is not guessed at.
    tree.run_git(&["branch", "src"]);
    let out = scan_git(&tree, &["src"]);
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "both a commit and a path");
    let out = scan_git(&tree, &["src^{commit}"]);
    assert_eq!(found(&out).len(), 4, "{}", out.all());
    let out = scan_git(&tree, &["HEAD", "src"]);
    assert_eq!(found(&out).len(), 2, "{}", out.all());

    // Paths in two repositories are an error, not a silent choice.
    let out = scan_git(
        &tree,
        &["--all", "src", &other.path().display().to_string()],
    );
    assert_eq!(out.code, 2);
    assert_has(&out.stderr, "different repositories");
}

#[test]
fn history_of_a_partial_clone_fails_closed_and_says_what_to_fetch() {
    let src = Tree::git();
    src.run_git(&["config", "uploadpack.allowFilter", "true"]);
    src.run_git(&["config", "uploadpack.allowAnySHA1InWant", "true"]);
    src.write("old.txt", format!("{}\n", replicate_token()));
    let old = src.commit("a key");
    src.remove("old.txt");
    src.write("kept.txt", format!("{}\n", anthropic_key()));
    let kept = src.commit("drop it, add another");
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("c");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--filter=blob:none"])
        .arg(format!("file://{}", src.path().display()))
        .arg(&clone)
        .status()
        .unwrap();
    assert!(status.success());
    let scan = || {
        run(keyward()
            .current_dir(&clone)
            .args(["scan", "--git", "--all", "--format", "json"]))
    };
    let out = scan();
    // What is here is reported; the scan still fails.
    assert_eq!(out.code, 2, "{}", out.all());
    assert_eq!(found(&out), vec![format!("{} kept.txt:1", &kept[..7])]);
    assert_has(&out.stderr, "partial clone");
    assert_has(&out.stderr, "promisor remote `origin`");
    // The command it gives brings what was missing.
    let command = out
        .stderr
        .split('`')
        .find(|part| part.starts_with("git -C") && part.contains(" fetch "))
        .unwrap_or_else(|| panic!("no fetch command in {}", out.stderr));
    let status = std::process::Command::new("sh")
        .args(["-c", command])
        .status()
        .unwrap();
    assert!(status.success(), "{command}");
    let out = scan();
    assert_eq!(out.code, 1, "{}", out.all());
    let mut got = found(&out);
    got.sort();
    let mut want = vec![
        format!("{} kept.txt:1", &kept[..7]),
        format!("{} old.txt:1", &old[..7]),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn history_with_an_object_gone_from_a_full_clone_fails_closed() {
    let tree = Tree::git();
    tree.write("old.txt", format!("{}\n", replicate_token()));
    tree.commit("a key");
    let blob = tree.run_git(&["rev-parse", "HEAD:old.txt"]);
    tree.remove("old.txt");
    tree.commit("drop it");
    std::fs::remove_file(tree.join(&format!(".git/objects/{}/{}", &blob[..2], &blob[2..])))
        .unwrap();
    let out = scan_git(&tree, &["--all"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert_has(&out.stderr, &blob);
    assert_has(&out.stderr, "missing from the object store");
    assert!(!out.stderr.contains("shallow"), "{}", out.stderr);
}
