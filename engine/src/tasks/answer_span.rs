//! The answer inside an evidence sentence: the few words that answer the question (a date, a
//! person, a place, an amount, what was done), not the whole sentence. Memory QA shows this
//! span as the answer, with the sentence and its source under it as the citation.
//!
//! - "when": a relative expression of the sentence resolved against the day it was written
//!   (`yesterday` → `7 May 2023`, [`crate::text::relative`]), else weekday names, a date or a
//!   range it writes, a year, else the day it was written (what the memory knows: it was so by then);
//! - "who": the name the sentence adds to the question (a titled one, then a full one);
//! - "where": the name after a preposition of place (`in the Tatra Mountains`);
//! - "how much"/"how many"/"how old"/"how long": the number with what it counts;
//! - "what"/"which": the words of the answering clause after the question's head (`What did
//!   you research?` — `Researching lighthouse keepers` → `lighthouse keepers`), or the head with
//!   what qualifies it (`What race…?` — `the 50 km trail race in August` → `50 km trail race`);
//! - a yes/no question: no span.
//!
//! Every step is about the language's shape (clauses, function words, numbers, capitals), not
//! about any topic; a span that says nothing (only function words) is no span, and the caller
//! keeps the sentence.

use super::evidence::{matches_term, same_word, stems, Term};
use crate::memory::Timestamp;
use crate::text::relative::{self, When};

/// Most words a span may have.
pub const MAX_SPAN_WORDS: usize = 12;
/// Most words of an open answer taken after the question's words.
pub const RESIDUE_WORDS: usize = 8;

/// What the question asks and what is known about the sentence.
pub struct Ask<'a> {
    pub question: &'a str,
    pub terms: &'a [Term],
    /// The question's kind (`when`, `who`, `where`, `how much`, `what time`, `which`, `what`,
    /// `how`), from [`crate::lexicon::question_kind`] or the caller's own reading.
    pub kind: Option<&'static str>,
    /// The day the sentence was written (its chunk's date), when known.
    pub written: Option<Timestamp>,
    /// The relative expressions of its passage, resolved at import (`yesterday` → a day).
    pub times: &'a [(String, When)],
    /// The language to write dates in.
    pub lang: &'a str,
    /// The sentence after it on the same line, which may hold the date or place it lacks.
    pub next: Option<&'a str>,
}

/// The answering span of `sentence`, or `None` when no part of it is a better answer than the
/// whole sentence.
pub fn span(sentence: &str, ask: &Ask) -> Option<String> {
    let text = without_speaker(sentence, ask.terms);
    match ask.kind {
        Some("when") => when(text, ask),
        Some("who") => name(text, ask).or_else(|| residue(text, ask)),
        // A place, or the sentence: what follows the question's words is seldom where.
        Some("where") => place(text, ask).or_else(|| ask.next.and_then(|n| place(n, ask))),
        Some("how much") => amount(text, ask).or_else(|| residue(text, ask)),
        Some("what time") => None,
        // A yes/no question (`Can I eat the paella?`) is answered by the sentence, not a part of it.
        None => None,
        _ => residue(text, ask),
    }
}

/// Whether `text` names a person in full (a first and a last name, titles aside): what a
/// question for one part of a name needs. When the question names the person (`Jonah's
/// surname`), the full name must be theirs.
pub fn full_name_in(text: &str, question: &str) -> bool {
    let is_title = is_honorific;
    // The names the question uses: capitalised words past its first.
    let asked: Vec<String> = super::evidence::query_terms(question, &[]).into_iter().filter(|t| t.proper).map(|t| t.stem).collect();
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for w in text.split_whitespace() {
        let c = core(w);
        let name_word = is_name_shaped(c) && c.starts_with(char::is_uppercase) && !crate::lexicon::is_everyday_word(&c.to_lowercase()) && crate::text::dates::month_number(c).is_none() && crate::text::dates::weekday_number(c).is_none();
        if name_word && !is_title(c) {
            runs.last_mut().expect("one run").push(c.to_lowercase());
        } else if !is_title(c) || !runs.last().is_some_and(Vec::is_empty) {
            runs.push(Vec::new());
        }
        if w.ends_with([',', ';', ':', '(', ')']) || (w.ends_with('.') && !is_title(c)) {
            runs.push(Vec::new());
        }
    }
    runs.iter().filter(|r| r.len() >= 2).any(|r| if asked.is_empty() { true } else { asked.iter().any(|a| r.contains(a)) && r.iter().any(|w| !asked.contains(w)) })
}

