//! The baseline: findings a team has accepted (after rotating them), keyed
//! by rule, path and fingerprint, never by the secret.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::finding::{Finding, Suppression};

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
}

impl Entry {
    fn of(finding: &Finding) -> Entry {
        Entry {
            rule: finding.rule_id.to_string(),
            path: finding.path.to_string_lossy().into_owned(),
            fingerprint: finding.fingerprint.clone(),
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// Every finding that is not allowed some other way.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let entries: BTreeSet<Entry> = findings
            .iter()
            .filter(|f| f.suppression.is_none_or(|s| s == Suppression::Baseline))
            .map(Entry::of)
            .collect();
        Baseline {
            version: BASELINE_VERSION,
            entries: entries.into_iter().collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Baseline(format!("{}: cannot read baseline: {e}", path.display()))
        })?;
        Baseline::parse(&text, &path.display().to_string())
    }

    /// Parse baseline JSON; `name` says where it came from in errors.
    pub fn parse(text: &str, name: &str) -> Result<Baseline, Error> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| {
            Error::Baseline(format!(
                "{name}:{}:{}: malformed baseline: {e}",
                e.line(),
                e.column()
            ))
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(Error::Baseline(format!(
                "{name}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                baseline.version
            )));
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Suppress the findings the baseline holds and return the entries that
    /// matched nothing (stale). A finding matches an entry with its rule and
    /// fingerprint at the same path; entries left over then absorb findings
    /// of the same secret at paths the baseline does not know (a rename).
    /// A secret still at its old path and also at a new one is new there.
    pub fn apply(&self, findings: &mut [Finding]) -> Vec<Entry> {
        let known: BTreeSet<&Entry> = self.entries.iter().collect();
        let mut matched: BTreeSet<Entry> = BTreeSet::new();
        let mut hits = Vec::new();
        let mut elsewhere = Vec::new();
        for (index, finding) in findings.iter().enumerate() {
            if finding.is_suppressed() {
                continue;
            }
            let entry = Entry::of(finding);
            if known.contains(&entry) {
                matched.insert(entry);
                hits.push(index);
            } else {
                elsewhere.push((index, entry));
            }
        }
        // Entries whose path no longer holds their secret may have moved:
        // each absorbs the findings of its secret at one new path.
        let mut movable: HashMap<(String, String), Vec<&Entry>> = HashMap::new();
        for entry in self.entries.iter().filter(|e| !matched.contains(*e)) {
            movable
                .entry((entry.rule.clone(), entry.fingerprint.clone()))
                .or_default()
                .push(entry);
        }
        // Where entries moved to: further findings there are absorbed too.
        let mut moved_to: HashSet<Entry> = HashSet::new();
        for (index, entry) in elsewhere {
            if moved_to.contains(&entry) {
                hits.push(index);
            } else if let Some(old) = movable
                .get_mut(&(entry.rule.clone(), entry.fingerprint.clone()))
                .and_then(Vec::pop)
            {
                matched.insert(old.clone());
                moved_to.insert(entry);
                hits.push(index);
            }
        }
        for index in hits {
            findings[index].suppression = Some(Suppression::Baseline);
        }
        self.entries
            .iter()
            .filter(|e| !matched.contains(*e))
            .cloned()
            .collect()
    }

    /// This baseline without the stale entries.
    pub fn pruned(&self, stale: &[Entry]) -> Baseline {
        Baseline {
            version: BASELINE_VERSION,
            entries: self
                .entries
                .iter()
                .filter(|e| !stale.contains(e))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(path: &str, secret: &str) -> Finding {
        Finding::sample(path, secret)
    }

    fn suppressed(findings: &[Finding]) -> Vec<bool> {
        findings.iter().map(Finding::is_suppressed).collect()
    }

    #[test]
    fn exact_entries_suppress_and_unmatched_ones_are_stale() {
        let baseline = Baseline::from_findings(&[finding("a", "s1"), finding("b", "s2")]);
        let mut now = vec![finding("a", "s1"), finding("c", "s3")];
        let stale = baseline.apply(&mut now);
        assert_eq!(suppressed(&now), vec![true, false]);
        assert_eq!(stale, vec![baseline.entries[1].clone()]);
    }

    #[test]
    fn a_renamed_file_keeps_its_entry_and_a_copy_is_new() {
        let baseline = Baseline::from_findings(&[finding("old", "s1")]);
        // Renamed: the entry follows the secret to its new path.
        let mut renamed = vec![finding("new", "s1"), finding("new", "s1")];
        assert!(baseline.apply(&mut renamed).is_empty());
        assert_eq!(suppressed(&renamed), vec![true, true]);
        // Copied: the old path still holds it, so the new path is new.
        let mut copied = vec![finding("old", "s1"), finding("copy", "s1")];
        assert!(baseline.apply(&mut copied).is_empty());
        assert_eq!(suppressed(&copied), vec![true, false]);
        // Moved to two paths: one absorbs the entry, the other is new.
        let mut split = vec![finding("x", "s1"), finding("y", "s1")];
        baseline.apply(&mut split);
        assert_eq!(suppressed(&split).iter().filter(|s| **s).count(), 1);
    }

    #[test]
    fn stale_entries_are_returned_and_pruned() {
        let baseline = Baseline::from_findings(&[finding("a", "s1"), finding("b", "s2")]);
        let mut now = vec![finding("a", "s1")];
        let stale = baseline.apply(&mut now);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].path, "b");
        assert_eq!(baseline.pruned(&stale).entries.len(), 1);
    }

    #[test]
    fn findings_allowed_otherwise_stay_out_of_a_new_baseline() {
        let mut inline = finding("a", "s1");
        inline.suppression = Some(Suppression::Inline("keyward:allow"));
        let mut base = finding("b", "s2");
        base.suppression = Some(Suppression::Baseline);
        let baseline = Baseline::from_findings(&[inline, base, finding("c", "s3")]);
        let paths: Vec<&str> = baseline.entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["b", "c"]);
    }

    #[test]
    fn versions_and_malformed_text_are_refused() {
        assert!(Baseline::parse("{\"version\": 2, \"entries\": []}", "b").is_err());
        let err = Baseline::parse("{\"version\": 1,\n \"entries\": [oops]}", "b.json").unwrap_err();
        assert!(err.to_string().starts_with("b.json:2:"), "{err}");
    }
}
