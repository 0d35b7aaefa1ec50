//! What may be said to someone else: sensitive sentences (ids, health, finances, exact address)
//! found by the facts memory marks sensitive and by the shape of the text, withheld or redacted.

use super::*;

/// The sentences that may be said to someone else: sensitive units are split into their
/// sentences and only the harmless ones kept (`I lead Atlas. My salary is …` keeps the first).
pub fn shareable(sentences: Vec<Sentence>, facts: &[FactView]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for s in sentences {
        // Where the user works is no health disclosure, even when the employer is a hospital or
        // a clinic: their work facts are shared as they are (a sensitive one never gets here).
        let work_fact = s.fact_key.as_deref().is_some_and(|k| matches!(k, "organization" | "organization-title"));
        if work_fact || !is_sensitive_text(&s.text, facts) {
            out.push(s);
            continue;
        }
        if let Some(text) = redacted(&s.text, facts) {
            out.push(Sentence { text, ..s });
            continue;
        }
        for part in crate::text::sentences(&s.text) {
            let part = part.trim();
            if part.len() < 3 {
                continue;
            }
            let text = if is_sensitive_text(part, facts) { redacted(part, facts) } else { Some(part.to_string()) };
            if let Some(text) = text {
                out.push(Sentence { text, ..s.clone() });
            }
        }
    }
    out
}

/// What stands in for a withheld value.
pub const WITHHELD: &str = "[private]";

/// `text` with identifier-like codes and the values of sensitive facts (ids, exact address)
/// replaced by [`WITHHELD`]; `None` when it is about health or finances.
pub fn redacted(text: &str, facts: &[FactView]) -> Option<String> {
    // A health or money value says too much even with the number hidden: no redaction.
    let lower = text.to_lowercase();
    let private_kind = |f: &&FactView| matches!(crate::memory::l1::kind_of(&f.key), crate::memory::FactKind::Health | crate::memory::FactKind::Finance);
    if facts.iter().filter(private_kind).any(|f| sensitive_needles(&f.value).iter().any(|n| lower.contains(n.as_str()))) {
        return None;
    }
    let mut t = text.to_string();
    if t.to_lowercase().len() == t.len() {
        for f in facts.iter().filter(|f| is_sensitive(f) || f.sensitive) {
            for needle in sensitive_needles(&f.value) {
                while let Some(pos) = t.to_lowercase().find(&needle) {
                    t.replace_range(pos..pos + needle.len(), WITHHELD);
                }
            }
        }
    }
    let t = t.split(' ').map(|w| if is_code(w) { WITHHELD } else { w }).collect::<Vec<_>>().join(" ");
    (!is_sensitive_text(&t, facts)).then_some(t)
}

/// Drops parenthesised asides (`(Lisbon)`): personal notes-to-self that a work audience does
/// not need.
pub fn without_asides(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" .", ".").replace(" ,", ",")
}

/// Health words: a sentence using one is about the user's health, which is never shared.
pub(super) const HEALTH_WORDS: &[&str] = &[
    "asthma", "asthmatic", "inhaler", "inhalers", "preventer", "reliever", "wheeze", "wheezy", "medication", "medicine",
    "prescription", "prescribed", "tablet", "tablets", "pill", "pills", "dose", "diagnosis", "diagnosed", "symptom",
    "symptoms", "bloods", "ferritin", "iron", "anaemic", "anemia", "anaemia", "therapy", "therapist", "depression",
    "anxiety", "diabetes", "diabetic", "migraine", "epilepsy", "surgery", "hospital", "clinic", "condition", "conditions",
    "injury", "physio",
];

/// Money words: an amount next to one of them is the user's finances.
pub(super) const FINANCE_WORDS: &[&str] = &[
    "salary", "earn", "earning", "earnings", "income", "pay", "paid", "raise", "bonus", "savings", "saved", "save",
    "pot", "balance", "account", "bank", "debt", "loan", "mortgage", "isa", "pension", "deposit", "overdraft", "credit",
    "invest", "investment", "net", "gross",
];

/// True when a word looks like an identifier: a run of 6+ digits, or a code mixing capitals and digits
/// (`QTR-5510-8826-MO`, `P9RW4T`).
pub(super) fn is_code(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    let digits = w.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    let caps = w.chars().filter(char::is_ascii_uppercase).count();
    let lower = w.chars().filter(char::is_ascii_lowercase).count();
    digits >= 6 || (digits >= 1 && caps >= 2 && lower == 0 && w.len() >= 5)
}

/// Money amounts (`£9,750`, `$52k`, `€1.2m`) in text.
pub(super) fn has_amount(text: &str) -> bool {
    text.char_indices().any(|(i, c)| matches!(c, '£' | '$' | '€') && text[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit()))
}

/// True when a sentence must not be said to anyone but the user: it holds the value of a
/// sensitive fact, an identifier-like code, a health word, or a money amount about finances.
/// [`is_sensitive_text`] for words said to someone else, where the user's employer and job
/// title (shared facts) do not count as health words: `Westpark Hospital` is where they work.
pub fn is_sensitive_reply(text: &str, facts: &[FactView]) -> bool {
    let mut rest = text.to_string();
    for f in facts.iter().filter(|f| matches!(f.key.as_str(), "organization" | "organization-title") && !is_sensitive(f)) {
        if f.value.chars().count() >= 3 {
            let (lower, value) = (rest.to_lowercase(), f.value.to_lowercase());
            rest = match lower.find(&value).filter(|_| lower.len() == rest.len()) {
                Some(at) => format!("{} {}", &rest[..at], &rest[at + value.len()..]),
                None => rest.replace(&f.value, " "),
            };
        }
    }
    is_sensitive_text(&rest, facts)
}

pub fn is_sensitive_text(text: &str, facts: &[FactView]) -> bool {
    let lower = text.to_lowercase();
    for f in facts.iter().filter(|f| is_sensitive(f) || f.sensitive) {
        for part in sensitive_needles(&f.value) {
            if lower.contains(&part) {
                return true;
            }
        }
    }
    if text.split_whitespace().any(is_code) {
        return true;
    }
    let ws = words(text);
    if ws.iter().any(|w| HEALTH_WORDS.contains(&w.as_str())) {
        return true;
    }
    has_amount(text) && ws.iter().any(|w| FINANCE_WORDS.contains(&w.as_str()) || w.ends_with('k') && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit() || c == '.'))
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
    if let Some(first) = main.split(',').next().filter(|f| f.len() >= 6 && *f != main) {
        out.push(first.trim().to_string());
    }
    // `£1,150.00` is written `£1,150` in text.
    if let Some(stripped) = main.strip_suffix(".00") {
        out.push(stripped.to_string());
    }
    out
}