/// The answer a heading gives (`# Ghent, 3–9 June 2024` for `where` or `when`), for a sentence
/// whose own words match none of the question's: the note is about the heading's place or day,
/// its sentences are details of it.
pub fn heading_span(heading: &str, ask: &Ask) -> Option<String> {
    let heading = heading.rsplit(" > ").next().unwrap_or(heading).trim();
    match ask.kind {
        Some("when") => {
            let dates = crate::text::dates::dates_in(heading);
            let (first, last) = (dates.first()?, dates.last()?);
            let from = crate::text::dates::range_start(heading, first);
            Some(heading[from..last.end].trim().trim_end_matches(['.', ',']).to_string())
        }
        // A place leads or follows the heading's words: its first name that the question does not use.
        Some("where") => name(heading, &Ask { kind: Some("who"), ..*ask }).filter(|n| n.split_whitespace().count() <= 3),
        _ => None,
    }
}

/// `Anna: I went…` → `I went…`: a chat line's speaker is who said it, not the answer (unless
/// the question asks about the label itself: `Deposit: £1,327` keeps its label for matching).
pub fn without_speaker<'a>(sentence: &'a str, terms: &[Term]) -> &'a str {
    let Some((label, rest)) = sentence.split_once(": ") else { return sentence };
    let words: Vec<&str> = label.split_whitespace().collect();
    let is_name = !words.is_empty() && words.len() <= 3 && words.iter().all(|w| w.starts_with(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.'));
    // A name the question uses is who spoke; a word it asks about (`deposit`) is a field.
    let asked = terms.iter().any(|t| !t.proper && matches_term(t, &stems(label)));
    if is_name && !asked && !rest.trim().is_empty() {
        rest
    } else {
        sentence
    }
}

/// The weekday names of a text, from the first to the last (`Tuesday and Thursday`).
fn weekdays(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_day = |w: &&str| crate::text::dates::weekday_number(core(w)).is_some();
    let (a, b) = (words.iter().position(is_day)?, words.iter().rposition(is_day)?);
    Some(join(&words[a..=b]))
}

fn when(text: &str, ask: &Ask) -> Option<String> {
    let part = best_clause_text(text, ask.terms);
    if let Some(days) = weekdays(part) {
        // `Moving day is Saturday, 15 March`: the date after the weekday says more.
        if crate::text::dates::dates_in(text).is_empty() && !ask.times.iter().any(|(p, _)| part.contains(p.as_str())) {
            return Some(days);
        }
    }
    // The answering clause first, then the whole sentence; in each, a relative expression
    // (resolved against the day it was written) or a date written out, whichever comes first
    // (`Mia: 9 May (2011), she wants a camera this year` is answered by the 9 May).
    for hay in [part, text] {
        let lower = hay.to_lowercase();
        let mut relative = ask.times.iter().filter_map(|(p, w)| lower.find(&p.to_lowercase()).map(|at| (at, relative::render(w, ask.lang)))).min_by_key(|(at, _)| *at);
        // When the passage was not resolved at import (an older store), resolve now.
        if relative.is_none() {
            if let Some(written) = ask.written {
                relative = relative::relative_in(hay, written).first().map(|r| (r.start, relative::render(&r.when, ask.lang)));
            }
        }
        let dates = crate::text::dates::dates_in(hay);
        if let Some((at, said)) = relative {
            if dates.first().is_none_or(|d| at < d.start) {
                return Some(said);
            }
        }
        if let (Some(first), Some(last)) = (dates.first(), dates.last()) {
            // `When does it end?` of a range: its last day; `When does it start?`: its first.
            if dates.len() >= 2 {
                let one = match super::evidence::bound_asked(ask.question) {
                    Some(super::evidence::Bound::End) => Some(last),
                    Some(super::evidence::Bound::Start) => Some(first),
                    None => None,
                };
                if let Some(d) = one {
                    return Some(hay[d.start..d.end].trim().trim_end_matches(['.', ',']).to_string());
                }
            }
            // Two dates in one clause are a range (`from 3 March until 2 March`): both answer.
            // `11–12 June`: a day range ending with the first date starts at its first day.
            let from = crate::text::dates::range_start(hay, first);
            let range = &hay[from..last.end];
            let one = if range.split_whitespace().count() <= MAX_SPAN_WORDS { range } else { &hay[from..first.end] };
            return Some(one.trim().trim_end_matches(['.', ',']).to_string());
        }
        if let Some(y) = year_in(hay) {
            return Some(y);
        }
    }
    // `I run three times a week, Thursdays with the club`: a weekday elsewhere in the sentence.
    if let Some(days) = weekdays(text) {
        return Some(days);
    }
    // `lands at 09:40`: a time of day answers when the day is not in question.
    if !crate::text::dates::times_in(part).is_empty() {
        return residue(text, ask);
    }
    // `We're getting married! Saturday, 13 September.`: the date said right after it.
    if let Some(next) = ask.next {
        let lower = next.to_lowercase();
        if let Some((_, w)) = ask.times.iter().filter(|(p, _)| lower.contains(&p.to_lowercase())).min_by_key(|(p, _)| lower.find(&p.to_lowercase())) {
            return Some(relative::render(w, ask.lang));
        }
        if let Some(first) = crate::text::dates::dates_in(next).first() {
            return Some(next[first.start..first.end].trim().trim_end_matches(['.', ',']).to_string());
        }
    }
    ask.written.map(|w| relative::render_day(w, ask.lang))
}

/// A year written alone (`in 2019`).
fn year_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")))
        .map(str::to_string)
}

