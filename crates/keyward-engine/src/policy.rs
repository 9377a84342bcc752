//! Which findings block: the one rule that decides the exit status.

use crate::finding::Finding;
use crate::verdict::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Only keys a provider confirmed as working.
    Live,
    /// Everything but a key the provider confirmed invalid.
    #[default]
    Unrevoked,
    /// Every finding.
    Any,
}

impl FailOn {
    pub fn blocks(self, finding: &Finding) -> bool {
        if finding.is_suppressed() {
            return false;
        }
        let status = finding.verification.as_ref().map(|v| v.status);
        match self {
            FailOn::Any => true,
            FailOn::Unrevoked => status != Some(Status::Invalid),
            FailOn::Live => status.is_some_and(Status::is_live),
        }
    }
}
