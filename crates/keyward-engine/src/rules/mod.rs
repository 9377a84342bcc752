//! The rule catalog: rule definitions as data, and their compiled form.

mod byteset;
mod checksum;
mod template;

use std::collections::HashSet;

use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

use crate::error::Error;

pub use byteset::ByteSet;
pub use checksum::Checksum;
pub use template::{Rng, expand_example};

mod catalog {
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

/// Longest secret a rule may match, in bytes. It bounds the regex window
/// around each prefilter hit and the overlap between chunks of a large file.
pub const MAX_MATCH_LEN: usize = 8192;

/// Most bytes a match may start before its keyword (`lookbehind`).
pub const MAX_LOOKBEHIND: usize = 256;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
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
    /// Token characters that may not touch the secret on either side.
    pub boundary: Option<String>,
    /// Overrides `boundary` before the secret.
    pub boundary_left: Option<String>,
    /// Overrides `boundary` after the secret.
    pub boundary_right: Option<String>,
    pub placeholder: Option<Placeholder>,
    pub checksum: Option<Checksum>,
    /// An encoding the body must decode from, with the structure inside.
    pub decode: Option<Decode>,
}

/// What the body of a token encodes, checked after decoding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decode {
    /// Standard base64 of `user:password` (HTTP Basic, Docker's `auth`):
    /// a printable user name, a colon, and a password that is not a
    /// placeholder.
    Base64UserPassword,
}

/// Which placeholder checks a rule runs: all of them (`true`, the default),
/// none (`false`), or only the placeholder words (`"words"`), for a format
/// whose body is base64 of binary data, where runs of `A` (zero bytes) and
/// `/` (0xFF bytes) are structure, not filler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Placeholder {
    All(bool),
    Only(PlaceholderOnly),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaceholderOnly {
    Words,
}

/// One rule as written in a catalog file or a user's `keyward.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub name: Option<String>,
    pub provider: String,
    pub description: String,
    pub regex: String,
    pub keywords: Vec<String>,
    /// For formats whose distinctive literal is not at their start (a
    /// Telegram bot token's `:AA`): the match may start up to this many
    /// bytes before the keyword, and must contain it.
    pub lookbehind: Option<usize>,
    /// Also search the keywords' base64 forms, to find keys base64-encoded
    /// anywhere (a Kubernetes Secret, Basic auth). Each keyword costs three
    /// more literals in every search, so formats opt in.
    #[serde(default)]
    pub base64: bool,
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
    /// Public sources of the format: the provider's documentation, its
    /// changelog, or a well-established peer rule.
    #[serde(default)]
    pub references: Vec<String>,
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
struct RuleFile {
    rules: Vec<RuleDef>,
}

/// The characters that make up a token when nothing else is said.
const DEFAULT_BOUNDARY: &str = "A-Za-z0-9_-";