/// The clauses of a sentence: split at punctuation that ends a clause and at dashes.
fn clauses(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        let next_space = bytes.get(k + 1).is_none_or(|(_, n)| n.is_whitespace());
        let prev_space = k == 0 || bytes[k - 1].1.is_whitespace();
        // `30. Mai`, `Dr. Miriam`: the full stop of an ordinal day or of a title does not end a clause.
        let ordinal = c == '.' && !crate::text::sentences::ends_sentence(text, i);
        let cut = matches!(c, ';' | '!' | '?' | '–' | '—' | '(' | ')' | '[' | ']' | '"' | '“' | '”')
            || (matches!(c, ',' | '.' | ':') && next_space && !ordinal)
            || (c == '-' && prev_space && next_space);
        if cut {
            if !text[start..i].trim().is_empty() {
                out.push(text[start..i].trim());
            }
            start = i + c.len_utf8();
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// The question's head: its first term that is not a name (`dorsal` in `which bib number do I
/// have in the swim?`), else its first term.
fn head(terms: &[Term]) -> Option<&Term> {
    terms.iter().find(|t| !t.proper).or(terms.first())
}

/// How much of the question a piece of text matches: a name counts half as much as a word
/// for what is asked (the name says who, the word says what), the head twice as much.
fn matched(text: &str, terms: &[Term]) -> usize {
    let st = stems(text);
    let h = head(terms);
    terms.iter().filter(|t| matches_term(t, &st)).map(|t| if h == Some(t) { 4 } else if t.proper { 1 } else { 2 }).sum()
}

/// What a clause adds to the question: its words that are not function words and not the
/// question's own, numbers and names counting double.
fn adds(clause: &str, terms: &[Term]) -> usize {
    clause
        .split_whitespace()
        .map(core)
        .filter(|w| !is_filler(w) && matched(w, terms) == 0)
        .map(|w| if w.chars().any(|c| c.is_ascii_digit()) || w.starts_with(char::is_uppercase) { 2 } else { 1 })
        .sum()
}

/// The clause matching most of the question (of equals, the one adding most, then the first),
/// or the whole text.
fn best_clause_text<'a>(text: &'a str, terms: &[Term]) -> &'a str {
    let all = clauses(text);
    all.iter()
        .enumerate()
        .map(|(i, c)| (matched(c, terms), adds(c, terms), std::cmp::Reverse(i), *c))
        .filter(|(n, ..)| *n > 0)
        .max_by_key(|(n, a, i, _)| (*n, *a, *i))
        .map(|(.., c)| c)
        .unwrap_or(text)
}

