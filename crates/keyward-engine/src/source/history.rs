//! Git history (`--git`): the secrets each commit adds, in its files and in
//! its message.
//!
//! The cost is close to reading each distinct blob once. One walk lists
//! what every commit changes (`git log --raw` without rename detection: tree
//! diffs only, and a merge's combined diff as one walk of all its parents'
//! trees). As it goes, it hands each blob it has not seen to a pipelined
//! `git cat-file --batch` (one per core, up to two, chosen by file name so
//! that blobs stored as deltas of each other meet in one), and reader
//! threads scan the blobs as they come back. Only the few blobs that
//! hold a secret are looked at again, in `attribute`, to tell a secret a
//! commit adds from one it kept or moved, exactly as `git log -M -c` would.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::mpsc;

use super::{Progress, Report, Silent, Source};
use crate::detect::{Detector, Match};
use crate::error::Error;
use crate::finding::Origin;
use crate::git::{
    Change, Git, Objects, Requests, has_content, is_null, literal_pathspec, parse_change,
    parse_header,
};
use crate::path::FilePath;

/// The path that findings in a commit message carry.
pub const COMMIT_MESSAGE: &str = "<commit message>";

/// Which commits to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Range {
    /// A revision range as git understands it (`base..head`, or one commit
    /// for it and all its ancestors).
    Revisions(String),
    /// Every commit reachable from any ref.
    All,
}

pub struct History {
    /// Any directory inside the work tree, or a bare repository.
    pub dir: PathBuf,
    pub range: Range,
    /// Paths relative to the repository's top that limit the scan to the
    /// files under them. Empty: every file, and the commit messages.
    pub paths: Vec<PathBuf>,
}

impl Source for History {
    fn base(&self) -> std::path::PathBuf {
        Git::discover(&self.dir).map_or_else(|_| self.dir.clone(), |git| git.dir().to_path_buf())
    }

    /// Report the secrets in a file's new blob that were not in the file's
    /// blob before the commit, and those in each commit's message.
    fn scan(&mut self, detector: &Detector, progress: &dyn Progress) -> Result<Report, Error> {
        let git = Git::discover(&self.dir)?;
        let revs = match &self.range {
            Range::All => "--all",
            Range::Revisions(range) if range.starts_with('-') => {
                return Err(Error::Git(format!("`{range}` is not a revision range")));
            }
            Range::Revisions(range) => range.as_str(),
        };
        let pathspecs: Vec<OsString> = self.paths.iter().map(|p| literal_pathspec(p)).collect();
        let messages = pathspecs.is_empty();
        let mut report = Report::default();
        let mut missing = Vec::new();

        let (mut walk, found) = walk_and_scan(
            &git,
            revs,
            &pathspecs,
            messages,
            detector,
            progress,
            &mut report,
            &mut missing,
        )
        .map_err(|e| git.explain_failure(e))?;
        report.stats.commits = walk.commits.len() as u64;
        report.merge(std::mem::take(&mut walk.messages));

        attribute(
            &git,
            detector,
            &walk,
            &found,
            &pathspecs,
            &mut report,
            &mut missing,
        )?;
        if !missing.is_empty() {
            report.fail(git.explain_missing(&missing, &[revs]));
        }
        Ok(report)
    }
}

/// Report what the commits that brought a blob with a secret added: the
/// secrets of the new blob that the blob before (on any side, for a merge)
/// did not hold. The commits are diffed again to name the paths and the
/// blobs before, as `git log -M -c` shows them, but with rename detection
/// (which reads blobs) only where it can change the answer: a path added
/// in a commit that deletes another, or in a merge.
fn attribute(
    git: &Git,
    detector: &Detector,
    walk: &Walk,
    found: &HashMap<u32, Vec<Match>>,
    pathspecs: &[OsString],
    report: &mut Report,
    missing: &mut Vec<String>,
) -> Result<(), Error> {
    let mut renames = BTreeSet::new();
    let mut plain = BTreeSet::new();
    for b in walk.brought.iter().filter(|b| found.contains_key(&b.blob)) {
        if b.added && walk.renames[b.commit as usize] {
            renames.insert(b.commit);
        } else {
            plain.insert(b.commit);
        }
    }
    plain.retain(|c| !renames.contains(c));
    let mut changes = diff_commits(git, walk, &plain, false, pathspecs, report)?;
    changes.extend(diff_commits(git, walk, &renames, true, pathspecs, report)?);

    let number = |sha: &str| Oid::parse(sha.as_bytes()).and_then(|id| walk.numbers.get(&id));
    let holds_secret = |sha: &str| number(sha).is_some_and(|n| found.contains_key(n));
    // The blobs before that the walk did not bring (from before the range).
    let mut seen = HashSet::new();
    let unread: Vec<String> = changes
        .iter()
        .filter(|(_, c)| c.has_content() && holds_secret(&c.new_sha))
        .flat_map(|(_, c)| c.old_shas.iter())
        .filter(|sha| !is_null(sha) && number(sha).is_none() && seen.insert(sha.as_str()))
        .cloned()
        .collect();
    let old = super::scan_blobs(git, detector, &unread, &Silent, report, missing)?;
    let matches_of = |sha: &str| match number(sha) {
        Some(n) => found.get(n),
        None => old.get(sha),
    };
    for (commit, change) in &changes {
        let Some(matches) = matches_of(&change.new_sha).filter(|_| change.has_content()) else {
            continue;
        };
        let before: HashSet<(usize, &str)> = change
            .old_shas
            .iter()
            .filter_map(|sha| matches_of(sha))
            .flatten()
            .map(|m| (m.rule, m.secret.as_str()))
            .collect();
        let origin = Origin {
            path: change.path.clone().into(),
            commit: Some(commit.clone()),
        };
        let added = matches
            .iter()
            .filter(|m| !before.contains(&(m.rule, m.secret.as_str())))
            .cloned();
        report.found(detector, &origin, added);
    }
    Ok(())
}

