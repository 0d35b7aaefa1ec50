//! Guards on model output, shared by every task that lets the model write (memory QA, drafts)
//! and by the training data filter: the names and numbers a text asserts ([`anchors`],
//! [`key_anchors`]) so they can be checked against the evidence, canned refusals and
//! disclaimers ([`is_refusal`]), runaway repetition ([`is_repetitive`]) and "I don't know"
//! ([`says_dont_know`]). Pure functions of text; they import only the text toolkit.

/// Numbers (`1:58:12`, `14a`, `1,327`) and capitalised words of a text, lower case.
pub fn anchors(text: &str) -> Vec<String> {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ')' | '"' | ',' | ';' | '|' | '!' | '?')
    })
    .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
    .filter(|w| {
        !w.is_empty()
            && (w.chars().any(|c| c.is_ascii_digit())
                || w.chars().next().is_some_and(char::is_uppercase))
    })
    .map(str::to_lowercase)
    .collect()
}

/// The anchors of `text` that can carry an answer: numbers anywhere, and capitalised words that
/// are not the first word of a sentence or of a `Label:` field (those are capitalised by
/// position, not because they are names).
pub fn key_anchors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sentence in crate::text::sentences(text) {
        let mut first = true;
        for raw in sentence.split(|c: char| {
            c.is_whitespace() || matches!(c, '(' | ')' | '"' | ',' | ';' | '|' | '!' | '?')
        }) {
            let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if w.is_empty() {
                continue;
            }
            let digit = w.chars().any(|c| c.is_ascii_digit());
            // `I`, `I'm` and one-letter words are capitalised by grammar, and too short to look for.
            let pronoun = w == "I" || w.starts_with("I'") || w.starts_with("I’");
            if digit
                || (!first
                    && !pronoun
                    && w.chars().count() > 1
                    && w.chars().next().is_some_and(char::is_uppercase))
            {
                out.push(w.to_lowercase());
            }
            // After `Title:` the next word starts a phrase again.
            first = raw.ends_with(':') && !digit;
        }
    }
    out
}

/// Canned refusals of a small chat model (`I'm sorry, but I'm unable to access your
/// information`): they say nothing about the notes, so they count as no answer.
const REFUSALS: &[&str] = &[
    "i'm sorry",
    "i am sorry",
    "i apologize",
    "i apologise",
    "unable to",
    "not able to",
    "i cannot",
    "i can't",
    "i can not",
    "as an ai",
    "language model",
    "don't have access",
    "do not have access",
    "no access to",
    "can't access",
    "cannot access",
    "personal information",
    "your specific",
    "real-time",
    "sorry for",
    "i'm here to",
    "i am here to",
    "assist you",
    "help you with",
    "personal assistant",
    "memory assistant",
    "not a substitute",
    "professional advice",
    "medical advice",
    "not a doctor",
    "ready to help",
    "your question",
    "not equipped",
    "not capable",
];

/// True when a sentence of the model is a refusal or a disclaimer, not an answer.
pub fn is_refusal(sentence: &str) -> bool {
    let l = sentence.to_lowercase().replace('’', "'");
    REFUSALS.iter().any(|r| l.contains(r))
}

/// True when text runs away in repetition: a word or a phrase of up to three words said three
/// times in a row (`Sam, Sam, Sam`), or one word making up more than a third of a longer text.
pub fn is_repetitive(text: &str) -> bool {
    let ws: Vec<String> = crate::text::words(text);
    for n in 1..=3 {
        for i in 0..ws.len() {
            let mut reps = 1;
            let mut j = i + n;
            while j + n <= ws.len() && ws[j..j + n] == ws[i..i + n] {
                reps += 1;
                j += n;
            }
            if reps >= 3 {
                return true;
            }
        }
    }
    if ws.len() >= 12 {
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for w in ws.iter().filter(|w| w.len() > 3) {
            *counts.entry(w.as_str()).or_default() += 1;
        }
        if counts.values().any(|&c| c * 3 > ws.len()) {
            return true;
        }
    }
    false
}

/// The sentences of a model's answer, trimmed, empty ones dropped.
pub fn sentences_of(text: &str) -> Vec<String> {
    crate::text::sentences(text)
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// True when a sentence says it does not know (English phrasing; a small model's default).
pub fn says_dont_know(text: &str) -> bool {
    let l = text.to_lowercase();
    [
        "don't know",
        "do not know",
        "not sure",
        "no information",
        "couldn't find",
        "could not find",
        "not mentioned",
        "cannot answer",
        "can't answer",
    ]
    .iter()
    .any(|p| l.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_recognised() {
        for r in [
            "I'm sorry, but I'm unable to access your personal information.",
            "As an AI, I cannot see your notes.",
            "I don't have access to your calendar.",
        ] {
            assert!(is_refusal(r), "{r}");
        }
        for a in [
            "You have seats 12C and 12D.",
            "Lena leads the Atlas redesign until August.",
            "You don't have a car.",
        ] {
            assert!(!is_refusal(a), "{a}");
        }
    }

    #[test]
    fn runaway_repetition_is_recognised() {
        assert!(is_repetitive("Sam, Sam, Sam, Sam, Sam"));
        assert!(is_repetitive(
            "The flight lands the flight lands the flight lands"
        ));
        assert!(is_repetitive(
            "Your cat Pepper and Pepper likes Pepper food and Pepper naps with Pepper"
        ));
        assert!(!is_repetitive(
            "Your cat Pepper is 3 years old and hates the vet."
        ));
        assert!(!is_repetitive("Seats 12C and 12D, the window is yours."));
    }

    #[test]
    fn anchors_are_numbers_and_capitalised_words_key_anchors_skip_sentence_starts() {
        assert_eq!(
            anchors("Ferry 7:40 to Skerrow, seat 14A"),
            ["ferry", "7:40", "skerrow", "14a"]
        );
        assert_eq!(
            key_anchors("Ferry leaves at 7:40. Then Skerrow. Note: Quay 3"),
            ["7:40", "skerrow", "3"],
            "a word after `Label:` starts a phrase"
        );
    }
}
