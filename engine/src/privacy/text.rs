//! Sensitivity of text: a span that holds a sensitive fact's value, an identifier-like code, a
//! word of health care or a medical condition, or an amount of money next to a word about pay,
//! savings or debts — in any language of the lexicons — is not said to anyone but the user.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;

use super::{is_finance_key, is_health_key, is_sensitive_fact, FactRef};

/// What stands in for a withheld value.
pub const WITHHELD: &str = "[private]";

/// Amounts of money with their currency before or after (`£9,750`, `$52k`, `72.000 €`,
/// `45 000 kr`, `1 200 zł`, `30 euros`).
pub fn amounts(text: &str) -> impl Iterator<Item = regex::Match<'_>> {
    static MONEY: OnceLock<Regex> = OnceLock::new();
    MONEY
        .get_or_init(|| {
            Regex::new(r"(?:[£$€¥]|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|kr|zł|Fr\.))\s?\d[\d.,' ]*\d(?:k\b|m\b)?|(?:[£$€¥])\d|\b\d[\d.,' ]*\d\s?(?:[€£$¥]|(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|kr|zł|euros?|euro|kronor|złotych)\b)")
                .expect("money pattern")
        })
        .find_iter(text)
}

/// True when `text` holds an amount of money.
pub fn has_amount(text: &str) -> bool {
    amounts(text).next().is_some()
}

/// True when a word looks like an identifier: a run of 6+ digits, or a code mixing capitals and digits
/// (`QTR-5510-8826-MO`, `P9RW4T`).
pub fn is_code(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    let digits = w
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    let caps = w.chars().filter(char::is_ascii_uppercase).count();
    let lower = w.chars().filter(char::is_ascii_lowercase).count();
    digits >= 6 || (digits >= 1 && caps >= 2 && lower == 0 && w.len() >= 5)
}

/// ` word word … ` in lower case, for matching phrases of several words on word boundaries.
fn padded(text: &str) -> String {
    format!(" {} ", crate::text::words(text).join(" "))
}

/// Whether `text` uses a phrase of one of `lists` (any language).
fn uses_any(text: &str, set: &HashSet<String>) -> bool {
    let ws = crate::text::words(text);
    if ws.iter().any(|w| set.contains(w)) {
        return true;
    }
    let p = padded(text);
    set.iter()
        .filter(|s| s.contains(' '))
        .any(|s| p.contains(&format!(" {s} ")))
}

/// True when `text` is about health: a word of health care or a medical condition, in any
/// language of the lexicons.
pub fn says_health(text: &str) -> bool {
    static S: OnceLock<HashSet<String>> = OnceLock::new();
    let set = S.get_or_init(|| {
        let l = crate::lexicon::health_words();
        let c = crate::lexicon::conditions();
        let d = crate::lexicon::drug_allergens();
        l.spellings()
            .chain(c.spellings())
            .chain(d.spellings())
            .map(|(_, _, w)| crate::text::words(w).join(" "))
            .collect()
    });
    uses_any(text, set)
}

/// True when `text` is about the user's money: an amount next to a word about pay, savings,
/// debts or deposits (or written as thousands, `52k`), in any language of the lexicons.
pub fn says_finances(text: &str) -> bool {
    static S: OnceLock<HashSet<String>> = OnceLock::new();
    let set = S.get_or_init(|| {
        crate::lexicon::money_words()
            .spellings()
            .map(|(_, _, w)| crate::text::words(w).join(" "))
            .collect()
    });
    has_amount(text)
        && (uses_any(text, set)
            || crate::text::words(text).iter().any(|w| {
                w.ends_with('k')
                    && w.len() > 1
                    && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())
            }))
}

/// True when a sentence must not be said to anyone but the user: it holds the value of a
/// sensitive fact, an identifier-like code, a health word, or an amount about finances.
pub fn is_sensitive_text<F: FactRef>(text: &str, facts: &[F]) -> bool {
    let lower = text.to_lowercase();
    if facts
        .iter()
        .filter(|f| is_sensitive_fact(f.key(), f.value(), f.marked()))
        .any(|f| {
            sensitive_needles(f.value())
                .iter()
                .any(|n| lower.contains(n.as_str()))
        })
    {
        return true;
    }
    text.split_whitespace().any(is_code) || says_health(text) || says_finances(text)
}

/// [`is_sensitive_text`] for words said to someone else, where the user's employer and job
/// title (shared facts) do not count as health words: `Westpark Hospital` is where they work.
pub fn is_sensitive_reply<F: FactRef>(text: &str, facts: &[F]) -> bool {
    let mut rest = text.to_string();
    for f in facts.iter().filter(|f| {
        matches!(f.key(), "organization" | "organization-title")
            && !is_sensitive_fact(f.key(), f.value(), f.marked())
    }) {
        if f.value().chars().count() >= 3 {
            let (lower, value) = (rest.to_lowercase(), f.value().to_lowercase());
            rest = match lower.find(&value).filter(|_| lower.len() == rest.len()) {
                Some(at) => format!("{} {}", &rest[..at], &rest[at + value.len()..]),
                None => rest.replace(f.value(), " "),
            };
        }
    }
    is_sensitive_text(&rest, facts)
}

/// `text` with identifier-like codes and the values of sensitive facts (ids, exact address)
/// replaced by [`WITHHELD`]; `None` when it is about health or finances.
pub fn redacted<F: FactRef>(text: &str, facts: &[F]) -> Option<String> {
    // A health or money value says too much even with the number hidden: no redaction.
    let lower = text.to_lowercase();
    let private_kind = |f: &&F| is_health_key(f.key()) || is_finance_key(f.key());
    if facts.iter().filter(private_kind).any(|f| {
        sensitive_needles(f.value())
            .iter()
            .any(|n| lower.contains(n.as_str()))
    }) {
        return None;
    }
    let mut t = text.to_string();
    if t.to_lowercase().len() == t.len() {
        for f in facts
            .iter()
            .filter(|f| is_sensitive_fact(f.key(), f.value(), f.marked()))
        {
            for needle in sensitive_needles(f.value()) {
                while let Some(pos) = t.to_lowercase().find(&needle) {
                    t.replace_range(pos..pos + needle.len(), WITHHELD);
                }
            }
        }
    }
    let t = t
        .split(' ')
        .map(|w| if is_code(w) { WITHHELD } else { w })
        .collect::<Vec<_>>()
        .join(" ");
    (!is_sensitive_text(&t, facts)).then_some(t)
}

/// The parts of a sensitive value worth searching for (lower case): the value, its amount, its
/// first address line; short fragments are skipped (they would match anything).
pub fn sensitive_needles(value: &str) -> Vec<String> {
    let v = value.to_lowercase();
    let mut out = Vec::new();
    let main = v.split(" (").next().unwrap_or(&v).trim().to_string();
    if main.len() >= 4 {
        out.push(main.clone());
    }
    if let Some(first) = main
        .split(',')
        .next()
        .filter(|f| f.len() >= 6 && *f != main)
    {
        out.push(first.trim().to_string());
    }
    // `£1,150.00` is written `£1,150` in text.
    if let Some(stripped) = main.strip_suffix(".00") {
        out.push(stripped.to_string());
    }
    out
}
