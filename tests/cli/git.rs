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
    assert!(out.stderr.contains("git"), "{}", out.stderr);
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
    assert!(
        text.stdout.contains(&format!("commit {}", &c1[..12])),
        "{}",
        text.stdout
    );
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
    assert!(bad.stderr.contains("git"), "{}", bad.stderr);
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
