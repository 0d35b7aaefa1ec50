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

use super::evidence::{matches_term, stems, Term};
use crate::memory::Timestamp;
use crate::text::relative::When;

mod amount;
mod place;
mod when;

use amount::amount;
pub use place::names_place;
/// A number written as a word (`two`, `zwei`, `trois`), in the languages read.
pub fn is_number_word_pub(w: &str) -> bool {
    amount::is_number_word(w)
}

/// A number written in figures, with a decimal mark inside (`12`, `1,2`, `3.5`).
pub fn is_figure(w: &str) -> bool {
    !w.is_empty() && w.starts_with(|c: char| c.is_ascii_digit()) && w.ends_with(|c: char| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') && w.chars().filter(|c| !c.is_ascii_digit()).count() <= 1
}
use place::{is_honorific, is_name_shaped, name, place};
use when::when;
pub(crate) use when::year_in as year_of;

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
    // `What subject …?`, `Welches Instrument …?`: the member of the kind the sentence names.
    if matches!(ask.kind, Some("which" | "what")) {
        if let Some(m) = member_named(text, ask) {
            return Some(m);
        }
    }
    match ask.kind {
        // `What year …?`, `Which month …?`: as precisely as asked.
        Some("when") => when(text, ask).map(|w| crate::text::relative::as_asked(w, ask.question, ask.lang)),
        // `Comment s'appelle le chœur ?`: the name that holds the head (`Chœur de la Vilaine`).
        Some("who") => Some(text).filter(|_| asks_name_of_thing(ask.question, ask.terms)).and_then(|t| named_head(t, ask.terms)).or_else(|| name(text, ask)).or_else(|| residue(text, ask)),
        // A place, or the sentence: what follows the question's words is seldom where.
        Some("where") => place(text, ask).or_else(|| ask.next.and_then(|n| place(n, ask))),
        // `The piano went under the hammer! A dealer paid 450 € for it.`: the amount said right
        // after it, in digits.
        Some("how much") => amount(text, ask).or_else(|| ask.next.and_then(|n| amount(n, ask)).filter(|a| a.chars().any(|c| c.is_ascii_digit()))).or_else(|| residue(text, ask)),
        Some("what time") => None,
        // A yes/no question (`Can I eat the paella?`) is answered by the sentence, not a part of it.
        None => None,
        _ => quoted(text, ask).or_else(|| residue(text, ask)),
    }
}

