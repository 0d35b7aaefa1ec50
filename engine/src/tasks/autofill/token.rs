//! Autofill tokens: the WHATWG autocomplete field names we predict, plus a few finer-grained
//! ones real forms use (house number, street name, apartment…), and `"none"`.
//!
//! Tokens are `&'static str` from [`TOKENS`]; [`from_autocomplete`] parses an element's own
//! `autocomplete` attribute (`section-x shipping tel-national`) down to its field name.

/// A predicted token, always one of [`TOKENS`] or [`NONE`].
pub type Token = &'static str;

/// "No autofill type".
pub const NONE: Token = "none";

/// Every token the classifier may output (besides [`NONE`]).
pub const TOKENS: &[Token] = &[
    "name", "honorific-prefix", "given-name", "additional-name", "family-name", "honorific-suffix", "nickname",
    "email", "tel", "tel-country-code", "tel-national", "tel-area-code", "tel-local", "tel-local-prefix",
    "tel-local-suffix", "tel-extension", "organization", "organization-title", "street-address",
    "address-line1", "address-line2", "address-line3", "address-level1", "address-level2", "address-level3",
    "address-level4", "postal-code", "country", "country-name", "bday", "bday-day", "bday-month", "bday-year",
    "sex", "url", "username", "cc-name", "cc-given-name", "cc-family-name", "cc-number", "cc-exp",
    "cc-exp-month", "cc-exp-year", "cc-csc", "cc-type", "address-housenumber", "address-streetname",
    "apartment", "floor", "building", "address-extra", "street", "address-lookup", "reference-point", "id-number", "vat-number", "password", "new-password",
    "loginname", "phonetic-given-name", "phonetic-family-name", "postal-code-and-city", "postal-code-or-suburb",
    "postal-code-lookup", "stair", "block", "address-extra-housesuffix",
];

/// The interned token equal to `s`, if it is one.
pub fn intern(s: &str) -> Option<Token> {
    TOKENS.iter().copied().find(|t| *t == s)
}

/// Parses an `autocomplete` attribute: the last recognised field name, ignoring `section-*`,
/// `shipping`/`billing`, contact kinds and `webauthn`. `on`, `off` and junk give `None`.
pub fn from_autocomplete(attr: &str) -> Option<Token> {
    let mut found = None;
    for part in attr.split_ascii_whitespace() {
        let part = part.to_ascii_lowercase();
        let mapped = match part.as_str() {
            "current-password" => Some("password"),
            "address-level3" | "address-level4" => intern(&part),
            "one-time-code" => None,
            p => intern(p),
        };
        if mapped.is_some() {
            found = mapped;
        }
    }
    found
}

/// Does `attr` say `shipping` or `billing`?
pub fn autocomplete_section(attr: &str) -> Option<&'static str> {
    attr.split_ascii_whitespace().find_map(|p| match p {
        "shipping" => Some("shipping"),
        "billing" => Some("billing"),
        _ => None,
    })
}

/// Address and payment tokens as the negatives eval counts them: `street-address`,
/// `address-line*`, `address-level*`, `postal-code`, `country*` and `cc-*`. A prediction of one of
/// these on a form without an address or payment is a false fill.
pub fn is_address_or_payment(token: &str) -> bool {
    token.starts_with("cc-")
        || token.starts_with("address-line")
        || token.starts_with("address-level")
        || token.starts_with("country")
        || matches!(token, "street-address" | "postal-code")
}

/// Tokens never filled unless the caller asks for them by name: payment cards and identity numbers.
pub fn is_sensitive(token: &str) -> bool {
    crate::privacy::is_sensitive_token(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autocomplete_parsing() {
        assert_eq!(from_autocomplete("section-a shipping postal-code"), Some("postal-code"));
        assert_eq!(from_autocomplete("billing given-name"), Some("given-name"));
        assert_eq!(from_autocomplete("tel-national"), Some("tel-national"));
        assert_eq!(from_autocomplete("off"), None);
        assert_eq!(from_autocomplete("nope"), None);
        assert_eq!(from_autocomplete("current-password"), Some("password"));
        assert_eq!(autocomplete_section("section-x shipping tel"), Some("shipping"));
    }

    #[test]
    fn address_or_payment_set() {
        for t in ["street-address", "address-line2", "address-level1", "postal-code", "country-name", "cc-csc"] {
            assert!(is_address_or_payment(t), "{t}");
        }
        for t in ["email", "name", "tel", "none", "organization", "address-housenumber"] {
            assert!(!is_address_or_payment(t), "{t}");
        }
    }
}
