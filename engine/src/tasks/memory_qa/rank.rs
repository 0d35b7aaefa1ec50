//! Ranking the scored evidence sentences for one question: sentences that hold the kind of
//! answer asked for, fields keyed by the question's head, the user's fact of the kind asked,
//! and (for questions about now) the newest memory rank up; superseded values and facts of
//! another kind rank down.

use super::*;

/// What the question asks, as the ranking reads it.
pub(super) struct Asked<'a> {
    pub question: &'a str,
    /// The question without its asides and "now" words.
    pub focus: &'a str,
    pub terms: &'a [Term],
    pub want: Option<AnswerType>,
    pub question_words: &'a [String],
    /// It asks for how things are now (the newest memory answers).
    pub wants_current: bool,
    /// Someone else asks.
    pub third: bool,
    pub facts: &'a [FactView],
    pub passages: &'a [Passage],
}

/// A name the question uses must be in the evidence, unless nearly all else is.
pub(super) fn names_ok(s: &Scored) -> bool {
    s.names_covered || s.coverage >= NAME_WAIVER
}

/// Score factor of a sentence writing a name that holds what a name question asks about.
pub const NAMED_HEAD_BONUS: f32 = 3.0;

/// Reorders `scored` best first for the question `a` asks.
pub(super) fn rerank(scored: &mut Vec<Scored>, a: &Asked) {
    let Asked { question, focus, terms, want, question_words, wants_current, third, facts, passages } = *a;
    // The newest of the matching sentences ranks up when the question asks for now.
    let dates: Vec<Timestamp> = scored.iter().filter(|s| s.score > 0.0 && s.sentence.dated < Timestamp::MAX).map(|s| s.sentence.dated).collect();
    let (oldest, newest) = (dates.iter().copied().min().unwrap_or(0), dates.iter().copied().max().unwrap_or(0));
    let journey = journey_end(question, terms);
    let units = crate::lexicon::measure_units(question);
    for s in scored.iter_mut() {
        // `the train to Québec` is the leg that arrives there (`Montréal → Québec`), not the one
        // that leaves it (`Québec → Montréal`).
        if journey.is_some_and(|(towards, t)| goes_the_other_way(&s.sentence.text, towards, t)) {
            s.score *= OTHER_KIND_FACTOR;
        }
        // The answer must be in the part that is about the question: a date in the sentence
        // next to it (on the same line) answers something else.
        let part = answering_part(&s.sentence.text, &terms);
        if want.is_some_and(|w| w.found_in(&part, &question_words)) {
            s.score *= TYPE_BONUS;
            // `How long …?`, `How far …?`: a number of days or years, of metres or miles says it.
            if units.as_ref().is_some_and(|u| says_measure(&part, u)) {
                s.score *= TYPE_BONUS;
            }
            // `Where …?` is answered by a name after a preposition of place (`two weeks in
            // Lofoten`) more surely than by a name standing alone (`maybe Scotland next year`).
            if want == Some(AnswerType::Place) && crate::tasks::answer_span::names_place(&part, question) {
                s.score *= TYPE_BONUS;
            }
        }
        // `Deposit: £1,327`: a field whose key is what the question asks about is its answer.
        // (Only a field about what the question names: `Start: 1 July` of a lease does not
        // answer when the job at a named firm started.) The label's language is read only
        // for a line that has one.
        if s.sentence.fact_key.is_none() && names_ok(s) && s.sentence.text.contains(':') && key_is_asked(&s.sentence.text, terms, label_lang(s, passages, question)) {
            s.score *= FIELD_KEY_BONUS;
        }
        // `What's my brother called?` is answered where the relation is said (`Tomas (my
        // brother)`), not by a line that only names him (`Tomas: a scarf`).
        if want == Some(AnswerType::Name) && only_by_name(&s.sentence, terms) {
            s.score *= OTHER_KIND_FACTOR;
        }
        let lower = s.sentence.text.to_lowercase();
        if SUPERSEDED.iter().any(|w| lower.contains(w)) {
            s.score *= SUPERSEDED_FACTOR;
        }
        // Of two sentences matching as strongly, the one covering more of the question (its
        // heading included) answers it better.
        s.score *= 0.75 + 0.25 * s.coverage;
        if wants_current && newest > oldest && s.sentence.dated < Timestamp::MAX {
            s.score *= 1.0 + RECENCY_BONUS * (s.sentence.dated - oldest) as f32 / (newest - oldest) as f32;
        }
    }
    // A question that asks for one kind of profile fact (`Var bor jag?`, `What's my cell
    // number?`, `postal address` rather than `email address`) is answered by the user's fact of
    // that kind when it says nothing else; facts of another kind do not answer it.
    // The user's own name says whose fact it is (a third party's `Where does Lena work?`).
    let own_names: Vec<String> = facts.iter().filter(|f| matches!(f.key.as_str(), "given-name" | "family-name" | "name")).flat_map(|f| crate::text::words(&f.value)).collect();
    let kind_focus: String = focus
        .split_whitespace()
        .filter(|w| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            let bare = bare.strip_suffix("'s").or_else(|| bare.strip_suffix("’s")).unwrap_or(&bare);
            !own_names.iter().any(|n| n == bare)
        })
        .collect::<Vec<_>>()
        .join(" ");
    // `How long is my commute to the office?` may name a fact's words, yet an e-mail address is
    // no length: a profile fact that is not the kind of answer the question asks for is no answer.
    // (Amounts, dates, times and codes are told by their digits; a name or a place by its shape,
    // which a fact's value need not have.)
    let typed = want.filter(|w| matches!(w, AnswerType::Amount | AnswerType::Date | AnswerType::Time | AnswerType::Code));
    // A part of someone's name (`Vornamen`, `surname`) is in a person's fact, not in an employer's.
    let part_asked = crate::lexicon::name_part_asked(question).is_some();
    // Nor is an e-mail address or a phone number where something is (`Where is the office?`).
    let contact_for_place = |k: &str| want == Some(AnswerType::Place) && matches!(evidence::kind_of_key(k), Some("phone" | "email" | "work email"));
    // A wh-question does not ask for the value it names itself (`Where did I work before
    // Acme?` is not answered by Acme).
    let value_of = |s: &Scored| s.sentence.text.split_once(": ").map(|(_, v)| v.to_string()).unwrap_or_default();
    let named_by_question = |s: &Scored| crate::lexicon::question_kind(question).is_some_and(|k| k != "who") && names_value(question, &value_of(s));
    let not_the_answer = |s: &Scored| {
        s.sentence.fact_key.as_deref().is_some_and(|k| {
            typed.is_some_and(|w| !w.found_in(&s.sentence.text, &question_words))
                || (part_asked && !matches!(k, "name" | "given-name" | "family-name" | "partner" | "family" | "friends" | "people"))
                || contact_for_place(k)
                || named_by_question(s)
        })
    };
    // `Where did I work before Acme?`, `Which was my previous employer?`: what the user had
    // before answers (an employer or home of L1's `former-…` facts), not the current value.
    let asks_old = question_words.iter().any(|w| crate::lexicon::says_old(w) == Some(true))
        || crate::lexicon::before_words().phrases().iter().any(|b| if b.contains(' ') { question.to_lowercase().contains(b.as_str()) } else { question_words.contains(b) });
    let named_keys: Vec<String> = scored.iter().filter(|s| named_by_question(s)).filter_map(|s| s.sentence.fact_key.clone()).filter(|k| !k.starts_with("former-")).collect();
    for s in scored.iter_mut().filter(|s| not_the_answer(s)) {
        s.score = 0.0;
    }
    if asks_old && !named_keys.is_empty() {
        let top = scored.iter().map(|s| s.score).fold(0f32, f32::max);
        for s in scored.iter_mut().filter(|s| s.sentence.fact_key.as_deref().and_then(|k| k.strip_prefix("former-")).is_some_and(|k| named_keys.iter().any(|n| n == k))) {
            s.score = s.score.max(top).max(1.0) * KIND_BONUS;
            s.coverage = 1.0;
            s.names_covered = true;
        }
    }
    let asked_kind = crate::lexicon::fact_kind_asked(&kind_focus);
    // A question that asks for no kind of fact does not ask for a way to reach the user: their
    // e-mail or phone matched by a word of its label (`office` of `office email` for `Dans quel
    // bureau …?`) answers less surely than a note.
    if asked_kind.is_none() {
        for s in scored.iter_mut().filter(|s| s.sentence.fact_key.as_deref().is_some_and(|k| matches!(evidence::kind_of_key(k), Some("phone" | "email" | "work email")))) {
            s.score *= OTHER_KIND_FACTOR;
        }
    }
    if let Some((kind, only)) = asked_kind {
        let top = scored.iter().map(|s| s.score).fold(0f32, f32::max);
        // A third party asking where the user lives learns the city, never the street. An
        // employer or home the user had before is of its key's kind.
        let kind_of = |key: &str| match evidence::kind_of_key(key.strip_prefix("former-").unwrap_or(key)) {
            Some("city") if third && kind == "home address" => Some("home address"),
            k => k,
        };
        for s in scored.iter_mut() {
            match s.sentence.fact_key.as_deref().and_then(kind_of) {
                // A fact of another kind cannot answer a question that asks for this kind alone.
                Some(k) if k != kind && only => s.score = 0.0,
                Some(k) if k == kind && only && !not_the_answer(s) => {
                    s.score = s.score.max(top).max(1.0) * KIND_BONUS;
                    s.coverage = 1.0;
                    s.names_covered = true;
                }
                Some(k) if k != kind => s.score *= OTHER_KIND_FACTOR,
                _ => {}
            }
        }
    }
    // Of the current and a former value of a key, the current one answers unless the question
    // asks for what came before.
    let current_score = |scored: &[Scored], key: &str| scored.iter().filter(|c| c.sentence.fact_key.as_deref() == Some(key)).map(|c| c.score).fold(0f32, f32::max);
    for i in 0..scored.len() {
        let Some(base) = scored[i].sentence.fact_key.as_deref().and_then(|k| k.strip_prefix("former-")).map(str::to_string) else { continue };
        let current = current_score(scored, &base);
        let s = &mut scored[i];
        s.score = if asks_old { s.score.max(current) * 1.05 } else { s.score.min(current * 0.95).max(s.score * 0.95) };
    }
    // A profile fact is the user's own: it does not answer for someone the question names
    // (`när fyller Tove år?` is not the user's birthday).
    for s in scored.iter_mut().filter(|s| !s.names_covered && s.sentence.fact_key.is_some()) {
        s.score *= OTHER_KIND_FACTOR;
    }
    // `What is the choir called?`: a sentence that writes a name holding the head (`Chœur de la
    // Vilaine`) says what it is called; one that only mentions the choir does not.
    if crate::tasks::answer_span::asks_name_of_thing(question, terms) {
        for s in scored.iter_mut().filter(|s| s.sentence.fact_key.is_none()) {
            if crate::tasks::answer_span::named_head(&s.sentence.text, terms).is_some() {
                s.score *= NAMED_HEAD_BONUS;
            }
        }
    }
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.sentence.dated.cmp(&a.sentence.dated)));
    let names_ok = |s: &Scored| names_ok(s);
    // `now`: of the memories that answer about as well as the best, the newest is the answer
    // (the new GP, not the old one).
    if wants_current {
        if let Some(top) = scored.first().map(|s| (s.score, s.coverage)) {
            let newest = scored
                .iter()
                .enumerate()
                .take_while(|(_, s)| s.score >= top.0 * NEWEST_WITHIN)
                .filter(|(_, s)| s.sentence.dated < Timestamp::MAX && s.coverage >= top.1 && names_ok(s))
                .filter(|(_, s)| want.is_none_or(|w| w.found_in(&answering_part(&s.sentence.text, &terms), &question_words)))
                .max_by_key(|(_, s)| s.sentence.dated)
                .map(|(i, _)| i);
            if let Some(i) = newest.filter(|i| *i > 0 && scored[0].sentence.dated < scored[*i].sentence.dated) {
                let s = scored.remove(i);
                scored.insert(0, s);
            }
        }
    }
}

