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
    // People are the memory's people, not its topics: the names of partner, family and friends.
    let people: HashSet<String> = facts.iter().filter(|f| matches!(f.key.as_str(), "partner" | "family" | "friends" | "people")).flat_map(|f| tokenize(&f.value)).collect();
    // Nor are the words for kinds of facts (`number`, `adresse`) or for relations (`mamma`).
    let labels: HashSet<String> = crate::lexicon::fact_words()
        .phrases()
        .iter()
        .chain(crate::lexicon::relations().phrases().iter())
        .filter(|w| !w.contains(' '))
        .flat_map(|w| tokenize(w))
        .collect();
    let is_person = |t: &str| people.contains(t) || t.strip_suffix('s').is_some_and(|b| people.contains(b));
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
            if t.chars().count() >= 4 && !is_stopword(&t) && !crate::lexicon::is_common_word(&t) && !own.contains(&t) && !is_person(&t) && !labels.contains(&t) && !crate::lexicon::names_company(&t) && !t.chars().any(|c| c.is_ascii_digit()) {
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

/// The language most of the user's own notes are written in (`en` when none can be told).
pub fn language_of(views: &[View]) -> &'static str {
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for v in views.iter().filter(|v| v.author == super::Author::Owner) {
        if let Some(l) = crate::text::lang::detect(&v.text) {
            *counts.entry(l).or_default() += 1;
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map_or("en", |(l, _)| l)
}

/// The bio, in `lang` (English when the phrases lack it): work, home town, partner, diet,
/// allergies, interests, projects — never a sensitive fact.
pub fn bio(facts: &[Fact], lang: &str) -> String {
    let get = |k: &str| facts.iter().find(|f| f.key == k && f.sensitivity != Sensitivity::Sensitive).map(|f| f.value.as_str());
    let list = |k: &str| facts.iter().filter(|f| f.key == k && f.sensitivity != Sensitivity::Sensitive).map(|f| f.value.as_str()).collect::<Vec<_>>().join(", ");
    let phrases = crate::lexicon::bio_phrases();
    let (lang, line) = match phrases.lang(lang) {
        Some(l) => (lang, l),
        None => ("en", phrases.lang("en").expect("bio phrases have English")),
    };
    let say = |i: usize| line.items[i][0].as_str();
    let mut s = Vec::new();
    // No name known: the work sentence is said without a subject, as the others are
    // ("Works as …", "Arbeitet als …"), and the name-only sentence is left out.
    let name = get("name");
    let fill = |t: &str, title: &str, org: &str| {
        let said = t.replace("{name}", name.unwrap_or("")).replace("{title}", title).replace("{org}", org);
        let said = said.trim_start();
        let mut c = said.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    let work = match (get("organization-title"), get("organization")) {
        (Some(t), Some(o)) => Some(fill(say(0), t, o)),
        (Some(t), None) => Some(fill(say(1), t, "")),
        (None, Some(o)) => Some(fill(say(2), "", o)),
        (None, None) => name.map(|_| fill(say(3), "", "")),
    };
    s.extend(work);
    if let Some(town) = get("address-level2") {
        // The country's name is stored in English: said only in an English bio.
        let place = get("country-name").filter(|_| lang == "en").map(|c| format!("{town}, {c}")).unwrap_or_else(|| town.to_string());
        s.push(say(4).replace("{town}", &place));
    }
    let value = |i: usize, v: &str| say(i).replace("{value}", v);
    if let Some(p) = get("partner") {
        s.push(value(5, p));
    }
    if let Some(d) = get("diet") {
        s.push(value(6, &crate::lexicon::diet_in(d, lang).unwrap_or_else(|| d.to_string())));
    }
    // Allergens in the bio's language (`Allergien: Sellerie`), others as written.
    let allergies: Vec<String> = facts
        .iter()
        .filter(|f| f.key == "allergies" && f.sensitivity != Sensitivity::Sensitive)
        .map(|f| match crate::lexicon::allergen_in(&f.value, lang) {
            // German writes its nouns with a capital.
            Some(a) if lang == "de" => a.chars().take(1).flat_map(char::to_uppercase).chain(a.chars().skip(1)).collect(),
            Some(a) => a,
            None => f.value.clone(),
        })
        .collect();
    if !allergies.is_empty() {
        s.push(value(7, &allergies.join(", ")));
    }
    for (i, key) in [(8, "interests"), (9, "projects")] {
        let l = list(key);
        if !l.is_empty() {
            s.push(value(i, &l));
        }
    }
    s.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::distil::Candidate;
    use crate::memory::l1::fact_from;

    fn facts(pairs: &[(&str, &str)]) -> Vec<Fact> {
        pairs
            .iter()
            .map(|(k, v)| fact_from(&Candidate { key: k.to_string(), value: v.to_string(), confidence: 0.9, chunk_id: None, observed_at: 0 }, 0))
            .collect()
    }

    #[test]
    fn the_bio_is_written_in_the_users_language_without_sensitive_facts() {
        let f = facts(&[
            ("name", "Elin Strand"),
            ("organization-title", "Operations Engineer"),
            ("organization", "Fjordlink AB"),
            ("address-level2", "Umeå"),
            ("diet", "vegan"),
            ("allergies", "sesame"),
            ("street-address", "Tallvägen 9"),
        ]);
        let en = bio(&f, "en");
        assert!(en.starts_with("Elin Strand works as Operations Engineer at Fjordlink AB."), "{en}");
        assert!(en.contains("Lives in Umeå.") && en.contains("Diet: vegan.") && en.contains("Allergies: sesame."), "{en}");
        let sv = bio(&f, "sv");
        assert!(sv.starts_with("Elin Strand arbetar som Operations Engineer på Fjordlink AB."), "{sv}");
        assert!(sv.contains("Bor i Umeå.") && sv.contains("Kost: vegan") && sv.contains("Allergier: sesam."), "{sv}");
        // The allergen and the diet in the bio's language, the country (stored in English) left out.
        let de = bio(&facts(&[("name", "Jonas Ek"), ("address-level2", "Kassel"), ("country-name", "Germany"), ("diet", "vegetarian"), ("allergies", "celery"), ("allergies", "kiwi")]), "de");
        assert!(de.contains("Allergien: Sellerie, kiwi."), "{de}");
        assert!(de.contains("vegetarisch") && !de.contains("Germany"), "{de}");
        let fr = bio(&facts(&[("name", "Elin Strand"), ("diet", "pescatarian")]), "fr");
        assert_eq!(fr, "Elin Strand. Régime : pescétarien.");
        assert!(bio(&f, "xx").starts_with("Elin Strand works as"), "unknown language: English");
        for b in [en, sv] {
            assert!(!b.contains("Tallvägen"), "the exact address is sensitive: {b}");
        }
    }

    /// Topics are what a life is about: not the people (and their `'s` forms), not the words for
    /// kinds of facts or relations, whatever the language (invented notes).
    #[test]
    fn topics_leave_out_people_and_field_words() {
        let texts = [
            "Bouldering med Viggo i Kvarnby. Mitt nummer är nytt. Viggos klätterskor är för små.",
            "Bouldering igen, sedan keramik. Adress: Ängsvägen 3. Mamma ringde.",
            "Keramik på torsdag med mamma och Viggo. Nummer till studion finns i mejlet.",
            "Viggos keramikkurs, bouldering på söndag.",
        ];
        let views: Vec<View> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let v = super::super::tests::view_of(t, crate::memory::SourceKind::Markdown);
                let source: &'static crate::memory::Source = Box::leak(Box::new(crate::memory::Source { id: format!("s{i}"), ..v.source.clone() }));
                View { source, ..v }
            })
            .collect();
        let f = facts(&[("partner", "Viggo Lind")]);
        let ids: Vec<String> = topics(&views, &f).into_iter().map(|t| t.id).collect();
        assert!(ids.iter().any(|t| t == "keramik"), "{ids:?}");
        for not in ["viggo", "viggos", "nummer", "mamma", "adress"] {
            assert!(!ids.iter().any(|t| t == not), "{not} in {ids:?}");
        }
    }

    #[test]
    fn a_bio_without_a_name_has_no_placeholder() {
        let b = bio(&facts(&[("organization", "Fahrradwerk Lindner"), ("address-level2", "Gießen")]), "de");
        assert_eq!(b, "Arbeitet bei Fahrradwerk Lindner. Wohnt in Gießen.");
        assert_eq!(bio(&facts(&[("address-level2", "Gießen")]), "en"), "Lives in Gießen.");
    }
}