/// Whether `text` names a person in full (a first and a last name, titles aside): what a
/// question for one part of a name needs. When the question names the person (`Tomasz's
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
    // `Référence de dossier : QXT4LM`: a label (a few words) holding the question's head is
    // answered by the value after its colon.
    if head_in_best && best.split_whitespace().count() <= 4 {
        let value = text.find(best).and_then(|i| text[i + best.len()..].trim_start().strip_prefix(':')).and_then(|r| clauses(r).first().copied());
        if let Some(v) = value.filter(|v| v.split_whitespace().count() <= RESIDUE_WORDS) {
            return Some(v.to_string());
        }
    }
    // `What race …?`, `Which course …?`: the answer is the head with what qualifies it (`the
    // 2,000 m open water race`), when the clause has words before it.
    if head_in_best {
        let words: Vec<&str> = best.split_whitespace().collect();
        if let Some(h) = head(ask.terms).filter(|_| head_follows_question_word(ask)) {
            // `my home country, Portugal`: a name set beside the head names it.
            if let Some(n) = named_beside(text, h, ask) {
                return Some(n);
            }
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

/// The name set right after the head word and a comma (`my home country, Portugal`, `unser
/// Hund, Bruno,`): the name run (capitalised, name-shaped words the question does not use)
/// that follows; a word in lower case or an everyday word ends it.
fn named_beside(text: &str, h: &Term, ask: &Ask) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let asked = stems(ask.question);
    let at = words.iter().position(|w| w.ends_with(',') && matches_term(h, &stems(core(w))))?;
    let run: Vec<&str> = words[at + 1..]
        .iter()
        .take_while(|w| {
            let c = core(w);
            !c.is_empty() && c.starts_with(char::is_uppercase) && is_name_shaped(c) && !crate::lexicon::is_everyday_word(&c.to_lowercase()) && !asked.contains(&crate::retrieval::index::stem(&c.to_lowercase()))
        })
        .copied()
        .collect();
    // The run ends the clause (`Portugal.`, `Bruno,`): it is the apposition, not a new subject.
    let ends = run.last().is_some_and(|w| w.ends_with([',', '.', ';', '!', '?']) || at + 1 + run.len() == words.len());
    (!run.is_empty() && run.len() <= 3 && ends).then(|| join(&run))
}

/// The word of `text` that is a member of the kind the question's head names (`chemistry` for
/// `subject`), as the text writes it.
fn member_named(text: &str, ask: &Ask) -> Option<String> {
    let h = head(ask.terms).filter(|h| !h.proper)?;
    let own = Term { alternatives: Vec::new(), ..h.clone() };
    let members: Vec<String> = ask.question.split_whitespace().map(core).filter(|w| matches_term(&own, &stems(w))).flat_map(crate::lexicon::kind_members).filter(|m| !m.contains(' ')).collect();
    if members.is_empty() {
        return None;
    }
    text.split_whitespace().map(core).find(|w| { let lw = w.to_lowercase(); members.iter().any(|m| *m == lw || super::evidence::same_word(m, &lw)) }).map(str::to_string)
}

/// Whether `question` asks what something is called (`Comment s'appelle le chœur ?`): a name
/// question with a word for the thing, not one for a part of a person's name.
pub fn asks_name_of_thing(question: &str, terms: &[Term]) -> bool {
    terms.iter().any(|t| !t.proper) && crate::lexicon::asks_name(question) && crate::lexicon::name_part_asked(question).is_none()
}

/// A run of words without the quotes around them (`Kita "Sonnenblume"`), joined.
fn unquoted(words: &[&str]) -> String {
    let bare: Vec<&str> = words.iter().map(|w| w.trim_matches(['"', '“', '”', '„', '«', '»', '\'', '‘', '’'])).collect();
    join(&bare)
}

/// The name of a thing that holds the word for what it is (`Chœur de la Vilaine`, `Lindenhof
/// School`, `Kita Sonnenschein`), for `What is the choir called?`: the head written with a
/// capital inside a run of capitalised words (function words may join them: `de la`), read
/// rightwards from the head first (`Club Atlético`), else leftwards (`Harbour Choir`). A run of
/// the head alone, or one that starts the sentence only by position, names nothing.
/// Any word of the question the name holds will do (`the quiz team` → `… Team`).
pub fn named_head(text: &str, terms: &[Term]) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let capital = |w: &str| { let c = core(w); c.chars().count() > 1 && c.starts_with(char::is_uppercase) && !crate::lexicon::is_everyday_word(&c.to_lowercase()) };
    for (at, w) in words.iter().enumerate() {
        // `de l'Orchestre`: the word after an elided article.
        let c = core(w);
        let c = c.rsplit(['\'', '’']).next().unwrap_or(c);
        let st = stems(c);
        if !c.starts_with(char::is_uppercase) || !terms.iter().any(|t| !t.proper && matches_term(t, &st)) {
            continue;
        }
        // Rightwards: `Chœur de la Vilaine`.
        let mut end = at;
        let mut k = at + 1;
        while !words[end].ends_with([',', '.', ';', ':', '!', '?']) && k < words.len() {
            let lower = core(words[k]).to_lowercase();
            // A title starts a person's name: the head is who they are, not part of a name.
            if is_honorific(&lower) {
                break;
            }
            if capital(words[k]) {
                end = k;
                k += 1;
            } else if crate::lexicon::is_function_word(&lower) && !words[k].ends_with([',', '.', ';', ':']) {
                k += 1;
            } else {
                break;
            }
        }
        if end > at {
            // Quotes around the name's words are not part of it (`Kita "Sonnenblume"`).
            let run = unquoted(&words[at..=end]);
            // Without the elided article (`l'Orchestre …` → `Orchestre …`).
            let bare = run.split_once(['\'', '’']).filter(|(a, b)| a.chars().count() <= 2 && b.starts_with(char::is_uppercase)).map_or(run.as_str(), |(_, b)| b);
            return Some(bare.to_string());
        }
        // Leftwards: `Harbour Choir` (not a first word capitalised by its position).
        let mut start = at;
        while start > 1 && capital(words[start - 1]) && !words[start - 1].ends_with([',', '.', ';', ':']) {
            start -= 1;
        }
        if start < at {
            return Some(unquoted(&words[start..=at]));
        }
    }
    None
}

/// A title the sentence quotes (`I loved “The Long Walk” as a kid`) for a `what`/`which`
/// question that does not quote it itself: titles are what writers put in quotes.
fn quoted(text: &str, ask: &Ask) -> Option<String> {
    const PAIRS: &[(char, char)] = &[('"', '"'), ('“', '”'), ('«', '»'), ('„', '“'), ('‘', '’')];
    let asked = stems(ask.question);
    PAIRS.iter().find_map(|&(open, close)| {
        let start = text.find(open)? + open.len_utf8();
        let len = text[start..].find(close)?;
        let inner = text[start..start + len].trim().trim_end_matches([',', '.']);
        let n = inner.split_whitespace().count();
        // A few words, starting with a capital (a title, not a quoted remark), not the question's own.
        let new = stems(inner).iter().any(|w| !asked.contains(w));
        ((1..=6).contains(&n) && inner.starts_with(char::is_uppercase) && new).then(|| inner.to_string())
    })
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


#[cfg(test)]
mod tests;