/// What the walk saw.
#[derive(Default)]
struct Walk {
    /// In the order git listed them.
    commits: Vec<Oid>,
    /// Per commit: rename detection could pair one of its added paths
    /// with another (it deletes a path, or it is a merge).
    renames: Vec<bool>,
    /// Each distinct blob the commits brought, by number.
    numbers: HashMap<Oid, u32>,
    /// Each change that brought a blob.
    brought: Vec<Brought>,
    /// What the commit messages hold.
    messages: Report,
}

struct Brought {
    blob: u32,
    commit: u32,
    /// The path was not there before, on some side.
    added: bool,
}

/// Walk the commits on a second thread, and scan here each blob the walk
/// brings, as cat-file gives it back. Returns the walk and the matches of
/// the blobs that hold any, by number.
#[allow(clippy::too_many_arguments)]
fn walk_and_scan(
    git: &Git,
    revs: &str,
    pathspecs: &[OsString],
    messages: bool,
    detector: &Detector,
    progress: &dyn Progress,
    report: &mut Report,
    missing: &mut Vec<String>,
) -> Result<(Walk, HashMap<u32, Vec<Match>>), Error> {
    let format = if messages {
        "--format=%x01%H%x02%B"
    } else {
        "--format=%x01%H"
    };
    let mut args: Vec<OsString> = [
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "-c",
        "--root",
        "--full-history",
        "--no-show-signature",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        "--no-notes",
        "--encoding=UTF-8",
        format,
        revs,
        "--",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.extend(pathspecs.iter().cloned());
    let log = git.stream(&args)?;
    let mut readers = Vec::new();
    let mut senders = Vec::new();
    for _ in 0..readers_to_use() {
        let (cat_file, requests, objects) = git.cat_file()?;
        let (tx, rx) = mpsc::channel::<(u32, Oid)>();
        readers.push((cat_file, objects, rx));
        senders.push((requests, tx));
    }
    progress.begin(0);
    let mut found = HashMap::new();
    let walked = std::thread::scope(|s| {
        let walker = s.spawn(move || walk(log, senders, messages, detector, progress));
        let threads: Vec<_> = readers
            .into_iter()
            .map(|(mut cat_file, mut objects, rx)| {
                s.spawn(move || {
                    let mut read = Read::default();
                    let result = read_blobs(&rx, &mut objects, detector, progress, &mut read);
                    if result.is_err() {
                        // The walk may be waiting on a full pipe: stop git.
                        cat_file.stop();
                    }
                    (read, result)
                })
            })
            .collect();
        let mut failed = None;
        for thread in threads {
            match thread.join() {
                Ok((read, result)) => {
                    report.merge(read.report);
                    missing.extend(read.missing);
                    found.extend(read.found);
                    if let Err(e) = result {
                        failed.get_or_insert(e);
                    }
                }
                Err(_) => {
                    failed.get_or_insert(std::io::Error::other("a blob reader stopped"));
                }
            }
        }
        let walked = walker
            .join()
            .unwrap_or_else(|_| Err(Error::Git("the history walk stopped".into())));
        if let Some(e) = failed {
            return Err(Error::Git(format!("reading blobs with git cat-file: {e}")));
        }
        walked
    });
    progress.finish();
    Ok((walked?, found))
}

/// How many `git cat-file` processes read blobs. Inflating blobs is the
/// largest cost and spreads over cores; past two readers, the walk is the
/// slower side.
fn readers_to_use() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 2))
}

