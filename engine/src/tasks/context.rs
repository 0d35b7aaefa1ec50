//! The personal context the chat-site tasks ([`super::enhance`], [`super::critic`]) work over:
//! a borrowed view of L1 facts, the sensitivity guard, and the topic/keyword relevance match.
//!
//! Why a view: the tasks must not care where facts live (IndexedDB in the browser, the journaled
//! store natively, a test's literal list), so they take `&[FactView]`. Who calls it: the two
//! tasks, and `web/` which turns stored facts into views.

use serde::{Deserialize, Serialize};

/// One L1 fact as the tasks see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactView {
    /// Kebab-case key (`diet`, `allergies`, `organization-title`, …).
    pub key: String,
    pub value: String,
    /// Broad kind (`preference`, `work`, `health`, …); informative only.
    pub kind: String,
    /// Marked sensitive by memory (ids, health, finances, exact home address).
    pub sensitive: bool,
    /// Where it came from (a source chunk, or `you` for the user's own edits).
    pub source: String,
}

impl FactView {
    /// A fact with `kind` empty and `source` = `you`.
    pub fn new(key: &str, value: &str, sensitive: bool) -> FactView {
        FactView { key: key.into(), value: value.into(), kind: String::new(), sensitive, source: "you".into() }
    }

    /// `key: value`, the citation shown next to a problem or an added sentence.
    pub fn cite(&self) -> String {
        format!("{}: {}", self.key, self.value)
    }
}

impl From<&crate::memory::Fact> for FactView {
    fn from(f: &crate::memory::Fact) -> Self {
        FactView {
            key: f.key.clone(),
            value: f.value.clone(),
            kind: format!("{:?}", f.kind).to_lowercase(),
            sensitive: f.sensitivity == crate::memory::Sensitivity::Sensitive,
            source: f.source_chunk.clone().unwrap_or_else(|| "you".into()),
        }
    }
}

/// True when the fact must never be volunteered to a page, a chat site or a third party (the
/// policy is [`crate::privacy::is_sensitive_fact`]).
pub fn is_sensitive(f: &FactView) -> bool {
    crate::privacy::is_sensitive_fact(&f.key, &f.value, f.sensitive)
}

impl crate::privacy::FactRef for FactView {
    fn key(&self) -> &str {
        &self.key
    }
    fn value(&self) -> &str {
        &self.value
    }
    fn marked(&self) -> bool {
        self.sensitive
    }
}

pub use crate::text::words;

/// True when `word` (lower case) or a simple inflection of it is among `text_words`.
pub fn has_word(text_words: &[String], word: &str) -> bool {
    text_words.iter().any(|w| same_stem(w, word))
}

/// `runs`/`running`/`run`, `dinners`/`dinner`: a crude stem match, enough for topic words.
pub fn same_stem(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let stem = |w: &str| -> String {
        let w = w.trim_end_matches("'s");
        for suffix in ["ning", "ing", "ies", "es", "s", "ed"] {
            if w.len() > suffix.len() + 2 {
                if let Some(s) = w.strip_suffix(suffix) {
                    return s.to_string();
                }
            }
        }
        w.to_string()
    };
    let (sa, sb) = (stem(a), stem(b));
    (sa.len() >= 3 && sa == sb) || crate::lexicon::inflected_form(a, b) || crate::lexicon::inflected_form(b, a)
}

/// Topics a prompt can be about, each with the fact keys it needs; the words that signal it, in
/// every language, are `lexicon/topic_signals.txt` ([`Topic::signals`]).
pub struct Topic {
    pub name: &'static str,
    pub keys: &'static [&'static str],
}

impl Topic {
    /// The words and phrases that signal this topic, in every language.
    pub fn signals(&self) -> &'static [String] {
        static S: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
        let all = S.get_or_init(|| {
            let mut by_topic: Vec<Vec<String>> = vec![Vec::new(); TOPICS.len()];
            for l in &crate::lexicon::topic_signals().lines {
                for (i, item) in l.items.iter().enumerate().take(TOPICS.len()) {
                    for w in item {
                        if !by_topic[i].contains(w) {
                            by_topic[i].push(w.clone());
                        }
                    }
                }
            }
            by_topic
        });
        let i = TOPICS.iter().position(|t| t.name == self.name).unwrap_or(0);
        &all[i]
    }
}