/// A word of a sentence with its surrounding punctuation removed.
fn core(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

fn is_filler(w: &str) -> bool {
    let l = core(w).to_lowercase();
    l.is_empty() || crate::lexicon::is_function_word(&l) || crate::lexicon::question_kind(&format!("{l} x")).is_some()
}

/// The words of a clause without the function words at either end.
fn trimmed<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let start = words.iter().position(|w| !is_filler(w)).unwrap_or(words.len());
    let end = words.iter().rposition(|w| !is_filler(w)).map_or(start, |e| e + 1);
    words[start..end.max(start)].to_vec()
}

fn join(words: &[&str]) -> String {
    let s = words.iter().take(MAX_SPAN_WORDS).copied().collect::<Vec<_>>().join(" ");
    s.trim_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '£' | '$' | '€' | '%' | ')' | '+'))).to_string()
}

/// The words of the answering clause that the question does not already say.
fn residue(text: &str, ask: &Ask) -> Option<String> {
    let best = best_clause_text(text, ask.terms);
    // The clause right after names what the question asks about the best one's topic (`That
    // bake sale sounds great! Raising money for the shelter …` for `what did the bake sale raise
    // money for?`): the answer follows its words.
    let all = clauses(text);
    // (A short aside between them, `Ben!`, is skipped.)
    let completing = all.iter().position(|c| *c == best).and_then(|i| {
        let b = stems(best);
        all.iter().skip(i + 1).take(2).copied().find(|next| {
            let n = stems(next);
            ask.terms.iter().any(|t| !t.proper && matches_term(t, &n) && !matches_term(t, &b))
        })
    });
    // The words after the question's head answer it (`Researching adoption agencies` for `what
    // did she research?`); a clause without the head (`talk to my grandmother in …` for `what
    // language does my grandma speak?`) holds the answer elsewhere: no span.
    // The head must be there in its own word: a synonym (`learning` for `language`) says the
    // clause is near the answer, not that what follows it is the answer.
    let own = head(ask.terms).map(|h| Term { alternatives: Vec::new(), ..h.clone() });
    let head_in_best = own.is_some_and(|h| matches_term(&h, &stems(best)));
    // `What race …?`, `Which course …?`: the answer is the head with what qualifies it (`the
    // 2,000 m open water race`), when the clause has words before it.
    if head_in_best {
        let words: Vec<&str> = best.split_whitespace().collect();
        if let Some(h) = head(ask.terms).filter(|_| head_follows_question_word(ask)) {
            if let Some(at) = words.iter().position(|w| matches_term(h, &stems(core(w)))) {
                let start = words[..at].iter().rposition(|w| is_filler(w) || w.ends_with([',', '.', ';', ':'])).map_or(0, |p| p + 1);
                // …unless a value follows the head directly (`seats 12C + 12D`): then it answers.
                let value_follows = words.get(at + 1).is_some_and(|n| !is_filler(n)) && !words[at].ends_with([',', ';', ':', '.']);
                if start < at && !value_follows && !words[at].ends_with([',', ';', ':']) {
                    return Some(join(&words[start..=at]));
                }
            }
        }
    } else if completing.is_none() {
        return None;
    }
    let clause = completing.unwrap_or(best);
    let words: Vec<&str> = clause.split_whitespace().collect();
    let last = words.iter().rposition(|w| matched(core(w), ask.terms) > 0)?;
    let after = trimmed(&words[last + 1..]);
    // What follows the question's words answers it when it says something: a word of two
    // letters or more that is not a function word, in a few words (a long tail is a new thought).
    let says = after.iter().any(|w| !is_filler(w) && core(w).chars().count() >= 2);
    if !says || after.len() > RESIDUE_WORDS {
        return None;
    }
    let s = join(&after);
    (!s.is_empty()).then_some(s)
}

