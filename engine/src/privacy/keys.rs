//! Sensitivity by key: the class memory gives each fact, the keys never volunteered to a page or
//! a chat site, and the autofill field types never filled unless the user picks a value.

use serde::{Deserialize, Serialize};

/// Who may see a fact without the user asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    /// Fine to use anywhere (job title, city, preferences).
    Public,
    /// About the user, used for their own forms and chats (email, phone, birthday).
    Personal,
    /// Never volunteered to pages or third parties (ids, health, finances, exact home address).
    Sensitive,
}

/// Keys of health facts.
const HEALTH_KEYS: &[&str] = &["health-condition", "medication", "health-test"];
/// Keys of money facts.
const FINANCE_KEYS: &[&str] = &["finances", "bank-account", "card"];
/// Keys of identifiers and references.
const ID_KEYS: &[&str] = &[
    "passport-number",
    "national-insurance-number",
    "driving-licence-number",
    "tax-id",
    "ssn",
    "national-id",
    "policy-number",
    "certificate-number",
    "booking-reference",
    "entry-number",
    "membership-number",
    "reference-number",
    "account-number",
    "customer-number",
];
/// Keys about the user that are theirs to give, never volunteered: the parts of the exact home
/// address, contact details and the birth date.
const PERSONAL_NEVER_SHARED: &[&str] = &[
    "salary",
    "street-address",
    "address-line1",
    "address-line2",
    "address-line3",
    "postal-code",
    "email",
    "work-email",
    "tel",
    "tel-national",
    "bday",
    "bday-day",
    "bday-month",
    "bday-year",
];
/// Keys that are public: work, places at the level of a town, preferences.
const PUBLIC_KEYS: &[&str] = &[
    "organization",
    "organization-title",
    "projects",
    "skills",
    "topics",
    "language",
    "country",
    "country-name",
    "address-level1",
    "address-level2",
    "preferences",
    "goals",
    "interests",
];
/// Words in a key that make any key sensitive (`passport`, `nhs-number`, `iban`, …).
const SENSITIVE_KEY_WORDS: &[&str] = &[
    "passport",
    "insurance",
    "licence",
    "license",
    "number",
    "account",
    "iban",
    "sort-code",
    "card",
    "salary",
    "income",
    "health",
    "medic",
    "diagnos",
    "password",
    "pin",
    "ssn",
    "tax",
];

/// The sensitivity class of a key: ids, health, finances and the exact home address are
/// sensitive; contact details and dates personal; the rest public.
pub fn sensitivity_of(key: &str) -> Sensitivity {
    // A former employer or home is as sensitive as the current one.
    if let Some(base) = key.strip_prefix("former-") {
        return sensitivity_of(base);
    }
    if is_health_key(key) || is_finance_key(key) || ID_KEYS.contains(&key) || key == "home-address"
    {
        Sensitivity::Sensitive
    } else if PUBLIC_KEYS.contains(&key) {
        Sensitivity::Public
    } else {
        Sensitivity::Personal
    }
}

/// A key of a health fact (a condition, a medicine, a test result).
pub fn is_health_key(key: &str) -> bool {
    HEALTH_KEYS.contains(&key)
}

/// A key of a money fact (pay, savings, an account, a card).
pub fn is_finance_key(key: &str) -> bool {
    FINANCE_KEYS.contains(&key)
}

/// True when the fact must never be volunteered to a page, a chat site or a third party:
/// memory marked it, its key is an id, health, finance, contact or exact-address key, or its
/// value looks like an identifier (long digit runs).
pub fn is_sensitive_fact(key: &str, value: &str, marked: bool) -> bool {
    if let Some(base) = key.strip_prefix("former-") {
        return is_sensitive_fact(base, value, marked);
    }
    if marked
        || sensitivity_of(key) == Sensitivity::Sensitive
        || PERSONAL_NEVER_SHARED.contains(&key)
    {
        return true;
    }
    let key = key.to_lowercase();
    if key
        .split('-')
        .any(|part| SENSITIVE_KEY_WORDS.iter().any(|w| part.starts_with(w)))
    {
        return true;
    }
    looks_like_identifier(value)
}

/// A value with 6+ digits, or a code mixing letters and 4+ digits, reads like an id number.
fn looks_like_identifier(v: &str) -> bool {
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    if digits >= 6 {
        return true;
    }
    v.split_whitespace().any(|w| {
        let d = w.chars().filter(|c| c.is_ascii_digit()).count();
        let a = w.chars().filter(|c| c.is_ascii_uppercase()).count();
        d >= 4 && a >= 2
    })
}

/// Autofill field types never filled unless the user picks the value by hand: payment cards,
/// identity numbers and passwords.
pub fn is_sensitive_token(token: &str) -> bool {
    token.starts_with("cc-")
        || matches!(
            token,
            "id-number" | "vat-number" | "password" | "new-password"
        )
}
