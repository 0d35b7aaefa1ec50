//! What may be said to someone else: the evidence sentences that the sensitivity policy
//! ([`crate::privacy`]) lets through, split and redacted where only a part is sensitive.

use super::*;
use crate::privacy::{is_sensitive_text, redacted};

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
