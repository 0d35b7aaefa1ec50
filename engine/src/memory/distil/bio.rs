//! The short bio (a few sentences from the current public/personal facts, never sensitive
//! ones) and topics (terms present in many sources, weighted by how many).

use std::collections::{HashMap, HashSet};

use super::View;
use crate::memory::{Fact, Sensitivity, Topic};
use crate::retrieval::index::{is_stopword, tokenize};

/// At most this many topics.
pub const MAX_TOPICS: usize = 15;

pub fn topics(views: &[View], facts: &[Fact]) -> Vec<Topic> {
    // The user's own name and the words of sensitive facts (the exact address, ids) are not
    // topics: topics are shown and shared as what a life is about.
    let own: HashSet<String> = facts
        .iter()
        .filter(|f| matches!(f.key.as_str(), "name" | "given-name" | "family-name" | "additional-name") || f.sensitivity == Sensitivity::Sensitive)
        .flat_map(|f| tokenize(&f.value))
        .collect();
    let mut df: HashMap<String, HashSet<&str>> = HashMap::new();
    for v in views {
        // E-mail addresses, web addresses and header lines are not what a life is about.
        let text: String = v
            .text
            .lines()
            .filter(|l| !["From:", "To:", "Cc:", "Subject:", "Date:", "Message-ID:"].iter().any(|h| l.starts_with(h)))
            .flat_map(|l| l.split_whitespace().filter(|w| !w.contains('@') && !w.contains("://") && !w.starts_with("www.")).map(|w| format!("{w} ")).chain(std::iter::once("\n".to_string())))
            .collect();
        for t in tokenize(&text) {
            if t.chars().count() >= 4 && !is_stopword(&t) && !crate::lexicon::is_common_word(&t) && !own.contains(&t) && !crate::lexicon::names_company(&t) && !t.chars().any(|c| c.is_ascii_digit()) {
                df.entry(t).or_default().insert(v.source.id.as_str());
            }
        }
    }
    let n_sources = views.iter().map(|v| v.source.id.as_str()).collect::<HashSet<_>>().len().max(1);
    let mut ts: Vec<Topic> = df
        .into_iter()
        .filter(|(_, s)| s.len() >= 2 && s.len() * 2 <= n_sources.max(4))
        .map(|(t, s)| Topic { id: t, weight: s.len() as f32 / n_sources as f32 })
        .collect();
    ts.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.id.cmp(&b.id)));
    ts.truncate(MAX_TOPICS);
    ts
}

pub fn bio(facts: &[Fact]) -> String {
    let get = |k: &str| facts.iter().find(|f| f.key == k && f.sensitivity != Sensitivity::Sensitive).map(|f| f.value.as_str());
    let list = |k: &str| facts.iter().filter(|f| f.key == k).map(|f| f.value.as_str()).collect::<Vec<_>>().join(", ");
    let mut s = Vec::new();
    let name = get("name").unwrap_or("The user");
    match (get("organization-title"), get("organization")) {
        (Some(t), Some(o)) => s.push(format!("{name} is a {t} at {o}.")),
        (Some(t), None) => s.push(format!("{name} is a {t}.")),
        (None, Some(o)) => s.push(format!("{name} works at {o}.")),
        (None, None) => s.push(format!("{name}.")),
    }
    if let Some(town) = get("address-level2") {
        s.push(format!("Lives in {town}{}.", get("country-name").map(|c| format!(", {c}")).unwrap_or_default()));
    }
    if let Some(p) = get("partner") {
        s.push(format!("Partner: {p}."));
    }
    if let Some(d) = get("diet") {
        s.push(format!("Diet: {d}."));
    }
    let a = list("allergies");
    if !a.is_empty() {
        s.push(format!("Allergies: {a}."));
    }
    let i = list("interests");
    if !i.is_empty() {
        s.push(format!("Interests: {i}."));
    }
    let p = list("projects");
    if !p.is_empty() {
        s.push(format!("Projects: {p}."));
    }
    s.join(" ")
}
