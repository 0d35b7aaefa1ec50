//! "Who" and "where": the name a sentence adds to the question, and the name after a
//! preposition of place.

use super::*;
use crate::tasks::evidence::same_word;

/// The name the sentence adds to the question: a run of capitalised words (not the first word
/// of the sentence, which is capitalised by position). For `who`, a run led by a title (`Dr`,
/// `Frau`) or of two names or more is a person and wins over a single word.
pub(super) fn name(text: &str, ask: &Ask) -> Option<String> {
    let question: Vec<String> = crate::tasks::context::words(ask.question);
    let who = ask.kind == Some("who");
    let best = best_clause_text(text, ask.terms);
    let sentence_start = text.trim_start();
    // (titled, words, text) for the best clause, then for the whole sentence.
    let mut found: Vec<Vec<(bool, usize, String)>> = Vec::new();
    for clause in [best, text] {
        let mut candidates: Vec<(bool, usize, String)> = Vec::new();
        let words: Vec<&str> = clause.split_whitespace().collect();
        let at_start = sentence_start.starts_with(clause.trim_start());
        let mut run: Vec<&str> = Vec::new();
        let mut titled = false;
        let flush = |run: &mut Vec<&str>, titled: &mut bool, out: &mut Vec<(bool, usize, String)>| {
            // A run never ends on a joining word (`University of`).
            while run.last().is_some_and(|w| !w.starts_with(char::is_uppercase)) {
                run.pop();
            }
            if !run.is_empty() {
                out.push((*titled, run.iter().filter(|w| w.starts_with(char::is_uppercase)).count(), join(run)));
                run.clear();
            }
            *titled = false;
        };
        for (i, w) in words.iter().enumerate() {
            let c = core(w);
            let lower = c.to_lowercase();
            let title = is_honorific(&lower);
            let capital = c.chars().next().is_some_and(char::is_uppercase) && c.chars().count() > 1;
            let calendar = crate::text::dates::weekday_number(c).is_some() || crate::text::dates::month_number(c).is_some();
            // A name the question uses, or one it points at through a relation word (`my
            // brother` → the brother's name), is who is asked about, not the answer.
            let named = question.contains(&lower) || ask.terms.iter().any(|t| t.stem == lower || (t.proper && same_word(&t.stem, &lower)) || (!t.proper && t.alternatives.contains(&lower) && is_name_shaped(c)));
            let new = !named && (title || !crate::lexicon::is_everyday_word(&lower)) && !calendar;
            // The first word of a sentence is capitalised by position: for `who`, a name when it
            // is name-shaped and not an everyday word (`Okonkwo is…`); otherwise never.
            // A title (`Dr`, `Mr`) starts a name wherever it stands.
            let by_position = i == 0 && at_start && !title && !(who && is_name_shaped(c) && !crate::lexicon::is_everyday_word(&lower));
            // `University of Tromsø`, `Universidad de Huelva`: a function word between
            // two capitalised words joins them.
            let joins = !run.is_empty() && crate::lexicon::is_function_word(&lower) && !w.ends_with([',', '.', ';', ':']) && words.get(i + 1).is_some_and(|n| core(n).starts_with(char::is_uppercase));
            if (!by_position && capital && new && !c.starts_with("I'")) || joins {
                titled |= run.is_empty() && title;
                run.push(c);
                // `Dr. Ada Quist`: a title's full stop does not end the name.
                if w.ends_with([',', '.', ';', ':']) && !(title && w.ends_with('.')) {
                    flush(&mut run, &mut titled, &mut candidates);
                }
            } else {
                flush(&mut run, &mut titled, &mut candidates);
            }
        }
        flush(&mut run, &mut titled, &mut candidates);
        found.push(candidates);
    }
    // A titled run (for `who`); else the answering clause's first run of two names or more,
    // else its first name; then the same in the whole sentence.
    let titled = found.iter().find_map(|cs| cs.iter().find(|c| who && c.0));
    let per_clause = || found.iter().find_map(|cs| cs.iter().find(|c| c.1 >= 2).or(cs.first()));
    let whole = titled.or_else(per_clause).map(|c| c.2.clone())?;
    // `Wie heißt meine Chefin mit Vornamen?`: the part asked for, past any title.
    let parts: Vec<&str> = whole.split_whitespace().filter(|w| !is_honorific(w)).collect();
    match crate::lexicon::name_part_asked(ask.question) {
        Some(0) if parts.len() >= 2 => Some(parts[0].to_string()),
        Some(1) if parts.len() >= 2 => Some(parts[parts.len() - 1].to_string()),
        _ => Some(whole),
    }
}

/// Whether a word is a title (`Dr`, `Dr.`, `Frau`, `Mme`), in any language (`lexicon/honorifics.txt`).
pub(super) fn is_honorific(word: &str) -> bool {
    static S: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    S.get_or_init(|| crate::lexicon::honorifics().phrases().iter().map(|h| h.trim_end_matches('.').to_string()).collect()).contains(&word.trim_end_matches('.').to_lowercase())
}

/// `Okonkwo`: a capital then lower-case letters only.
pub(super) fn is_name_shaped(w: &str) -> bool {
    w.chars().skip(1).all(char::is_lowercase) && w.chars().count() > 2
}

/// Whether a word is a preposition that puts a place after it, in any language.
pub(super) fn places_after(word: &str) -> bool {
    static S: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    S.get_or_init(|| crate::lexicon::place_prepositions().phrases().into_iter().collect()).contains(&core(word).to_lowercase())
}

/// The place the sentence names: a run of capitalised words after a preposition of place (`in
/// the Tatra Mountains`, `nach Leipzig`), in the answering clause first. A name with no such
/// preposition may be anything (a course, a company): no span.
pub(super) fn place(text: &str, ask: &Ask) -> Option<String> {
    let question: Vec<String> = crate::tasks::context::words(ask.question);
    [best_clause_text(text, ask.terms), text].into_iter().find_map(|clause| place_in(clause, &question))
}

/// Whether `text` names a place the question does not (`Two weeks in Lofoten`, `nach Leipzig`):
/// a capitalised run after a preposition of place.
pub fn names_place(text: &str, question: &str) -> bool {
    place_in(text, &crate::tasks::context::words(question)).is_some()
}

pub(super) fn place_in(clause: &str, question: &[String]) -> Option<String> {
    let words: Vec<&str> = clause.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if !places_after(w) || w.ends_with([',', '.', ';', ':']) {
            continue;
        }
        // Skip an article (`in the …`), then take the capitalised run with its joining words.
        let mut j = i + 1;
        while words.get(j).is_some_and(|n| is_filler(n) && !core(n).starts_with(char::is_uppercase)) && j < i + 3 {
            j += 1;
        }
        let mut run: Vec<&str> = Vec::new();
        while let Some(n) = words.get(j) {
            let c = core(n);
            let capital = c.chars().next().is_some_and(char::is_uppercase) && c.chars().count() > 1;
            let joins = !run.is_empty() && crate::lexicon::is_function_word(&c.to_lowercase()) && words.get(j + 1).is_some_and(|m| core(m).starts_with(char::is_uppercase));
            let calendar = crate::text::dates::weekday_number(c).is_some() || crate::text::dates::month_number(c).is_some();
            if !(capital || joins) || calendar || question.contains(&c.to_lowercase()) {
                break;
            }
            run.push(c);
            j += 1;
            if n.ends_with([',', '.', ';', ':', '!', '?']) {
                break;
            }
        }
        if !run.is_empty() {
            return Some(join(&run));
        }
    }
    None
}
