//! The baseline: findings a team has accepted (after rotating them), keyed
//! by rule, path and fingerprint, never by the secret.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::finding::{Finding, Suppression, SuppressionKind};

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
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
            .filter(|f| {
                f.suppression
                    .as_ref()
                    .is_none_or(|s| s.reason == "baseline")
            })
            .map(|f| Entry {
                rule: f.rule_id.clone(),
                path: f.path.clone(),
                fingerprint: f.fingerprint.clone(),
            })
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
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            Error::Baseline(format!(
                "{}:{}:{}: malformed baseline: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(Error::Baseline(format!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
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
        let mut unused: HashMap<(&str, &str), Vec<&Entry>> = HashMap::new();
        for entry in &self.entries {
            unused
                .entry((entry.rule.as_str(), entry.fingerprint.as_str()))
                .or_default()
                .push(entry);
        }
        let mut matched: BTreeSet<&Entry> = BTreeSet::new();
        let mut candidates = Vec::new();
        for (index, finding) in findings.iter().enumerate() {
            if finding.is_suppressed() {
                continue;
            }
            let key = (finding.rule_id.as_str(), finding.fingerprint.as_str());
            match unused
                .get(&key)
                .and_then(|es| es.iter().find(|e| e.path == finding.path))
            {
                Some(entry) => {
                    matched.insert(entry);
                    candidates.push((index, true));
                }
                None => candidates.push((index, false)),
            }
        }
        // Paths already holding the secret keep their entries; the rest may
        // have moved.
        let mut movable: HashMap<(&str, &str), Vec<&Entry>> = unused
            .iter()
            .map(|(k, es)| {
                (
                    *k,
                    es.iter()
                        .copied()
                        .filter(|e| !matched.contains(e))
                        .collect(),
                )
            })
            .collect();
        let mut renamed_to: HashSet<(String, String, String)> = HashSet::new();
        let mut hits = Vec::new();
        for (index, exact) in candidates {
            let finding = &findings[index];
            let key = (finding.rule_id.as_str(), finding.fingerprint.as_str());
            let renamed = (
                finding.rule_id.clone(),
                finding.fingerprint.clone(),
                finding.path.clone(),
            );
            if exact || renamed_to.contains(&renamed) {
                hits.push(index);
            } else if let Some(entry) = movable.get_mut(&key).and_then(Vec::pop) {
                matched.insert(entry);
                renamed_to.insert(renamed);
                hits.push(index);
            }
        }
        let stale = self
            .entries
            .iter()
            .filter(|e| !matched.contains(e))
            .cloned()
            .collect();
        for index in hits {
            findings[index].suppression = Some(Suppression {
                kind: SuppressionKind::External,
                reason: "baseline".to_string(),
            });
        }
        stale
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
