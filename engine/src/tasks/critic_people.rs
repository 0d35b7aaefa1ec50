//! A reply that gives someone the user knows the wrong relation: it calls their brother their
//! sister, their father their mother. The people come from L1 (`family`, `partner`, `friends`:
//! `Name (relation)`); the relation words from `lexicon/relations.txt`, in any language.

use super::context::{is_sensitive, words, FactView};
use super::critic::{phrase, Problem};
use crate::memory::distil::people::relation_kind;

/// Items of `lexicon/critic_phrases.txt`.
const WRONG_RELATION: usize = 8;

/// The other relation of a pair that differs only by sex (`sister` for `brother`).
fn counterpart(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "mother" => "father",
        "father" => "mother",
        "sister" => "brother",
        "brother" => "sister",
        "son" => "daughter",
        "daughter" => "son",
        "grandmother" => "grandfather",
        "grandfather" => "grandmother",
        "aunt" => "uncle",
        "uncle" => "aunt",
        _ => return None,
    })
}

/// A known person: their first name and relation (`Ada (sister)` → `ada`, `sister`).
fn person(f: &FactView) -> Option<(String, &'static str)> {
    let (name, rest) = f.value.split_once('(')?;
    let relation = rest.split([')', ',']).next()?.trim();
    let first = words(name).into_iter().next()?;
    Some((first, relation_kind(relation)?))
}

/// Reply sentences that name a known person with the other relation of their pair, where no
/// other person the user knows in that sentence holds that relation.
pub fn problems(reply: &str, facts: &[FactView], lang: &str) -> Vec<Problem> {
    let people: Vec<(String, &'static str, &FactView)> =
        facts.iter().filter(|f| matches!(f.key.as_str(), "family" | "friends" | "people") && !is_sensitive(f)).filter_map(|f| person(f).map(|(n, k)| (n, k, f))).collect();
    let mut out: Vec<Problem> = Vec::new();
    for sentence in crate::text::sentences(reply) {
        let ws: Vec<String> = words(sentence).into_iter().map(|w| w.trim_end_matches("'s").to_string()).collect();
        let here: Vec<&(String, &'static str, &FactView)> = people.iter().filter(|(n, _, _)| ws.contains(n)).collect();
        for (name, kind, f) in &here {
            let Some(other) = counterpart(kind) else { continue };
            let said_other = ws.iter().any(|w| relation_kind(w) == Some(other));
            let said_own = ws.iter().any(|w| relation_kind(w) == Some(*kind));
            let someone_else = here.iter().any(|(n, k, _)| n != name && *k == other);
            if said_other && !said_own && !someone_else && !out.iter().any(|p| p.memory == f.cite()) {
                let shown = f.value.split(['(', ' ']).next().unwrap_or(name).trim();
                out.push(Problem { text: phrase(WRONG_RELATION, lang, shown, f.value.trim()), memory: f.cite() });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_person_given_the_other_relation_is_raised() {
        let facts = vec![FactView::new("family", "Anselm (brother)", false), FactView::new("family", "Mirela (sister)", false), FactView::new("partner", "Teodor Vang", false)];
        let p = problems("Here is a toast for your sister's party with Anselm.", &facts, "en");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].text.contains("Anselm (brother)"), "{p:?}");
        let p = problems("Eine Rede für die Feier deiner Schwester Anselm.", &facts, "de");
        assert!(p.len() == 1 && p[0].text.contains("Anselm"), "{p:?}");
        // The right relation, or the sister named beside him, is fine.
        assert!(problems("A toast for your brother Anselm.", &facts, "en").is_empty());
        assert!(problems("A toast for Anselm and your sister Mirela.", &facts, "en").is_empty());
        assert!(problems("A toast for your sister.", &facts, "en").is_empty());
    }
}
