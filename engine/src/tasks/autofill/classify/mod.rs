//! The autofill classifier: one WHATWG token (or `"none"`) per field descriptor.
//!
//! Three passes, all explainable:
//! 1. **Evidence** per field: its own `autocomplete` attribute when valid; keyword rules
//!    ([`super::rules`]) over label, aria-label, placeholder, title, name, id and nearby text, each
//!    source with its own weight and the longest pattern winning within a source; input type;
//!    select option contents ([`super::options`]).
//! 2. **Refinement** by the field's own shape: month/year/day lists and short inputs turn
//!    `bday`/`cc-exp` into their parts.
//! 3. **Form context**: consecutive street fields become address-line1..3, a street beside a house
//!    number becomes the street name, split names/phones/dates get their parts.
//!
//! Called by `web/` (`autofill.classify`) and the `secondself eval autofill` CLI.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

mod form;
mod refine;
#[cfg(test)]
mod tests;

pub(crate) use form::asks_for_prose;
use form::*;
use refine::*;

use super::descriptor::FieldDescriptor;
use super::options::{classify_options, OptionKind};
use super::rules;
use super::text::words;
use super::token::{self, Token, NONE};

/// The classifier's answer for one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The descriptor's `index`.
    pub index: usize,
    /// A token from [`token::TOKENS`] or `"none"`.
    pub token: String,
    /// The winning evidence score (0 for `"none"` without evidence).
    pub score: f32,
}

/// Minimum evidence for a token other than `"none"`.
const THRESHOLD: f32 = 0.45;

/// Weight of each text source.
const W_LABEL: f32 = 1.0;
const W_ARIA: f32 = 1.0;
const W_PLACEHOLDER: f32 = 0.9;
const W_TITLE: f32 = 0.5;
const W_NAME: f32 = 0.6;
const W_ID: f32 = 0.45;
const W_NEARBY: f32 = 0.4;
const W_AUTOCOMPLETE: f32 = 1.6;
const PROSE_DAMPING: f32 = 1.0;
/// Length at which `content/autofill-fields.js` cuts a name or id.
const MAX_IDENTIFIER: usize = 80;

/// Per-field working state.
struct Field<'a> {
    d: &'a FieldDescriptor,
    token: Token,
    score: f32,
    opts: Option<OptionKind>,
    /// The field's own valid `autocomplete` token, which the form pass does not overrule.
    auto: Option<Token>,
    /// All text sources, normalised and joined, for cheap word tests.
    text: String,
}

/// Classifies every field of a page (any number of forms): the rules, then the learned layer
/// ([`super::learned`]) over their answers when a trained model is shipped.
pub fn classify(fields: &[FieldDescriptor]) -> Vec<Prediction> {
    let (rule, opts) = rules_and_options(fields);
    match super::learned::shipped() {
        Some(model) => super::learned::apply(model, fields, &rule, &opts),
        None => rule,
    }
}

/// The rule classifier alone (passes 1–3 above).
pub fn classify_rules(fields: &[FieldDescriptor]) -> Vec<Prediction> {
    rules_and_options(fields).0
}

/// The rule answers, and what each select's options are (for the learned layer).
pub(crate) fn rules_and_options(fields: &[FieldDescriptor]) -> (Vec<Prediction>, Vec<Option<OptionKind>>) {
    let mut work: Vec<Field> = fields.iter().map(evidence).collect();
    for f in &mut work {
        refine(f);
    }
    // Form context: group by form, keep document order.
    let mut groups: Vec<(i64, Vec<usize>)> = Vec::new();
    for (i, f) in work.iter().enumerate() {
        match groups.iter_mut().find(|(k, _)| *k == f.d.form_index) {
            Some((_, v)) => v.push(i),
            None => groups.push((f.d.form_index, vec![i])),
        }
    }
    for (_, idx) in &groups {
        context(&mut work, idx);
    }
    let preds = work.iter().map(|f| Prediction { index: f.d.index, token: f.token.to_string(), score: f.score }).collect();
    (preds, work.iter().map(|f| f.opts).collect())
}

