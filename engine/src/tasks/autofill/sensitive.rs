//! Sensitive values the user may pick by hand: identity, tax and card numbers.
//!
//! A sensitive token (see [`super::token::is_sensitive`]) is never filled by "fill this form".
//! When the user opens the inline menu in such a field, [`offers`] lists the profile facts that
//! could go there, each **masked** (`•••••9873`), so the menu can show them without the value
//! ever reaching the page; only when the user picks one does [`picked`] hand out that one value
//! for that one field. Called by [`super::plan`]; the content script only renders the menu.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One sensitive fact offered for the focused field: its profile key, a label and a masked value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitiveOffer {
    /// The profile key to send back as `pick` when the user chooses it.
    pub key: String,
    /// What it is, for the menu (`Passport number`).
    pub label: String,
    /// The value with all but its last characters hidden (`•••••9873`).
    pub masked: String,
}

/// Profile keys that can answer a sensitive token, with their menu labels, most specific first.
const CANDIDATES: &[(&str, &[(&str, &str)])] = &[
    ("id-number", &[
        ("passport-number", "Passport number"),
        ("national-insurance-number", "National Insurance number"),
        ("ssn", "Social security number"),
        ("driving-licence-number", "Driving licence number"),
        ("id-number", "ID number"),
    ]),
    ("vat-number", &[("vat-number", "VAT number"), ("tax-id", "Tax ID")]),
    ("cc-number", &[("cc-number", "Card number"), ("card", "Card")]),
    ("cc-csc", &[("cc-csc", "Card security code")]),
    ("cc-exp", &[("cc-exp", "Card expiry")]),
    ("cc-exp-month", &[("cc-exp", "Card expiry (month)")]),
    ("cc-exp-year", &[("cc-exp", "Card expiry (year)")]),
];

/// Characters left visible at the end of a masked value.
const VISIBLE: usize = 4;

fn candidates(token: &str) -> &'static [(&'static str, &'static str)] {
    CANDIDATES.iter().find(|(t, _)| *t == token).map(|(_, c)| *c).unwrap_or(&[])
}

/// Can `value` fill a field of `token`? A card number must be one (12–19 digits), not
/// "account ending 8104".
fn usable(token: &str, value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    match token {
        "cc-number" => (12..=19).contains(&digits) && value.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-'),
        _ => !value.trim().is_empty() && value.chars().count() <= 40,
    }
}

/// `604219873` → `•••••9873`; short values are hidden entirely.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() <= VISIBLE + 2 {
        return "•".repeat(chars.len().max(4));
    }
    let shown: String = chars[chars.len() - VISIBLE..].iter().collect();
    format!("{}{shown}", "•".repeat(chars.len() - VISIBLE))
}

/// The profile facts the user may pick for a field predicted as `token`, masked.
pub fn offers(token: &str, profile: &HashMap<String, String>) -> Vec<SensitiveOffer> {
    candidates(token)
        .iter()
        .filter_map(|(key, label)| {
            let value = profile.get(*key).map(|v| v.trim()).filter(|v| usable(token, v))?;
            Some(SensitiveOffer { key: key.to_string(), label: label.to_string(), masked: mask(value) })
        })
        .collect()
}

/// The value of the fact `key` the user picked for a field predicted as `token`, when that fact
/// is one [`offers`] would list there (a pick cannot pull any other fact out of memory).
pub fn picked(token: &str, key: &str, profile: &HashMap<String, String>) -> Option<String> {
    candidates(token).iter().find(|(k, _)| *k == key)?;
    let value = profile.get(key).map(|v| v.trim()).filter(|v| usable(token, v))?;
    Some(match token {
        "cc-exp-month" | "cc-exp-year" => {
            let (m, y) = value.split_once('/')?;
            if token == "cc-exp-month" { m.trim() } else { y.trim() }.to_string()
        }
        "cc-number" => value.chars().filter(char::is_ascii_digit).collect(),
        _ => value.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> HashMap<String, String> {
        [("passport-number", "604219873"), ("national-insurance-number", "JT 62 90 14 D"), ("card", "account ending 8104"), ("email", "m@x.org")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn offers_are_masked_and_only_for_matching_facts() {
        let o = offers("id-number", &profile());
        assert_eq!(o.len(), 2);
        assert_eq!(o[0], SensitiveOffer { key: "passport-number".into(), label: "Passport number".into(), masked: "•••••9873".into() });
        assert_eq!(o[1].masked, "•••••014D");
        assert!(!o.iter().any(|x| x.masked.contains("6042")));
        // "account ending 8104" is not a card number; email is not sensitive.
        assert!(offers("cc-number", &profile()).is_empty());
        assert!(offers("email", &profile()).is_empty());
    }

    #[test]
    fn a_pick_reveals_only_an_offered_fact() {
        assert_eq!(picked("id-number", "passport-number", &profile()).as_deref(), Some("604219873"));
        assert_eq!(picked("id-number", "email", &profile()), None, "not a candidate for this field");
        assert_eq!(picked("cc-number", "passport-number", &profile()), None);
        assert_eq!(mask("12"), "••••");
    }
}