/// What one blob reader saw.
#[derive(Default)]
struct Read {
    report: Report,
    missing: Vec<String>,
    /// The matches of the blobs that hold any, by number.
    found: HashMap<u32, Vec<Match>>,
}

/// Scan each blob the walk sends, in the order it asked cat-file for them.
fn read_blobs(
    rx: &mpsc::Receiver<(u32, Oid)>,
    objects: &mut Objects,
    detector: &Detector,
    progress: &dyn Progress,
    read: &mut Read,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    for (number, id) in rx {
        let id = id.hex();
        let mut matches = Vec::new();
        objects.next(&id, |blob| {
            let Some((size, reader)) = blob else {
                read.missing.push(id.clone());
                return Ok(());
            };
            read.report.stats.bytes += detector.scan(reader, &mut buf, &mut matches)?;
            read.report.stats.blobs += 1;
            progress.advance(size);
            Ok(())
        })?;
        if !matches.is_empty() {
            read.found.insert(number, matches);
        }
    }
    Ok(())
}

/// Read `git log -z --raw --format=%x01%H[%x02%B]` as it comes: number the
/// commits, ask cat-file for each blob not seen before (and tell the reader
/// which), and scan the messages.
fn walk(
    mut log: crate::git::Stream,
    mut readers: Vec<(Requests, mpsc::Sender<(u32, Oid)>)>,
    messages: bool,
    detector: &Detector,
    progress: &dyn Progress,
) -> Result<Walk, Error> {
    let io = |e: std::io::Error| Error::Git(format!("reading git log: {e}"));
    let mut walk = Walk::default();
    let mut token = Vec::new();
    let mut buf = Vec::new();
    let mut matches = Vec::new();
    loop {
        token.clear();
        if log.reader().read_until(0, &mut token).map_err(io)? == 0 {
            break;
        }
        if token.last() == Some(&0) {
            token.pop();
        }
        let t = token.strip_prefix(b"\n").unwrap_or(&token);
        if let Some(rest) = t.strip_prefix(b"\x01") {
            let (id, message) = match memchr::memchr(b'\x02', rest) {
                Some(at) => (&rest[..at], Some(&rest[at + 1..])),
                None => (rest, None),
            };
            let commit = Oid::parse(id).ok_or_else(|| {
                Error::Git(format!(
                    "unexpected commit line in git log: {:?}",
                    String::from_utf8_lossy(id)
                ))
            })?;
            walk.commits.push(commit);
            walk.renames.push(false);
            if let Some(mut message) = message.filter(|_| messages) {
                walk.messages.stats.bytes += detector
                    .scan(&mut message, &mut buf, &mut matches)
                    .map_err(io)?;
                if !matches.is_empty() {
                    let origin = Origin {
                        path: FilePath::from_bytes(COMMIT_MESSAGE).into(),
                        commit: Some(commit.hex()),
                    };
                    walk.messages.found(detector, &origin, matches.drain(..));
                }
            }
        } else if t.starts_with(b":") {
            let header = parse_header(t);
            let (blob, added) = match header {
                Some(h) => {
                    if let Some(last) = walk.renames.last_mut() {
                        *last |= h.merge || h.deleted;
                    }
                    let blob = has_content(h.new_mode, h.new_sha)
                        .then(|| Oid::parse(h.new_sha.as_bytes()))
                        .flatten();
                    (blob, h.added)
                }
                None => (None, false),
            };
            // The path: the second pass names it; here its file name only
            // picks the reader, so that blobs git likely stored as deltas of
            // each other (it pairs them by the end of their paths) go
            // through the same cat-file and its cache of delta bases.
            token.clear();
            log.reader().read_until(0, &mut token).map_err(io)?;
            let (Some(blob), Some(commit)) = (blob, walk.commits.len().checked_sub(1)) else {
                continue;
            };
            let number = match walk.numbers.get(&blob) {
                Some(n) => *n,
                None => {
                    let n = walk.numbers.len() as u32;
                    walk.numbers.insert(blob, n);
                    let name = token.rsplit(|b| *b == b'/').next().unwrap_or(&token);
                    let reader = fnv(name) as usize % readers.len();
                    let (requests, tx) = &mut readers[reader];
                    requests.request(&blob.hex()).map_err(cat_file_gone)?;
                    tx.send((n, blob))
                        .map_err(|_| Error::Git("the blob reader stopped".into()))?;
                    progress.more(1);
                    n
                }
            };
            walk.brought.push(Brought {
                blob: number,
                commit: commit as u32,
                added,
            });
        }
        // Before waiting on git log, let cat-file have what is asked.
        if log.reader().buffer().is_empty() {
            for (requests, _) in &mut readers {
                requests.flush().map_err(cat_file_gone)?;
            }
        }
    }
    for (requests, _) in &mut readers {
        requests.flush().map_err(cat_file_gone)?;
    }
    drop(readers);
    log.finish()?;
    Ok(walk)
}

