//! Which language a text is written in, from its function words ([`crate::lexicon::stopwords`])
//! and, for Japanese and Chinese, its script.

use std::collections::HashMap;

use crate::lexicon;

/// Counts of each language's function words in `text`, and kana / Han characters.
pub fn scores(text: &str) -> Vec<(&'static str, usize)> {
    // Each function word's languages, built once.
    static INDEX: std::sync::OnceLock<HashMap<&'static str, Vec<&'static str>>> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for (lang, _, w) in lexicon::stopwords().spellings() {
            index.entry(w).or_default().push(lang);
        }
        index
    });
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()) {
        // `I` written large inside a sentence is English's pronoun, not the `i` (and, in, the) of
        // Polish, Swedish, Italian…, which those languages write small there.
        let before = text[..word.as_ptr() as usize - text.as_ptr() as usize].trim_end_matches([' ', '\t']);
        let at_start = before.is_empty() || before.ends_with(['.', '!', '?', '¿', '¡', ':', '"', '“', '«', '\n']);
        if word == "I" && !at_start {
            *counts.entry("en").or_default() += 1;
            continue;
        }
        let lw = word.to_lowercase();
        if let Some(langs) = index.get(lw.as_str()) {
            for l in langs {
                *counts.entry(l).or_default() += 1;
            }
        }
    }
    let kana = text.chars().filter(|c| matches!(*c as u32, 0x3040..=0x30FF)).count();
    let han = text.chars().filter(|c| matches!(*c as u32, 0x4E00..=0x9FFF)).count();
    if kana > 0 {
        counts.insert("ja", kana + han);
    } else if han > 0 {
        counts.insert("zh", han);
    }
    let mut v: Vec<(&'static str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

/// The language of `text` (ISO 639-1), when at least a few of its words say so.
pub fn detect(text: &str) -> Option<&'static str> {
    let s = scores(text);
    let (lang, n) = *s.first()?;
    let second = s.get(1).map_or(0, |x| x.1);
    (n >= 3 && n > second).then_some(lang)
}

/// Letters that only a few of the languages read use, and those languages.
const LETTERS: &[(&str, &[&str])] = &[
    ("å", &["sv"]),
    ("äö", &["sv", "de"]),
    ("üß", &["de"]),
    ("ñ¿¡", &["es"]),
    ("ãõ", &["pt"]),
    ("çœêèùûîïë", &["fr"]),
    ("ąćęłńśźż", &["pl"]),
    ("ìò", &["it"]),
];

/// The language of a question, which is often too short for [`detect`]: its function words
/// and the language of the question word it starts with (`Wie …`, `¿Cuándo …`, `Hur …`), which
/// counts twice; `None` when two languages tie.
pub fn of_question(question: &str) -> Option<&'static str> {
    let mut counts: HashMap<&'static str, usize> = scores(question).into_iter().collect();
    let q = question.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    for (lang, _, w) in lexicon::question_words().spellings() {
        if q.starts_with(w) && q[w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()) {
            *counts.entry(lang).or_default() += 2;
        }
    }
    // The letters only some languages write (`även`, `año`, `źle`) count once each.
    let lower = question.to_lowercase();
    for (letters, langs) in LETTERS {
        if lower.chars().any(|c| letters.contains(c)) {
            for l in *langs {
                *counts.entry(l).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(&'static str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let (lang, n) = *v.first()?;
    // One function word that only one language has (`Äter jag kött?`) says it too.
    (v.get(1).is_none_or(|x| x.1 < n) && (n >= 2 || v.len() == 1)).then_some(lang)
}

#[cfg(test)]
mod tests {
    use super::{detect, of_question};

    #[test]
    fn tells_the_language_of_short_questions() {
        assert_eq!(of_question("Wie heißt mein Zahnarzt in Görlitz?"), Some("de"));
        assert_eq!(of_question("¿Cuándo vuelve Tomás?"), Some("es"));
        assert_eq!(of_question("When is the recital?"), Some("en"));
        assert_eq!(of_question("Hur gammal är Nils?"), Some("sv"));
        assert_eq!(of_question("Görlitz?"), None);
        assert_eq!(of_question("Äter jag kött?"), Some("sv"));
        // `a` and `as` are Portuguese words too; the question is English.
        assert_eq!(of_question("Would Priya still take the job as a nurse if she moved up north?"), Some("en"));
        // A short request with one article: not Portuguese for its `a`, French for its `de`.
        assert_ne!(of_question("Recommend a good film."), Some("pt"));
        assert_eq!(of_question("Une idée de cadeau ?"), Some("fr"));
        // `do` and `i` are Polish words too; a capital `I` inside the sentence is English.
        assert_eq!(of_question("Do Tomasz and I still share the car?"), Some("en"));
        assert_eq!(of_question("Czy Tomasz i Ania mieszkają razem?"), Some("pl"));
        // A short request with one shared word (`i`) and a letter only some languages write.
        assert_eq!(of_question("Packlista även för flytten"), Some("sv"));
        assert_eq!(of_question("Ideas para el año nuevo"), Some("es"));
    }

    #[test]
    fn tells_languages_apart() {
        assert_eq!(detect("The weather was fine and we walked to the harbour with the dog."), Some("en"));
        assert_eq!(detect("Wir sind am Wochenende mit dem Zug an die Ostsee gefahren, und es war nicht kalt."), Some("de"));
        assert_eq!(detect("Nous avons pris le train pour la mer et il ne faisait pas froid du tout."), Some("fr"));
        assert_eq!(detect("Fuimos a la playa en tren con los niños y no hacía nada de frío."), Some("es"));
        assert_eq!(detect("Siamo andati al mare con il treno e non faceva per niente freddo, anche se era tardi."), Some("it"));
        assert_eq!(detect("We zijn met de trein naar de zee gegaan en het was niet koud, maar wel nat."), Some("nl"));
        assert_eq!(detect("Fomos para a praia de comboio com os miúdos e não estava muito frio."), Some("pt"));
        assert_eq!(detect("Pojechaliśmy pociągiem nad morze i nie było zimno, ale już jest jesień."), Some("pl"));
        assert_eq!(detect("Vi tog tåget till havet och det var inte kallt, men jag frös ändå."), Some("sv"));
        assert_eq!(detect("週末に電車で海に行きました。"), Some("ja"));
        assert_eq!(detect("周末我们坐火车去了海边。"), Some("zh"));
        assert_eq!(detect("ok"), None);
    }
}