/// The name the sentence adds to the question: a run of capitalised words (not the first word
/// of the sentence, which is capitalised by position). For `who`, a run led by a title (`Dr`,
/// `Frau`) or of two names or more is a person and wins over a single word.
fn name(text: &str, ask: &Ask) -> Option<String> {
    let question: Vec<String> = super::context::words(ask.question);
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
fn is_honorific(word: &str) -> bool {
    static S: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    S.get_or_init(|| crate::lexicon::honorifics().phrases().iter().map(|h| h.trim_end_matches('.').to_string()).collect()).contains(&word.trim_end_matches('.').to_lowercase())
}

/// `Okonkwo`: a capital then lower-case letters only.
fn is_name_shaped(w: &str) -> bool {
    w.chars().skip(1).all(char::is_lowercase) && w.chars().count() > 2
}

/// Whether a word is a preposition that puts a place after it, in any language.
fn places_after(word: &str) -> bool {
    static S: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    S.get_or_init(|| crate::lexicon::place_prepositions().phrases().into_iter().collect()).contains(&core(word).to_lowercase())
}

/// The place the sentence names: a run of capitalised words after a preposition of place (`in
/// the Tatra Mountains`, `nach Leipzig`), in the answering clause first. A name with no such
/// preposition may be anything (a course, a company): no span.
fn place(text: &str, ask: &Ask) -> Option<String> {
    let question: Vec<String> = super::context::words(ask.question);
    [best_clause_text(text, ask.terms), text].into_iter().find_map(|clause| place_in(clause, &question))
}

/// Whether `text` names a place the question does not (`Two weeks in Lofoten`, `nach Leipzig`):
/// a capitalised run after a preposition of place.
pub fn names_place(text: &str, question: &str) -> bool {
    place_in(text, &super::context::words(question)).is_some()
}

fn place_in(clause: &str, question: &[String]) -> Option<String> {
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

/// `What race …`, `Welcher Platz …`: the question's head comes right after its question word.
fn head_follows_question_word(ask: &Ask) -> bool {
    let Some(h) = head(ask.terms) else { return false };
    let words: Vec<&str> = ask.question.split_whitespace().collect();
    match words.iter().position(|w| matches_term(h, &stems(core(w)))) {
        Some(at) => at > 0 && words[..at].iter().all(|w| is_filler(w) || crate::lexicon::question_kind(&format!("{} x", core(w).to_lowercase())).is_some()) && !is_filler(words[at]),
        None => false,
    }
}

/// The amount the sentence gives: a number (digits or a number word) with the words it counts.
fn amount(text: &str, ask: &Ask) -> Option<String> {
    let clause = best_clause_text(text, ask.terms);
    // A label's value comes after its colon (`Semester: 30 dagar per år`).
    let value = text.find(clause).and_then(|i| text[i + clause.len()..].strip_prefix(':')).and_then(|r| clauses(r).first().copied()).unwrap_or(clause);
    // A number the question itself says (`my 18th birthday`, `his two turtles`) is not the answer.
    let question: Vec<String> = super::context::words(ask.question);
    // The label's own number (`§4 Urlaub: 30 Arbeitstage`) is not what it says.
    for hay in [value, clause, text] {
        let words: Vec<&str> = hay.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let c = core(w);
            let number = c.chars().any(|ch| ch.is_ascii_digit()) || is_number_word(&c.to_lowercase());
            // `§4`, `#12`, `Nr. 5`-style references name a section or an item, they count nothing.
            let reference = w.starts_with(['§', '#', '№']);
            if !number || reference || question.contains(&c.to_lowercase()) {
                continue;
            }
            // `£1,327.00`, `three kids`, `5 times`: the number and up to two words it counts,
            // a bare number after the question's own word right before it (`turns 4`).
            let mut out = vec![w.trim_end_matches([',', '.', ';', ':'])];
            let mut ends = w.ends_with([',', '.', ';', ':', '!', '?']);
            // `11 400 kr`, `2 500 €`: groups of three digits after a space are the same number.
            let mut i = i;
            while !ends && c.chars().all(|ch| ch.is_ascii_digit()) && c.len() <= 3 {
                let Some(next) = words.get(i + 1) else { break };
                let n = next.trim_end_matches([',', '.', ';', ':', '!', '?']);
                if n.len() != 3 || !n.chars().all(|ch| ch.is_ascii_digit()) {
                    break;
                }
                out.push(n);
                ends = next.len() != n.len();
                i += 1;
            }
            for next in words.iter().skip(i + 1).take(if ends { 0 } else { 2 }) {
                // A currency sign after the amount (`950 €`) is part of it.
                let sign = next.trim_end_matches([',', '.', ';', ':', '!', '?']);
                if !sign.is_empty() && sign.chars().all(|ch| matches!(ch, '€' | '$' | '£' | '¥' | '₹' | '₩')) {
                    out.push(sign);
                    if next.len() != sign.len() {
                        break;
                    }
                    continue;
                }
                if is_filler(next) || core(next).chars().any(|ch| ch.is_ascii_digit()) {
                    break;
                }
                out.push(core(next));
                if next.ends_with([',', '.', ';', ':', '!', '?']) {
                    break;
                }
            }
            let bare = out.len() == 1 && !c.chars().any(|ch| !ch.is_ascii_digit());
            if let Some(prev) = i.checked_sub(1).map(|j| words[j]).filter(|p| bare && !is_filler(p) && matched(core(p), ask.terms) > 0 && !p.ends_with([',', '.', ';', ':'])) {
                out.insert(0, core(prev));
            }
            return Some(join(&out));
        }
    }
    None
}

fn is_number_word(w: &str) -> bool {
    crate::lexicon::number_words().lines.iter().any(|l| l.items.iter().take(10).skip(1).any(|s| s.iter().any(|x| x == w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::date::timestamp;

    fn ask_of<'a>(question: &'a str, terms: &'a [Term], times: &'a [(String, When)]) -> Ask<'a> {
        // As memory QA reads it: a question that asks for a name is a `who`.
        let kind = if crate::lexicon::asks_name(question) { Some("who") } else { crate::lexicon::question_kind(question) };
        Ask { question, terms, kind, written: timestamp(2030, 3, 9), times, lang: "en", next: None }
    }

    fn answer(question: &str, sentence: &str) -> Option<String> {
        let terms = super::super::evidence::query_terms(question, &[]);
        let times: Vec<(String, When)> = relative::relative_in(sentence, timestamp(2030, 3, 9).unwrap()).into_iter().map(|r| (sentence[r.start..r.end].to_string(), r.when)).collect();
        span(sentence, &ask_of(question, &terms, &times))
    }

    #[test]
    fn when_gets_the_resolved_day() {
        // Saturday 9 March 2030.
        assert_eq!(answer("When did Priya visit the glassworks?", "Priya: I visited the glassworks yesterday, so much fire!").as_deref(), Some("8 March 2030"));
        assert_eq!(answer("When did Priya start the pottery course?", "I started a pottery course last week.").as_deref(), Some("the week before 9 March 2030"));
        assert_eq!(answer("When did Tomasz move to Gdynia?", "Tomasz moved to Gdynia in 2019 after the shipyard job.").as_deref(), Some("2019"));
        assert_eq!(answer("When is the recital?", "The recital is on 14 April 2030 at the town hall.").as_deref(), Some("14 April 2030"));
        // A date written out before a relative expression answers (the relative one is about something else).
        assert_eq!(answer("When is Mia's birthday?", "Mia: 4 June — she wants a kite this year").as_deref(), Some("4 June"));
        // No time in the sentence: the day it was written.
        assert_eq!(answer("When did Priya adopt the rabbit?", "We adopted a rabbit, she's called Pumpernickel.").as_deref(), Some("9 March 2030"));
    }

    #[test]
    fn what_gets_the_words_after_the_question() {
        assert_eq!(answer("What did Priya research?", "Priya: Researching lighthouse keepers - it's been a hobby for years.").as_deref(), Some("lighthouse keepers"));
        assert_eq!(answer("Which seats did we get on the ferry?", "ferry booked, seats 31A + 31B").as_deref(), Some("31A + 31B"));
        assert_eq!(answer("What race is Tomasz training for?", "Tomasz wants to run the 50 km Kashubian trail race in August.").as_deref(), Some("50 km Kashubian trail race"));
        // The subject and its verb are not an answer: the sentence stays.
        assert_eq!(answer("What did Priya paint?", "Priya: I painted it."), None);
    }

    #[test]
    fn a_labels_amount_is_after_its_colon() {
        assert_eq!(answer("How many days of leave do I get?", "Lön: 41 000 kr. Leave: 28 days a year.").as_deref(), Some("28 days"));
    }

    #[test]
    fn numbers_written_with_spaces_stay_whole() {
        let q = "How much is the deposit?";
        assert_eq!(answer(q, "Deposition: 24 900 kr, betalas i förskott.").as_deref(), Some("24 900 kr"));
        assert_eq!(answer(q, "Le dépôt est de 1 250 000 € au total.").as_deref(), Some("1 250 000 €"));
    }

    #[test]
    fn who_where_and_how_many_get_the_name_or_the_number() {
        assert_eq!(answer("Who taught Priya to sail?", "Priya: My uncle Desmond Achterberg taught me to sail.").as_deref(), Some("Desmond Achterberg"));
        assert_eq!(answer("Where did Priya go hiking?", "We went hiking in the Tatra Mountains last summer.").as_deref(), Some("Tatra Mountains"));
        assert_eq!(answer("Wo hat Jonas studiert?", "Jonas hat in Freiburg im Breisgau studiert.").as_deref(), Some("Freiburg im Breisgau"));
        // A name with no preposition of place is not taken for a place.
        assert_eq!(answer("Where did Priya study?", "Priya: BSc Marine Biology - Bangor University, 2012"), None);
        assert_eq!(answer("How many kids does Tomasz have?", "Tomasz has three kids and a very patient dog.").as_deref(), Some("three kids"));
        assert_eq!(answer("How long ago was Priya's 30th birthday party?", "We threw my 30th birthday party 6 years ago.").as_deref(), Some("6 years ago"));
        assert_eq!(answer("How much was the boiler repair?", "Boiler repair: £412.50, paid by card").as_deref(), Some("£412.50"));
        assert_eq!(answer("Who is my manager?", "My manager is Dr. Ada Quist (head of unit).").as_deref(), Some("Dr Ada Quist"));
        // One part of the name, when the question asks for it, in its own language.
        assert_eq!(answer("What is my manager's first name?", "My manager is Dr. Ada Quist (head of unit).").as_deref(), Some("Ada"));
        assert_eq!(answer("Wie lautet der Nachname meines Vermieters?", "Mein Vermieter ist Herr Bruno Falk aus Gohlis.").as_deref(), Some("Falk"));
        assert_eq!(answer("Vad heter min tandläkare i förnamn?", "Min tandläkare är Dr Sanna Ekberg på Vasagatan.").as_deref(), Some("Sanna"));
        // A section number is not an amount.
        assert_eq!(answer("How many days of leave do I get?", "§2 Leave: 25 days.").as_deref(), Some("25 days"));
    }

    #[test]
    fn every_week_days_and_the_next_sentence_answer_when() {
        assert_eq!(answer("Which day is choir practice?", "Choir practice on Thursdays at the church hall.").as_deref(), Some("Thursdays"));
        assert_eq!(answer("An welchem Tag ist das Chortraining?", "Chortraining immer mittwochs im Gemeindesaal.").as_deref(), Some("mittwochs"));
        assert_eq!(answer("When is moving day?", "Moving day is Saturday, 15 March 2031.").as_deref(), Some("15 March 2031"));
        let q = "When is the reunion?";
        let terms = super::super::evidence::query_terms(q, &[]);
        let ask = Ask { next: Some("Friday, 3 October 2031, at the old gym."), ..ask_of(q, &terms, &[]) };
        assert_eq!(span("The class reunion is happening!", &ask).as_deref(), Some("3 October 2031"));
        let ask = Ask { kind: Some("where"), next: Some("We meet in Hollowbrook at noon."), ..ask_of(q, &terms, &[]) };
        assert_eq!(span("The class reunion is happening!", &ask).as_deref(), Some("Hollowbrook"));
    }
}