/// The place a question's journey goes to (`true`: `the train to Québec`, `le vol pour …`) or
/// comes from (`false`: `the flight from …`): a name of the question right after a word of
/// direction in the question's language.
fn journey_end<'t>(question: &str, terms: &'t [Term]) -> Option<(bool, &'t Term)> {
    let lang = crate::text::lang::of_question(question);
    let words: Vec<String> = question.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'').to_lowercase()).collect();
    words.windows(2).find_map(|w| {
        let towards = crate::lexicon::direction_of(&w[0], lang)?;
        let st = crate::retrieval::index::stem(&w[1]);
        terms.iter().find(|t| t.proper && t.stem == st).map(|t| (towards, t))
    })
}

/// Whether `text` is a leg written `A → B` (or `A – B` between names) whose other end, and not
/// the one asked for, is the place `t`.
fn goes_the_other_way(text: &str, towards: bool, t: &Term) -> bool {
    let Some((from, to)) = leg_ends(text) else { return false };
    let has = |side: &str| matches_term(t, &stems(side));
    let (wanted, other) = if towards { (to, from) } else { (from, to) };
    has(other) && !has(wanted)
}

/// The two sides of the first leg in `text`: around an arrow, or around a spaced dash that has a
/// capitalised word right after it (`Stockholm C 07:21 – Göteborg C 10:26`; not `Lyon – great`).
fn leg_ends(text: &str) -> Option<(&str, &str)> {
    for sep in ["→", "->", "⇒", "⟶"] {
        if let Some(i) = text.find(sep) {
            return Some((&text[..i], &text[i + sep.len()..]));
        }
    }
    for sep in [" – ", " — ", " - "] {
        if let Some(i) = text.find(sep) {
            let after = &text[i + sep.len()..];
            if after.chars().next().is_some_and(char::is_uppercase) {
                return Some((&text[..i], after));
            }
        }
    }
    None
}

