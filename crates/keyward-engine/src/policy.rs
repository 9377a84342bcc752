//! Which findings block: the one rule that decides the exit status.

use crate::finding::Finding;
use crate::verdict::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Keys a provider confirmed as working, and keys no provider can
    /// check (their rule has no verifier): a key is let through only when
    /// a provider was asked and did not confirm it. Needs verification.
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
            FailOn::Live => status.is_none_or(Status::is_live),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Suppression;
    use crate::verdict::{Reason, Verification};

    fn finding(verification: Option<Verification>) -> Finding {
        Finding {
            verification,
            ..Finding::sample("", "s")
        }
    }

    fn verified(status: Status) -> Option<Verification> {
        Some(Verification {
            status,
            reason: None,
            latency_ms: None,
            http_status: None,
        })
    }

    #[test]
    fn each_policy_blocks_what_it_says() {
        let cases = [
            (None, [true, true, true]),
            (verified(Status::Live), [true, true, true]),
            (verified(Status::LiveRestricted), [true, true, true]),
            (verified(Status::Invalid), [true, false, false]),
            (
                Some(Verification::unknown(Reason::Timeout)),
                [true, true, false],
            ),
        ];
        for (verification, [any, unrevoked, live]) in cases {
            let f = finding(verification.clone());
            assert_eq!(FailOn::Any.blocks(&f), any, "{verification:?}");
            assert_eq!(FailOn::Unrevoked.blocks(&f), unrevoked, "{verification:?}");
            assert_eq!(FailOn::Live.blocks(&f), live, "{verification:?}");
        }
        let mut allowed = finding(None);
        allowed.suppression = Some(Suppression::Baseline);
        assert!(!FailOn::Any.blocks(&allowed));
    }
}