/// The topic table: a prompt's topic → the fact keys worth adding.
pub const TOPICS: &[Topic] = &[
    Topic {
        name: "food",
        keys: &["diet", "diet-detail", "allergies", "dislikes"],
    },
    Topic {
        name: "travel",
        keys: &["diet", "allergies", "trips", "travel"],
    },
    Topic {
        name: "work",
        keys: &["organization-title", "organization", "projects", "skills"],
    },
    Topic {
        name: "schedule",
        keys: &["dislikes", "work-pattern", "routine", "interests"],
    },
    Topic {
        name: "fitness",
        keys: &["interests", "goals", "sports"],
    },
    Topic {
        name: "people",
        keys: &["partner", "family", "friends", "people"],
    },
    Topic {
        name: "place",
        keys: &["address-level2", "neighbourhood", "city"],
    },
    Topic {
        name: "about-me",
        keys: &["interests", "address-level2", "organization-title", "organization"],
    },
];

/// Which topics `text` is about.
pub fn topics_of(text: &str) -> Vec<&'static Topic> {
    let ws = words(text);
    let padded = format!(" {} ", ws.join(" "));
    // Languages that write compounds as one word name a topic by its last part (`veckomeny`,
    // `Wochenplan`, `weekmenu`).
    let compounds = matches!(crate::text::lang::of_question(text), Some("de" | "sv" | "nl" | "da" | "no"));
    let in_compound = |s: &str| compounds && s.chars().count() >= 4 && ws.iter().any(|w| w.chars().count() >= s.chars().count() + 3 && w.ends_with(s));
    TOPICS.iter().filter(|t| t.signals().iter().any(|s| if s.contains(' ') { padded.contains(&format!(" {s} ")) } else { has_word(&ws, s) || in_compound(s) })).collect()
}

/// Words too common to make a keyword match meaningful.
const STOP: &[&str] = &[
    "the", "and", "for", "with", "that", "this", "from", "have", "about", "what", "when", "your", "you", "are", "can",
    "some", "give", "make", "help", "write", "suggest", "should", "could", "would", "need", "want", "plan", "short",
    "good", "new", "get", "know", "me", "my", "our", "their", "her", "his", "a", "an", "of", "to", "in", "on", "at",
    "is", "it", "be", "do", "i", "or", "as", "by", "up", "so", "not", "no", "fine", "like", "week", "day", "time",
];

/// True for words too common to match on.
pub fn is_stop_word(w: &str) -> bool {
    STOP.contains(&w)
}

/// Content words of `text` worth matching against fact values (length ≥ 4, not stop words).
pub fn content_words(text: &str) -> Vec<String> {
    words(text).into_iter().filter(|w| w.len() >= 4 && !STOP.contains(&w.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitivity_guard_catches_marked_keys_and_id_like_values() {
        assert!(is_sensitive(&FactView::new("diet", "vegetarian", true)));
        assert!(is_sensitive(&FactView::new("passport-number", "x", false)));
        assert!(is_sensitive(&FactView::new("nhs-number", "x", false)));
        assert!(is_sensitive(&FactView::new("street-address", "1 High St", false)));
        assert!(is_sensitive(&FactView::new("note", "ref 604219873", false)));
        assert!(is_sensitive(&FactView::new("note", "code QTR-5510-8826", false)));
        assert!(!is_sensitive(&FactView::new("diet", "vegetarian", false)));
        assert!(!is_sensitive(&FactView::new("dislikes", "meetings before 9:30", false)));
        assert!(!is_sensitive(&FactView::new("address-level2", "Derby", false)));
    }

    #[test]
    fn topics_follow_prompt_words() {
        let names = |t: &str| topics_of(t).iter().map(|t| t.name).collect::<Vec<_>>();
        assert_eq!(names("Plan a week of dinners for us"), vec!["food"]);
        assert!(names("Explain how TCP works").is_empty());
        assert!(names("Give me a 16-week half marathon training plan").contains(&"fitness"));
        assert!(names("Write a short speaker bio").contains(&"work"));
        assert!(names("Tell me a joke").is_empty());
        // A compound names its topic by its last part where a language writes compounds as one word.
        assert!(names("Gör en veckomeny åt mig och min sambo").contains(&"food"));
        assert!(names("Schreib mir ein paar Frühstücksrezepte für die Kinder").contains(&"food"));
        assert!(names("Explain the framework to me").is_empty());
        assert!(names("Which cookbook should I buy?").contains(&"food"));
        assert!(names("Tipsa om en bra kokbok").contains(&"food"));
    }

    #[test]
    fn stems_match_inflections_only() {
        assert!(same_stem("dinners", "dinner"));
        assert!(same_stem("running", "run"));
        assert!(!same_stem("nut", "nutmeg"));
    }
}
