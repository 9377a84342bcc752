//! The rule catalog: rule definitions as data, and their compiled form.

use std::collections::HashSet;

use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The built-in catalog, embedded in the binary.
pub const BUILTIN_RULES: &str = include_str!("rules.toml");

/// Longest secret a rule may match, in bytes. It bounds the regex window
/// around each prefilter hit and the overlap between chunks of a large file.
pub const MAX_MATCH_LEN: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The `security-severity` number GitHub code scanning ranks alerts by.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

/// Exact checks applied after the regex matched.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Validate {
    pub length: Option<usize>,
    pub alphabet: Option<String>,
    pub suffix: Option<String>,
    pub min_entropy: Option<f64>,
    pub boundary: Option<String>,
    pub placeholder: Option<bool>,
}

/// One rule as written in `rules.toml` or a user's `keyward.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub name: Option<String>,
    pub provider: String,
    pub description: String,
    pub regex: String,
    pub keywords: Vec<String>,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    #[serde(default = "default_precision")]
    pub precision: Precision,
    pub verifier: Option<String>,
    pub rotate: Option<String>,
    pub help: Option<String>,
    pub example: Option<String>,
    #[serde(default)]
    pub negatives: Vec<String>,
    #[serde(default)]
    pub validate: Validate,
}

fn default_severity() -> Severity {
    Severity::High
}

fn default_precision() -> Precision {
    Precision::High
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    rules: Vec<RuleDef>,
}

/// The characters that make up a token when nothing else is said.
const DEFAULT_BOUNDARY: &str = "A-Za-z0-9_-";

/// A set of ASCII bytes, from a class like `A-Za-z0-9_-`.
#[derive(Clone)]
pub struct ByteSet([bool; 256]);

impl ByteSet {
    pub fn parse(class: &str) -> Result<ByteSet, String> {
        let mut set = [false; 256];
        let bytes = class.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let lo = bytes[i];
            if !lo.is_ascii() {
                return Err(format!("character class {class:?} must be ASCII"));
            }
            if i + 2 < bytes.len() && bytes[i + 1] == b'-' {
                let hi = bytes[i + 2];
                if hi < lo {
                    return Err(format!(
                        "bad range {}-{} in {class:?}",
                        lo as char, hi as char
                    ));
                }
                for b in lo..=hi {
                    set[b as usize] = true;
                }
                i += 3;
            } else {
                set[lo as usize] = true;
                i += 1;
            }
        }
        Ok(ByteSet(set))
    }

    #[inline]
    pub fn contains(&self, b: u8) -> bool {
        self.0[b as usize]
    }
}

impl std::fmt::Debug for ByteSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.iter().filter(|b| **b).count();
        write!(f, "ByteSet({n} bytes)")
    }
}

/// A rule ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub def: RuleDef,
    /// `^(?:regex)`: it runs at each prefilter hit.
    pub anchored: Regex,
    pub secret_group: Option<usize>,
    pub alphabet: Option<ByteSet>,
    pub boundary: ByteSet,
    pub builtin: bool,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.def.id
    }

    pub fn name(&self) -> &str {
        self.def.name.as_deref().unwrap_or(&self.def.id)
    }

    /// Compile one definition; errors say what is wrong, not where.
    pub fn compile(def: RuleDef, builtin: bool) -> Result<Rule, String> {
        if !is_kebab_case(&def.id) {
            return Err(format!(
                "rule id {:?} must be kebab-case (a-z, 0-9, -)",
                def.id
            ));
        }
        if def.keywords.is_empty() || def.keywords.iter().any(String::is_empty) {
            return Err(format!(
                "rule {:?} needs at least one non-empty keyword: the literal each match starts with",
                def.id
            ));
        }
        let anchored = regex::bytes::RegexBuilder::new(&format!("^(?:{})", def.regex))
            .size_limit(1 << 22)
            .build()
            .map_err(|e| format!("rule {:?} has a bad regex: {e}", def.id))?;
        let secret_group = anchored
            .capture_names()
            .position(|name| name == Some("secret"));
        let alphabet = def
            .validate
            .alphabet
            .as_deref()
            .map(ByteSet::parse)
            .transpose()
            .map_err(|e| format!("rule {:?}: {e}", def.id))?;
        let boundary = ByteSet::parse(def.validate.boundary.as_deref().unwrap_or(DEFAULT_BOUNDARY))
            .map_err(|e| format!("rule {:?}: {e}", def.id))?;
        Ok(Rule {
            def,
            anchored,
            secret_group,
            alphabet,
            boundary,
            builtin,
        })
    }

    /// The markdown help shown to whoever reads the alert.
    pub fn help_markdown(&self) -> String {
        if let Some(help) = &self.def.help {
            return help.clone();
        }
        let rotate = match &self.def.rotate {
            Some(url) => format!("Revoke it and issue a new one at <{url}>."),
            None => format!("Revoke it with {} and issue a new one.", self.def.provider),
        };
        format!(
            "**{name}**: {desc}\n\n\
             1. **Rotate the credential first.** Anyone who can read this repository, its forks or its CI logs may already hold it. {rotate}\n\
             2. **Move it out of the code**: read it from the environment or a secret manager (for GitHub Actions, `${{{{ secrets.NAME }}}}`).\n\
             3. **Purge it from history** if it was pushed: `git filter-repo --replace-text` or BFG, then force-push. Removing the line in a new commit leaves the key in history.\n\n\
             A false positive (a test fixture or a documented fake) can be allowed with a `keyward:allow` comment on the same line, an `[allow]` entry in `keyward.toml`, or a baseline (`keyward scan --write-baseline`).",
            name = self.name(),
            desc = self.def.description,
        )
    }

    pub fn help_text(&self) -> String {
        self.help_markdown().replace("**", "").replace('`', "")
    }
}

