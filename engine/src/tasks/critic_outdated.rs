//! Out-of-date answers: a reply that still gives an employer or a home the user had before
//! (L1's `former-…` facts: an older observation, an employer left, a CV role that ended, the
//! "from" of a move) while not giving the current one. The old value is what the reply itself
//! says; the current value is added unless it is sensitive (an exact address is not repeated).

use super::context::{is_sensitive, FactView};
use super::critic::{phrase, reply_langs, Problem};

/// Items of `lexicon/critic_phrases.txt`.
const OUT_OF_DATE: usize = 4;
const OUT_OF_DATE_BARE: usize = 5;

/// The folded words of `text`.
fn folded_words(text: &str) -> Vec<String> {
    crate::text::words(&crate::text::fold(text))
}

/// Where `needle`'s words stand together in `hay`, by the index of their first word.
fn positions(hay: &[String], needle: &[String]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len()).filter(|&i| hay[i..i + needle.len()] == *needle).collect()
}

/// An employer's name without its trailing legal form (`Beispiel` for `Beispiel AG`), which a
/// reply often leaves out.
fn without_legal_form(words: &[String]) -> Vec<String> {
    let mut w = words.to_vec();
    while w.len() > 1 && w.last().is_some_and(|l| crate::lexicon::names_company(&l.to_uppercase())) {
        w.pop();
    }
    w
}

/// The words that say where someone comes from (`from`, `aus`, `depuis`), in `langs`.
fn from_words(langs: &[&str]) -> Vec<String> {
    langs.iter().filter_map(|l| crate::lexicon::directions().lang(l)).filter_map(|l| l.items.get(1)).flatten().map(|w| crate::text::fold(w)).collect()
}

/// The reply's out-of-date employers and homes, said in `lang`.
pub fn problems(request: &str, reply: &str, facts: &[FactView], lang: &str) -> Vec<Problem> {
    let said = folded_words(reply);
    let asked = folded_words(request);
    let from = from_words(&reply_langs(request, reply));
    let mut out: Vec<Problem> = Vec::new();
    for f in facts.iter().filter(|f| f.key.starts_with("former-")) {
        let key = &f.key["former-".len()..];
        let old = folded_words(&f.value);
        let old = if key == "organization" { without_legal_form(&old) } else { old };
        let at = positions(&said, &old);
        // The user asked about it themselves (`write to my old employer …`): not a mistake.
        if at.is_empty() || !positions(&asked, &old).is_empty() {
            continue;
        }
        // A town is the user's home only where the reply has them come from it (`the commute
        // from …`); a trip there or a wedding in it says nothing about where they live.
        if key == "address-level2" {
            let elided = |w: &str| w.split_once('\'').is_some_and(|(p, rest)| rest == old[0] && from.iter().any(|f| f.trim_end_matches('\'') == p));
            if !at.iter().any(|&i| (i > 0 && from.contains(&said[i - 1])) || elided(&said[i])) {
                continue;
            }
        }
        let current = facts.iter().find(|c| c.key == key);
        // The reply gives the current value too (`moved from … to …`): it knows.
        if current.is_some_and(|c| !positions(&said, &folded_words(&c.value)).is_empty()) {
            continue;
        }
        let x = f.value.trim();
        if out.iter().any(|p| p.text.contains(x)) {
            continue;
        }
        let text = match current.filter(|c| !is_sensitive(c)) {
            Some(c) => phrase(OUT_OF_DATE, lang, x, c.value.trim()),
            None => phrase(OUT_OF_DATE_BARE, lang, x, ""),
        };
        out.push(Problem { text, memory: f.cite() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Vec<FactView> {
        vec![
            FactView::new("organization", "Nordlicht Textil GmbH", false),
            FactView::new("former-organization", "Morgenrot Druck AG", false),
            FactView::new("address-level2", "Aalborg", false),
            FactView::new("former-address-level2", "Vejle", false),
            FactView::new("street-address", "Fjordvej 3", true),
            FactView::new("former-street-address", "Skovgade 12", true),
        ]
    }

    #[test]
    fn an_old_employer_or_home_in_a_reply_is_out_of_date() {
        let f = facts();
        let p = problems("Write a short bio for the conference.", "Greta works at Morgenrot Druck in sales.", &f, "en");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].text.contains("Morgenrot Druck AG") && p[0].text.contains("Nordlicht Textil GmbH"), "{p:?}");
        // The current address is sensitive: the problem names the old one only.
        let p = problems("Schreib meine neue Adresse an die Bank.", "Bitte ändern Sie meine Adresse auf Skovgade 12, 7100 Vejle.", &f, "de");
        assert!(p.iter().any(|p| p.text.contains("Skovgade 12") && p.text.contains("veraltet") && !p.text.contains("Fjordvej")), "{p:?}");
        // A town counts where the user comes from it, not where they go.
        assert_eq!(problems("How do I get to work?", "Take the train from Vejle, about an hour.", &f, "en").len(), 1);
        assert!(problems("Plan a weekend.", "Visit the old harbour in Vejle on Saturday.", &f, "en").is_empty());
        assert_eq!(problems("Comment aller au bureau ?", "Prenez le train depuis Vejle.", &f, "fr").len(), 1);
    }

    #[test]
    fn a_reply_that_knows_the_change_or_was_asked_about_the_old_value_is_fine() {
        let f = facts();
        assert!(problems("Write a bio.", "Greta moved from Morgenrot Druck AG to Nordlicht Textil GmbH last year.", &f, "en").is_empty());
        assert!(problems("Draft a note to my old team at Morgenrot Druck.", "Dear Morgenrot Druck team, …", &f, "en").is_empty());
        assert!(problems("Write a bio.", "Greta works at Nordlicht Textil GmbH.", &f, "en").is_empty());
    }
}