/// Whether `question` names `value` (a fact's value) by its first word, a name (`Acme` names
/// `Acme Widgets Ltd`).
fn names_value(question: &str, value: &str) -> bool {
    let q: Vec<&str> = question.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let first = value.split(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("");
    first.chars().count() >= 3 && first.chars().next().is_some_and(char::is_uppercase) && q.iter().skip(1).any(|w| *w == first)
}

/// Whether the sentence matches the question's relation word only through the name memory gives
/// it (the relation itself is not said).
fn only_by_name(sentence: &crate::tasks::evidence::Sentence, terms: &[Term]) -> bool {
    let Some(head) = terms.iter().find(|t| !t.proper && !t.people.is_empty()) else { return false };
    let words = stems(&format!("{} {}", sentence.label.as_deref().unwrap_or(""), sentence.text));
    let bare = Term { alternatives: head.alternatives.iter().filter(|a| !head.people.contains(a)).cloned().collect(), ..head.clone() };
    matches_term(head, &words) && !matches_term(&bare, &words)
}

/// Whether `text` says a measure in one of `units`: a number right before the unit (`3 ans`,
/// `two years`, `18 Monate`, `1,2 km`).
fn says_measure(text: &str, units: &[String]) -> bool {
    let ws: Vec<String> = text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).collect();
    ws.windows(2).any(|p| (crate::tasks::answer_span::is_figure(&p[0]) || crate::tasks::answer_span::is_number_word_pub(&p[0])) && units.iter().any(|u| *u == p[1]))
}