/// A rule ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub def: RuleDef,
    /// `^(?:regex)` at each prefilter hit; without `^` for a rule with a
    /// lookbehind, which runs from that many bytes before the hit.
    pub pattern: Regex,
    pub lookbehind: usize,
    pub secret_group: Option<usize>,
    pub alphabet: Option<ByteSet>,
    pub boundary_left: ByteSet,
    pub boundary_right: ByteSet,
    pub builtin: bool,
    /// The id and provider, shared by every finding of the rule.
    pub shared_id: std::sync::Arc<str>,
    pub shared_provider: std::sync::Arc<str>,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.def.id
    }

    pub fn name(&self) -> &str {
        self.def.name.as_deref().unwrap_or(&self.def.id)
    }

    /// `secret` as shown: keyword, the first four characters of the body,
    /// an ellipsis and the rule's fixed suffix. Enough to find the key,
    /// never enough to use it.
    pub fn redact(&self, secret: &str) -> String {
        let prefix = (self.def.keywords.iter())
            .filter(|k| secret.starts_with(k.as_str()))
            .max_by_key(|k| k.len())
            .map(String::as_str)
            .unwrap_or("");
        let body = &secret[prefix.len()..];
        let shown: String = body.chars().take(4).collect();
        let suffix = self.def.validate.suffix.as_deref().unwrap_or("");
        format!("{prefix}{shown}…{suffix}")
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
        let lookbehind = def.lookbehind.unwrap_or(0);
        if lookbehind > MAX_LOOKBEHIND {
            return Err(format!(
                "rule {:?}: lookbehind is at most {MAX_LOOKBEHIND} bytes",
                def.id
            ));
        }
        let anchor = if lookbehind == 0 { "^" } else { "" };
        let pattern = regex::bytes::RegexBuilder::new(&format!("{anchor}(?:{})", def.regex))
            .size_limit(1 << 22)
            .build()
            .map_err(|e| format!("rule {:?} has a bad regex: {e}", def.id))?;
        let secret_group = pattern
            .capture_names()
            .position(|name| name == Some("secret"));
        let alphabet = def
            .validate
            .alphabet
            .as_deref()
            .map(ByteSet::parse)
            .transpose()
            .map_err(|e| format!("rule {:?}: {e}", def.id))?;
        let both = def.validate.boundary.as_deref().unwrap_or(DEFAULT_BOUNDARY);
        let side = |class: &Option<String>| {
            ByteSet::parse(class.as_deref().unwrap_or(both))
                .map_err(|e| format!("rule {:?}: {e}", def.id))
        };
        let boundary_left = side(&def.validate.boundary_left)?;
        let boundary_right = side(&def.validate.boundary_right)?;
        Ok(Rule {
            shared_id: def.id.as_str().into(),
            shared_provider: def.provider.as_str().into(),
            def,
            pattern,
            lookbehind,
            secret_group,
            alphabet,
            boundary_left,
            boundary_right,
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

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl RuleDef {
    /// A fresh example secret, from the rule's `example` template, with a
    /// valid checksum where the format has one. For a rule with a `secret`
    /// group the example is the whole match, context included.
    pub fn example_secret(&self, rng: &mut Rng) -> Option<String> {
        let text = expand_example(self.example.as_deref()?, rng).ok()?;
        let Some(checksum) = self.validate.checksum else {
            return Some(text);
        };
        let keyword = self
            .keywords
            .iter()
            .filter(|k| text.starts_with(k.as_str()))
            .max_by_key(|k| k.len())?;
        let suffix = self.validate.suffix.as_deref().unwrap_or("");
        let body = text.get(keyword.len()..text.len().checked_sub(suffix.len())?)?;
        Some(format!("{keyword}{}{suffix}", checksum.fix(keyword, body)))
    }
}

/// The built-in rule definitions, file by file in name order.
pub fn builtin_defs() -> Result<Vec<RuleDef>, Error> {
    let mut defs = Vec::new();
    for (stem, text) in catalog::FILES {
        let file: RuleFile = toml::from_str(text)
            .map_err(|e| Error::Rules(format!("built-in rule file {stem}.toml is invalid: {e}")))?;
        defs.extend(file.rules);
    }
    Ok(defs)
}

/// The built-in rules as shipped, the verifiers they name taken as given:
/// for tests and benchmarks, which have no verifier registry at hand.
pub fn builtin_rules() -> Result<Vec<Rule>, Error> {
    let defs = builtin_defs()?;
    let named: Vec<String> = defs.iter().filter_map(|d| d.verifier.clone()).collect();
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    compile_rules(Vec::new(), &[], &named)
}

/// The names of the built-in rule files.
pub fn builtin_files() -> impl Iterator<Item = &'static str> {
    catalog::FILES.iter().map(|(stem, _)| *stem)
}

/// Compile built-in and user rules, drop the disabled ones, and refuse
/// duplicate ids and verifiers that `verifiers` does not know.
pub fn compile_rules(
    user: Vec<(RuleDef, Option<String>)>,
    disable: &[String],
    verifiers: &[&str],
) -> Result<Vec<Rule>, Error> {
    let builtin = builtin_defs()?.into_iter().map(|def| (def, None, true));
    let user = user.into_iter().map(|(def, at)| (def, at, false));
    let mut rules = Vec::new();
    let mut seen = HashSet::new();
    for (def, location, builtin) in builtin.chain(user) {
        let at = location.map(|l| format!("{l}: ")).unwrap_or_default();
        if !seen.insert(def.id.clone()) {
            return Err(Error::Rules(format!(
                "{at}duplicate rule id {:?}: ids must be unique across built-in and custom rules",
                def.id
            )));
        }
        // Where a key is sent is keyward's choice, never a scanned
        // repository's: a custom rule cannot name a verifier.
        if !builtin && let Some(verifier) = &def.verifier {
            return Err(Error::Rules(format!(
                "{at}custom rule {:?} names the verifier {verifier:?}: only keyward's built-in rules are verified, so that a repository's config cannot send a key to a provider of its choosing",
                def.id
            )));
        }
        if let Some(verifier) = &def.verifier
            && !verifiers.contains(&verifier.as_str())
        {
            return Err(Error::Rules(format!(
                "{at}rule {:?} names an unknown verifier {verifier:?} (known: {})",
                def.id,
                verifiers.join(", ")
            )));
        }
        rules.push(Rule::compile(def, builtin).map_err(|e| Error::Rules(format!("{at}{e}")))?);
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

    fn verifiers() -> Vec<&'static str> {
        builtin_defs()
            .unwrap()
            .into_iter()
            .filter_map(|d| d.verifier)
            .map(|v| &*v.leak())
            .collect()
    }

    #[test]
    fn builtin_catalog_compiles_with_unique_ids() {
        let rules = compile_rules(Vec::new(), &[], &verifiers()).unwrap();
        let ids: HashSet<_> = rules.iter().map(|r| r.id().to_string()).collect();
        assert_eq!(ids.len(), rules.len());
        for id in [
            "anthropic-api-key",
            "anthropic-admin-key",
            "replicate-api-token",
        ] {
            assert!(ids.contains(id), "{id} missing");
        }
        for rule in &rules {
            assert!(rule.def.example.is_some(), "{} has no example", rule.id());
            assert!(
                rule.def
                    .references
                    .iter()
                    .any(|r| r.starts_with("https://")),
                "{} names no public source of its format",
                rule.id()
            );
            assert!(
                rule.def.keywords.iter().all(|k| k.len() >= 3),
                "{}: keywords of fewer than 3 bytes swamp the prefilter",
                rule.id()
            );
        }
    }

    #[test]
    fn each_rule_file_holds_one_provider() {
        for (stem, text) in catalog::FILES {
            let file: RuleFile = toml::from_str(text).unwrap();
            assert!(!file.rules.is_empty(), "{stem}.toml is empty");
            for def in file.rules {
                assert_eq!(&def.provider, stem, "{} is in {stem}.toml", def.id);
            }
        }
    }

    #[test]
    fn duplicate_and_bad_ids_and_unknown_verifiers_are_refused() {
        let known = verifiers();
        let mut def = builtin_defs().unwrap().remove(0);
        let err = compile_rules(vec![(def.clone(), None)], &[], &known).unwrap_err();
        assert!(err.to_string().contains("duplicate rule id"), "{err}");
        def.id = "Bad_Id".into();
        def.verifier = None;
        let err = compile_rules(vec![(def.clone(), None)], &[], &known).unwrap_err();
        assert!(err.to_string().contains("kebab-case"), "{err}");
        def.id = "mine".into();
        def.verifier = Some("anthropic-api".into());
        let err = compile_rules(vec![(def, None)], &[], &known).unwrap_err();
        assert!(
            err.to_string().contains("only keyward's built-in rules"),
            "{err}"
        );
        let err = compile_rules(Vec::new(), &[], &[]).unwrap_err();
        assert!(err.to_string().contains("unknown verifier"), "{err}");
    }
}