/// What `commits` change, with rename detection or without, as
/// `git diff-tree -c` shows them (combined for merges).
fn diff_commits(
    git: &Git,
    walk: &Walk,
    commits: &BTreeSet<u32>,
    renames: bool,
    pathspecs: &[OsString],
    report: &mut Report,
) -> Result<Vec<(String, Change)>, Error> {
    if commits.is_empty() {
        return Ok(Vec::new());
    }
    let input: String = commits
        .iter()
        .map(|c| walk.commits[*c as usize].hex() + "\n")
        .collect();
    let args = |renames: &str| -> Vec<OsString> {
        let fixed = [
            "diff-tree",
            "--stdin",
            "-z",
            "-r",
            "--raw",
            "--no-abbrev",
            renames,
            "-l1000",
            "-c",
            "--root",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--",
        ];
        let fixed = fixed.iter().map(OsString::from);
        fixed.chain(pathspecs.iter().cloned()).collect()
    };
    if !renames {
        let out = git.run_with_input(&args("--no-renames"), input.into_bytes())?;
        return Ok(parse_diff_tree(&out));
    }
    let out = match git.run_with_input(&args("-M"), input.clone().into_bytes()) {
        Ok(out) => out,
        // Rename detection reads blobs; without one of them, every add is
        // an add (more findings, never fewer), and the scan fails closed.
        Err(e) => {
            report.fail(format!(
                "rename detection could not read every blob it needs, so a renamed \
                 secret may be reported as added ({e})"
            ));
            git.run_with_input(&args("--no-renames"), input.into_bytes())?
        }
    };
    Ok(parse_diff_tree(&out))
}

/// FNV-1a: a stable, cheap hash of a path.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn cat_file_gone(e: std::io::Error) -> Error {
    Error::Git(format!("writing to git cat-file: {e}"))
}

/// `git diff-tree --stdin -z --raw` output: a commit id, then its changes.
fn parse_diff_tree(out: &[u8]) -> Vec<(String, Change)> {
    let mut changes = Vec::new();
    let mut commit = String::new();
    let mut tokens = out
        .split(|b| *b == 0)
        .map(|t| t.strip_prefix(b"\n").unwrap_or(t));
    while let Some(token) = tokens.next() {
        if token.starts_with(b":") {
            if let Some(change) = parse_change(token, &mut tokens) {
                changes.push((commit.clone(), change));
            }
        } else if !token.is_empty() {
            commit = String::from_utf8_lossy(token).into_owned();
        }
    }
    changes
}

/// An object id in binary: SHA-1 or SHA-256.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Oid {
    bytes: [u8; 32],
    len: u8,
}

impl Oid {
    fn parse(hex: &[u8]) -> Option<Oid> {
        if hex.len() != 40 && hex.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.chunks(2).enumerate() {
            let digit = |c: u8| (c as char).to_digit(16);
            bytes[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
        }
        Some(Oid {
            bytes,
            len: (hex.len() / 2) as u8,
        })
    }

    fn hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(2 * self.len as usize);
        for b in &self.bytes[..self.len as usize] {
            hex.push(DIGITS[(b >> 4) as usize] as char);
            hex.push(DIGITS[(b & 15) as usize] as char);
        }
        hex
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::NULL_SHA;

    #[test]
    fn object_ids_round_trip() {
        let sha1 = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(Oid::parse(sha1.as_bytes()).unwrap().hex(), sha1);
        let sha256 = "ab".repeat(32);
        assert_eq!(Oid::parse(sha256.as_bytes()).unwrap().hex(), sha256);
        assert!(Oid::parse(b"xyz").is_none());
        assert!(Oid::parse(&[b'g'; 40]).is_none());
    }

    #[test]
    fn parses_diff_tree_renames_and_combined_changes() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        let out = format!(
            "{c}\0:000000 100644 {NULL_SHA} {a} A\0x.txt\0\
             :100644 100644 {a} {b} R100\0x.txt\0y.txt\0\
             {a}\0::100644 100644 100644 {a} {b} {c} MM\0m.txt\0"
        );
        let changes = parse_diff_tree(out.as_bytes());
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[0].0, c);
        assert_eq!(changes[1].1.path.as_bytes(), b"y.txt");
        assert_eq!(changes[1].1.old_shas, vec![a.clone()]);
        assert_eq!(changes[2].0, a);
        assert_eq!(changes[2].1.old_shas, vec![a.clone(), b]);
        assert_eq!(changes[2].1.new_sha, c);
    }
}
