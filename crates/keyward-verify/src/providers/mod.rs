//! Every provider keyward can ask, one file each, in one list.

mod anthropic;
mod replicate;

use crate::verifier::Verifier;

/// The registry. A built-in rule's `verifier` must name one of these ids.
pub static REGISTRY: &[&dyn Verifier] = &[
    &anthropic::API_KEY,
    &anthropic::ADMIN_KEY,
    &replicate::API_TOKEN,
];

pub fn by_id(id: &str) -> Option<&'static dyn Verifier> {
    REGISTRY.iter().copied().find(|v| v.id() == id)
}

/// Every registered id, for checking rules as they load.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|v| v.id()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids = ids();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }

    #[test]
    fn every_builtin_verifier_resolves() {
        for def in keyward_engine::rules::builtin_defs().unwrap() {
            if let Some(id) = &def.verifier {
                assert!(by_id(id).is_some(), "{}: unknown verifier {id}", def.id);
            }
        }
        keyward_engine::rules::compile_rules(Vec::new(), &[], &ids()).unwrap();
    }

    #[test]
    fn every_endpoint_is_https() {
        for v in REGISTRY {
            assert!(v.endpoint().base.starts_with("https://"), "{}", v.id());
            assert!(v.endpoint().env.starts_with("KEYWARD_"), "{}", v.id());
        }
    }
}
