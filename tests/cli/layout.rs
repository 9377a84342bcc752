//! The code's shape: dependencies between a crate's modules run one way.
//! A cycle means two modules can no longer change apart, and it grows
//! back unnoticed unless something fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The modules `text` names through `crate::`, including each item of a
/// `crate::{a, b::c}` group.
fn named_modules(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        names.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names.remove("");
    names
}

/// `text` without the items marked `#[cfg(test)]`: test code may reach
/// anywhere, only the code's own dependencies count. An item ends at its
/// first `;` outside braces, or at the brace that closes its body; braces
/// in strings, characters and comments are passed over.
fn without_tests(text: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        rest = &rest[at + MARK.len()..];
        let bytes = rest.as_bytes();
        let (mut i, mut depth) = (0, 0);
        while i < bytes.len() {
            match bytes[i] {
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    i += rest[i..].find('\n').unwrap_or(rest.len() - i);
                }
                b'r' if rest[i..].starts_with("r#\"") => {
                    i += 3 + rest[i + 3..].find("\"#").map_or(rest.len(), |e| e + 2);
                    continue;
                }
                b'"' => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 2,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        rest = &rest[i.min(rest.len())..];
    }
    out.push_str(rest);
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module each file of a crate's `src` belongs to, and the
/// modules it names: module → modules it depends on.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let module = |path: &Path| -> String {
        let first = path.strip_prefix(src).unwrap().components().next().unwrap();
        let name = first.as_os_str().to_string_lossy();
        name.trim_end_matches(".rs").to_string()
    };
    let modules: BTreeSet<String> = files.iter().map(|p| module(p)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &files {
        let from = module(path);
        let text = std::fs::read_to_string(path).unwrap();
        for to in named_modules(&without_tests(&text)) {
            if to != from && modules.contains(&to) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    edges
}

/// Every pair of modules that depend on each other, directly or not.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(at) = todo.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == to {
                    return true;
                }
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        false
    };
    let mut found = Vec::new();
    for (from, tos) in edges {
        for to in tos {
            if from < to && reaches(to, from) {
                found.push((from.clone(), to.clone()));
            }
        }
    }
    found
}

#[test]
fn modules_depend_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let crates = [
        root.join("src"),
        root.join("crates/keyward-engine/src"),
        root.join("crates/keyward-verify/src"),
    ];
    let mut found = Vec::new();
    for src in &crates {
        for (a, b) in cycles(&graph(src)) {
            found.push(format!("{}: {a} <-> {b}", src.display()));
        }
    }
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_check_sees_groups_and_indirect_cycles() {
    let names = named_modules("use crate::{a, b::{c, d}, e};\nlet x = crate::f::g();");
    assert_eq!(names, ["a", "b", "e", "f"].map(String::from).into());
    let code = "use crate::a;\n#[cfg(test)]\nfn t() -> crate::b::T;\n#[cfg(test)]\nmod tests {\n    const J: &str = r#\"{\"}\"#;\n    let c = '}';\n    use crate::c;\n}\nuse crate::d;";
    assert_eq!(
        named_modules(&without_tests(code)),
        ["a", "d"].map(String::from).into()
    );
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    let found = cycles(&edges);
    assert!(found.contains(&("a".into(), "b".into())));
    assert!(!found.iter().any(|(x, y)| x == "d" || y == "d"));
}
