//! The kind of answer a question wants (a person, a date, a place, an amount, a name…) and how
//! to tell whether a text holds one.

use super::*;

/// What a question asks for, from its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AnswerType {
    Date,
    Time,
    Amount,
    Name,
    /// A place (`where`).
    Place,
    /// An id, code or number (`passport number`, `booking reference`).
    Code,
}

impl AnswerType {
    /// The question kind [`answer_span`] reads (the [`crate::lexicon::question_kind`] names).
    pub(super) fn kind(self) -> &'static str {
        match self {
            AnswerType::Date => "when",
            AnswerType::Time => "what time",
            AnswerType::Amount => "how much",
            AnswerType::Name => "who",
            AnswerType::Place => "where",
            AnswerType::Code => "what",
        }
    }

    pub(super) fn of(question: &str) -> Option<AnswerType> {
        let q = question.to_lowercase();
        let starts = |p: &[&str]| p.iter().any(|x| q.starts_with(x));
        if starts(&["what time", "when does", "what time's"]) && q.contains("time") {
            Some(AnswerType::Time)
        } else if starts(&["when", "which day", "which night", "what day", "what date"]) {
            Some(AnswerType::Date)
        } else if starts(&["how much", "how many", "how old", "how long", "how often", "how far"]) {
            Some(AnswerType::Amount)
        } else if starts(&["who", "whose"]) {
            Some(AnswerType::Name)
        } else if starts(&["where"]) {
            Some(AnswerType::Place)
        } else if crate::lexicon::asks_name(&q) {
            Some(AnswerType::Name)
        } else if ["number", "reference", "code", "ref "].iter().any(|w| q.contains(w)) {
            Some(AnswerType::Code)
        } else {
            // Questions in other languages, by their question word (`wann`, `où`, `cuánto`).
            match crate::lexicon::question_kind(&q) {
                Some("when") => Some(AnswerType::Date),
                Some("what time") => Some(AnswerType::Time),
                Some("how much") => Some(AnswerType::Amount),
                Some("who") => Some(AnswerType::Name),
                Some("where") => Some(AnswerType::Place),
                _ => None,
            }
        }
    }

    /// True when `text` holds such a thing; names the question itself uses do not count.
    pub(super) fn found_in(self, text: &str, question_words: &[String]) -> bool {
        let is_new_name = |w: &String| is_name_word(w) && !question_words.contains(&w.to_lowercase());
        match self {
            // `Mon + Thu` answers `when does she climb?` as well as a date does.
            AnswerType::Date => {
                !crate::tasks::critic_when::date_ranges(text).is_empty()
                    || words_of(text).iter().any(|w| w.starts_with(char::is_uppercase) && is_calendar(w) && w != "May")
                    || !crate::text::dates::dates_in(text).is_empty()
            }
            AnswerType::Time => !crate::tasks::critic::times(text).is_empty(),
            AnswerType::Amount => text.chars().any(|c| c.is_ascii_digit()),
            // `A-2231-K`, `07 62 90 14 58` (a number written in groups), `QX4TLM` (a code).
            AnswerType::Code => {
                let digits = |w: &str| w.chars().filter(char::is_ascii_digit).count();
                let grouped = text.split(|c: char| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '/'))).any(|run| digits(run) >= 5);
                let code = |w: &str| { let w = w.trim_matches(|c: char| !c.is_alphanumeric()); w.len() >= 5 && digits(w) >= 1 && w.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) };
                grouped || text.split_whitespace().any(|w| digits(w) >= 3 || code(w))
            }
            // A person: a title and a name (`Dr Varga`) or a first and last name (`Roland Esterhuizen`).
            AnswerType::Name => {
                let ws = words_of(text);
                let person = |i: usize| {
                    let (a, b) = (&ws[i], &ws[i + 1]);
                    if is_title(a) {
                        return is_new_name(b);
                    }
                    // `Roland Esterhuizen`, not `Quayside Health Practice` or `Tanner Road`.
                    let before = i > 0 && is_name_word(&ws[i - 1]);
                    let after = ws.get(i + 2).is_some_and(|w| is_name_word(w));
                    is_new_name(a) && is_new_name(b) && !before && !after && !PLACE_WORDS.contains(&b.as_str())
                };
                (0..ws.len().saturating_sub(1)).any(person)
            }
            // A place: a name inside the sentence that is not a day or a month (`Sale Water Park`).
            AnswerType::Place => key_anchors(text).iter().any(|a| !question_words.contains(a)) && words_of(text).iter().skip(1).any(|w| is_new_name(w) && key_anchors(text).contains(&w.to_lowercase())),
        }
    }
}

/// The (day, month) pairs of dates written `3 June` or `June 3rd` in `text`.
pub(super) fn day_months(text: &str) -> Vec<(u32, u32)> {
    use crate::tasks::critic_when::{day_of, month_of};
    let toks: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let Some(month) = month_of(t) else { continue };
        let before = i.checked_sub(1).and_then(|j| day_of(toks[j]));
        let after = toks.get(i + 1).and_then(|w| day_of(w));
        if let Some(day) = before.or(after) {
            out.push((day, month));
        }
    }
    out
}

/// The words of a text with their case, punctuation trimmed.
pub(super) fn words_of(text: &str) -> Vec<String> {
    text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string()).filter(|w| !w.is_empty()).collect()
}

/// Last words of places and organisations, not people (`Tanner Road`, `Harbour Hotel`).
pub(super) const PLACE_WORDS: &[&str] = &[
    "Road", "Street", "Lane", "Avenue", "Grove", "Way", "Close", "Court", "Park", "Square", "Place", "Hill", "Hotel",
    "Practice", "Centre", "Center", "Hall", "House", "Bank", "Ltd", "Airways", "Station", "Church", "School",
    "University", "College", "Hospital",
];

pub(super) fn is_calendar(w: &str) -> bool {
    evidence::CALENDAR_WORDS.contains(&w.to_lowercase().as_str())
}

pub(super) fn is_title(w: &str) -> bool {
    matches!(w, "Dr" | "Mr" | "Mrs" | "Ms" | "Miss" | "Prof" | "Professor")
}

/// `Esterhuizen`: capitalised, then lower case letters only; not a day, a month or a title.
pub(super) fn is_name_word(w: &str) -> bool {
    w.len() > 1 && w.starts_with(|c: char| c.is_uppercase()) && w.chars().skip(1).all(|c| c.is_lowercase()) && !is_calendar(w) && !is_title(w)
}

/// Share of the question's terms that two sentences cover together.
pub(super) fn joint_coverage(terms: &[Term], a: &Scored, b: &Scored) -> f32 {
    let text = |s: &Scored| stems(&format!("{} {} {}", s.sentence.label.as_deref().unwrap_or(""), s.sentence.text, s.sentence.heading));
    let (ta, tb) = (text(a), text(b));
    let covered = terms.iter().filter(|t| !t.optional && (matches_term(t, &ta) || matches_term(t, &tb))).count();
    covered as f32 / terms.iter().filter(|t| !t.optional).count().max(1) as f32
}

/// True when `b` matches a word of the question (not a name) that `a` does not.
pub(super) fn adds_asked_word(terms: &[Term], a: &Scored, b: &Scored) -> bool {
    let text = |s: &Scored| stems(&format!("{} {}", s.sentence.label.as_deref().unwrap_or(""), s.sentence.text));
    let (ta, tb) = (text(a), text(b));
    terms.iter().any(|t| !t.proper && !matches_term(t, &ta) && matches_term(t, &tb))
}