fn add(scores: &mut HashMap<Token, f32>, t: Token, w: f32) {
    *scores.entry(t).or_insert(0.0) += w;
}

fn evidence(d: &FieldDescriptor) -> Field<'_> {
    let mut scores: HashMap<Token, f32> = HashMap::new();
    let nearby_w = if d.label.is_empty() && d.aria_label.is_empty() { W_NEARBY * 1.3 } else { W_NEARBY * 0.6 };
    let sources: [(&str, f32); 7] = [
        (&d.label, W_LABEL),
        (&d.aria_label, W_ARIA),
        (&d.placeholder, W_PLACEHOLDER),
        (&d.title, W_TITLE),
        (&d.name, W_NAME),
        (&d.id, W_ID),
        (&d.nearby, nearby_w),
    ];
    let mut text = String::new();
    let found: Vec<(String, Vec<rules::Match>)> = sources
        .iter()
        .map(|(src, _)| if src.is_empty() { (String::new(), Vec::new()) } else { let n = words(src); let m = rules::matches(&n); (n, m) })
        .collect();
    // Visible prose (label, aria-label, placeholder) names the field as the user sees it; when it
    // says something, identifiers and the autocomplete attribute count for less.
    let prose = found[..3].iter().any(|(_, m)| !m.is_empty());
    let damp = if prose { PROSE_DAMPING } else { 1.0 };
    for (k, ((src, w), (norm, m))) in sources.into_iter().zip(&found).enumerate() {
        if src.is_empty() {
            continue;
        }
        let w = if k == 4 || k == 5 { w * damp } else { w };
        // The collector cuts identifiers at 80 characters, and with them their last words, which
        // are the ones that name the field (`…[billing_address][address_company]`).
        let w = if (k == 4 || k == 5) && src.chars().count() >= MAX_IDENTIFIER { w * 0.4 } else { w };
        // Identifiers (name, id) are named by their last words; prose by its most specific phrase.
        let identifier = k == 4 || k == 5;
        let rank = |m: &rules::Match| if identifier { (m.end, m.len) } else { (m.len, m.end) };
        if let Some(top) = m.iter().map(rank).max() {
            for x in m {
                let factor = if rank(x) == top {
                    1.0
                } else if !identifier && x.len * 10 >= top.0 * 7 {
                    0.4
                } else {
                    0.1
                };
                add(&mut scores, x.token, w * x.strength * factor);
            }
        }
        text.push_str(norm);
    }
    // "Street and house number" is one street field, not a house number.
    let prose: String = found[..3].iter().map(|(n, _)| n.as_str()).collect();
    let number_phrase = has(&prose, &[" street number", " street no ", " street nr", " streetnumber", " numero de rue", " no de rue", " numero de calle", " numero de la calle", " number of the street"]);
    if has(&prose, COMBINED_STREET) || !number_phrase && found[..3].iter().any(|(_, m)| m.iter().any(|x| x.token == "address-housenumber") && m.iter().any(|x| matches!(x.token, "street-address" | "address-streetname"))) {
        if let Some(s) = scores.remove("address-housenumber") {
            add(&mut scores, "street-address", s);
        }
    }
    // "First name and last name" asks for the whole name; "Username or email" for the email.
    let in_prose = |t: Token| found[..3].iter().any(|(_, m)| m.iter().any(|x| x.token == t));
    let joined = has(&prose, &[" and ", " und ", " et ", " e ", " y ", " en ", " og ", " och ", " i ", " a ", " ve "])
        || [&d.label, &d.aria_label, &d.placeholder].iter().any(|p| p.contains('&') || p.contains('+'));
    if in_prose("family-name") && (in_prose("given-name") || joined && in_prose("name")) {
        let both = scores.remove("given-name").unwrap_or(0.0) + scores.remove("family-name").unwrap_or(0.0);
        add(&mut scores, "name", both);
    }
    // "Apartment number", "Flat/Building No.": the number of the flat, not of the house.
    if in_prose("apartment") && in_prose("address-housenumber") {
        if let Some(s) = scores.remove("address-housenumber") {
            add(&mut scores, "apartment", s);
        }
    }
    let auto_attr = token::from_autocomplete(&d.autocomplete);
    if in_prose("email") && in_prose("username") && auto_attr != Some("username") {
        if let Some(s) = scores.remove("username") {
            add(&mut scores, "email", s);
        }
    }
    let kind = d.kind.as_str();
    match kind {
        "email" => add(&mut scores, "email", 2.5),
        "tel" => add(&mut scores, "tel", 0.9),
        "password" => add(&mut scores, "password", 4.0),
        "url" => add(&mut scores, "url", 1.5),
        "search" => add(&mut scores, NONE, 0.6),
        "date" => add(&mut scores, "bday", 0.2),
        _ => {}
    }
    let auto = token::from_autocomplete(&d.autocomplete).filter(|t| !(matches!(*t, "password" | "new-password") && kind != "password"));
    if let Some(t) = auto {
        // A generic `tel` attribute on a field whose prose names a finer part ("National phone
        // number", "Area code") supports that part: the attribute is right, only coarser.
        let finer = if t == "tel" { FINER_TEL.iter().copied().find(|p| in_prose(p)) } else { None };
        add(&mut scores, finer.unwrap_or(t), W_AUTOCOMPLETE * damp);
    }
    let opts = if d.is_select() { classify_options(&d.options) } else { None };
    // A select's placeholder option ("Birth month", "Select your country") is prose about it.
    if let Some(o) = d.options.first().filter(|o| d.is_select() && matches!(o.value.trim(), "" | "0" | "-1") && !o.text.chars().any(|c| c.is_ascii_digit())) {
        text.push_str(&words(&o.text));
    }
    // A list of countries that picks a currency or a language ("Belgien (USD $)") is a shop
    // setting, not the user's country.
    let own_words: String = found[..6].iter().map(|(n, _)| n.as_str()).collect();
    let names_country = found[..6].iter().any(|(_, m)| m.iter().any(|x| x.token == "country"));
    let setting = !names_country && has(&own_words, &[" currency", " wahrung", " devise", " moneda", " valuta", " language", " sprache", " langue", " idioma", " lingua", " locale"]);
    match opts {
        Some(OptionKind::Country) if setting => add(&mut scores, NONE, 2.0),
        Some(OptionKind::Country) => add(&mut scores, "country", 2.0),
        Some(OptionKind::State) => add(&mut scores, "address-level1", 2.0),
        Some(OptionKind::PhoneCode) => add(&mut scores, "tel-country-code", 2.5),
        Some(OptionKind::CardType) => add(&mut scores, "cc-type", 2.0),
        Some(OptionKind::Honorific) => add(&mut scores, "honorific-prefix", 2.0),
        Some(OptionKind::Sex) => add(&mut scores, "sex", 1.5),
        _ => {}
    }
    if d.tag == "textarea" {
        if let Some(s) = scores.get_mut("street-address") {
            *s += 0.5;
        }
    }
    // Selects and checkboxes can't hold free text such as a name or an email.
    if d.is_select() {
        for t in ["name", "given-name", "family-name", "email", "street-address", "address-line1", "address-line2", "postal-code", "cc-number", "cc-name", "cc-csc", "address-housenumber", "address-streetname"] {
            if let Some(s) = scores.get_mut(t) {
                *s *= 0.3;
            }
        }
    }
    // "Country code" without anything phone-like is the country itself.
    let phoneish = kind == "tel" || opts == Some(OptionKind::PhoneCode) || has(&text, PHONE_WORDS);
    if !phoneish {
        if let Some(s) = scores.remove("tel-country-code") {
            add(&mut scores, "country", s);
        }
    }
    // One box for a postcode and a town ("Postleitzahl oder Stadt", "Suburb/Postcode"), or a
    // postcode search: their own tokens, not the postcode.
    let own = |t: Token| found[..6].iter().any(|(_, m)| m.iter().any(|x| x.token == t));
    let own_text: String = found[..6].iter().map(|(n, _)| n.as_str()).collect();
    let prose_text: String = found[..3].iter().map(|(n, _)| n.as_str()).collect();
    let searchy = kind == "search" || has(&prose_text, LOOKUP_WORDS) || has(&prose_text, &[" start typing", " type your address"]);
    let postal_attr = matches!(auto_attr, Some("postal-code" | "address-level2"));
    // Both in one source: a label "City" over a placeholder "Zip" is two hints, not one box for both.
    let both = found[..6].iter().any(|(_, m)| m.iter().any(|x| x.token == "postal-code") && m.iter().any(|x| x.token == "address-level2"));
    if !postal_attr && own("postal-code") && (both || searchy) {
        let combined = if searchy {
            "postal-code-lookup"
        } else if has(&own_text, &[" suburb"]) {
            "postal-code-or-suburb"
        } else {
            "postal-code-and-city"
        };
        let s = scores.remove("postal-code").unwrap_or(0.0) + scores.remove("address-level2").unwrap_or(0.0) + scores.remove(NONE).unwrap_or(0.0);
        add(&mut scores, combined, s);
    }
    // A free-text question ("Why are you interested in this role?") is answered in prose, not
    // with the profile value its words name; without an autocomplete attribute it is no token.
    if auto_attr.is_none() && asks_for_prose(d) {
        scores.clear();
    }
    let (mut token, score) = best(&scores);
    // Kana/furigana boxes beside the name: the name's reading.
    if has(&text, PHONETIC_WORDS) {
        token = match token {
            "given-name" => "phonetic-given-name",
            "family-name" => "phonetic-family-name",
            // A box labelled only with the reading's own word ("セイ", "メイ").
            NONE if has(&text, &[" セイ "]) => "phonetic-family-name",
            NONE if has(&text, &[" メイ "]) => "phonetic-given-name",
            t => t,
        };
    }
    // A user name the page does not mark `autocomplete="username"` is a login name (sign-in and
    // sign-up boxes); the attribute's own `username` stays.
    if token == "username" && auto_attr != Some("username") {
        // …unless the words around it ask for an email address (`login` under "E-mail*").
        token = if scores.contains_key("email") { "email" } else { "loginname" };
    }
    Field { d, token, score, opts, auto, text }
}

fn best(scores: &HashMap<Token, f32>) -> (Token, f32) {
    let mut v: Vec<(&Token, &f32)> = scores.iter().collect();
    // Deterministic: highest score, then token order in TOKENS.
    v.sort_by(|a, b| b.1.partial_cmp(a.1).unwrap_or(std::cmp::Ordering::Equal).then(order(a.0).cmp(&order(b.0))));
    match v.first() {
        Some((t, s)) if **s >= THRESHOLD => (t, **s),
        _ => (NONE, 0.0),
    }
}

fn order(t: &str) -> usize {
    token::TOKENS.iter().position(|x| *x == t).unwrap_or(usize::MAX)
}

/// Does `text` contain any of `words`? A plain scan: field texts are short, and setting up
/// `str::contains`'s searcher for each of dozens of words costs more than the search itself.
fn has(text: &str, words: &[&str]) -> bool {
    let t = text.as_bytes();
    words.iter().any(|w| {
        let w = w.as_bytes();
        match w.first() {
            None => true,
            Some(&first) => w.len() <= t.len() && (0..=t.len() - w.len()).any(|i| t[i] == first && t[i..].starts_with(w)),
        }
    })
}