/// Expand an example template: `{N:CLASS}` becomes N characters drawn from
/// CLASS by `next`, so that tests build keys at run time and no key-shaped
/// literal is ever committed.
pub fn expand_example(template: &str, next: &mut dyn FnMut() -> u64) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in example {template:?}"))?
            + open;
        let (count, class) = rest[open + 1..close]
            .split_once(':')
            .ok_or_else(|| format!("expected {{N:CLASS}} in example {template:?}"))?;
        let count: usize = count
            .parse()
            .map_err(|_| format!("bad count in example {template:?}"))?;
        let set = ByteSet::parse(class)?;
        let choices: Vec<u8> = (0u8..=255).filter(|b| set.contains(*b)).collect();
        if choices.is_empty() {
            return Err(format!("empty class in example {template:?}"));
        }
        for _ in 0..count {
            out.push(choices[(next() % choices.len() as u64) as usize] as char);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The built-in rule definitions.
pub fn builtin_defs() -> Vec<RuleDef> {
    // The embedded file is tested; a failure here is a build defect.
    match toml::from_str::<Catalog>(BUILTIN_RULES) {
        Ok(catalog) => catalog.rules,
        Err(e) => panic!("built-in rules.toml is invalid: {e}"),
    }
}

/// Compile built-in and user rules, drop the disabled ones, and refuse
/// duplicate ids.
pub fn compile_rules(
    user: Vec<(RuleDef, Option<String>)>,
    disable: &[String],
) -> Result<Vec<Rule>, Error> {
    let mut rules = Vec::new();
    let mut seen = HashSet::new();
    for def in builtin_defs() {
        seen.insert(def.id.clone());
        rules.push(Rule::compile(def, true).map_err(Error::Rules)?);
    }
    for (def, location) in user {
        let at = location.map(|l| format!("{l}: ")).unwrap_or_default();
        if !seen.insert(def.id.clone()) {
            return Err(Error::Rules(format!(
                "{at}duplicate rule id {:?}: ids must be unique across built-in and custom rules",
                def.id
            )));
        }
        rules.push(Rule::compile(def, false).map_err(|e| Error::Rules(format!("{at}{e}")))?);
    }
    for id in disable {
        if !seen.contains(id) {
            return Err(Error::Rules(format!("cannot disable unknown rule {id:?}")));
        }
    }
    rules.retain(|r| !disable.iter().any(|d| d == r.id()));
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_compiles_with_unique_ids() {
        let rules = compile_rules(Vec::new(), &[]).unwrap();
        let ids: HashSet<_> = rules.iter().map(|r| r.id().to_string()).collect();
        assert_eq!(ids.len(), rules.len());
        for id in [
            "anthropic-api-key",
            "anthropic-admin-key",
            "replicate-api-token",
        ] {
            assert!(ids.contains(id), "{id} missing");
        }
        assert!(rules.iter().all(|r| r.def.example.is_some()));
    }

    #[test]
    fn examples_expand_to_the_right_shape() {
        let mut n = 0u64;
        let mut next = || {
            n = n
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            n >> 33
        };
        let key = expand_example("r8_{37:A-Za-z0-9}", &mut next).unwrap();
        assert_eq!(key.len(), 40);
        assert!(key[3..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(expand_example("{3}", &mut next).is_err());
    }

    #[test]
    fn byteset_parses_ranges_and_literals() {
        let set = ByteSet::parse("A-Za-z0-9_-").unwrap();
        for b in [b'A', b'z', b'5', b'_', b'-'] {
            assert!(set.contains(b));
        }
        for b in [b'+', b'/', b'.', b' '] {
            assert!(!set.contains(b));
        }
        assert!(ByteSet::parse("z-a").is_err());
    }

    #[test]
    fn duplicate_and_bad_ids_are_refused() {
        let mut def = builtin_defs().remove(0);
        let err = compile_rules(vec![(def.clone(), None)], &[]).unwrap_err();
        assert!(err.to_string().contains("duplicate rule id"), "{err}");
        def.id = "Bad_Id".into();
        let err = compile_rules(vec![(def, None)], &[]).unwrap_err();
        assert!(err.to_string().contains("kebab-case"), "{err}");
    }
}
