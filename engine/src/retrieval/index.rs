//! The inverted index over chunks: term → postings `(doc, tf)`, document lengths, and the
//! tokenizer shared with distillation's topics: lower-case, split on non-alphanumerics, a small
//! English stopword list, and a light suffix stemmer (`runs`/`running` → `run`).

use std::collections::HashMap;

const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but", "by",
    "can", "could", "did", "do", "does", "don", "for", "from", "get", "got", "had", "has", "have", "he", "her", "here",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "like", "ll", "me", "more", "my", "no", "not",
    "now", "of", "on", "one", "or", "our", "out", "over", "re", "s", "she", "so", "some", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "to", "too", "up", "us", "ve", "very", "was", "we", "were", "what",
    "when", "where", "which", "who", "will", "with", "would", "you", "your", "t", "m", "d", "user", "assistant", "with",
    "want", "need", "still", "next", "last", "every", "each", "other", "only", "really", "because", "going", "thing",
    "things", "make", "made", "know", "think", "good", "time", "year", "week", "day", "days", "yes", "ok", "okay", "lol",
    // The first halves of English contractions (`doesn't` → `doesn`, `t`).
    "doesn", "didn", "isn", "wasn", "aren", "weren", "hasn", "haven", "hadn", "won", "wouldn", "couldn", "shouldn", "can't",
];

pub fn is_stopword(t: &str) -> bool {
    STOPWORDS.contains(&t)
}

/// Light English stemmer: strips common inflections, keeping at least 3 characters.
pub fn stem(w: &str) -> String {
    let mut s = w.to_string();
    for (suffix, repl) in [("ies", "y"), ("sses", "ss"), ("ing", ""), ("edly", ""), ("ed", ""), ("ly", ""), ("es", ""), ("s", "")] {
        if s.len() > suffix.len() + 2 && s.ends_with(suffix) && !(suffix == "s" && s.ends_with("ss")) {
            s.truncate(s.len() - suffix.len());
            s.push_str(repl);
            break;
        }
    }
    // running → runn → run
    let b = s.as_bytes();
    if s.len() > 3 && b[b.len() - 1] == b[b.len() - 2] && !matches!(b[b.len() - 1], b'l' | b's' | b'z') && w.ends_with("ing") {
        s.pop();
    }
    s
}

/// Lower-case alphanumeric tokens, unstemmed (for topics and display).
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| if t.chars().any(char::is_uppercase) { t.to_lowercase() } else { t.to_string() })
        .collect()
}

/// Index terms of a text: tokens without stopwords, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
        if t.chars().any(char::is_uppercase) {
            let l = t.to_lowercase();
            if !is_stopword(&l) {
                out.push(stem(&l));
            }
        } else if !is_stopword(t) {
            out.push(stem(t));
        }
    }
    out
}

/// One document's metadata in the index.
#[derive(Debug, Clone)]
pub struct DocMeta {
    /// The chunk id.
    pub id: String,
    /// Source name (provenance).
    pub source: String,
    /// Content date (for recency).
    pub dated: i64,
    pub len: u32,
}

/// An in-memory inverted index.
#[derive(Debug, Default)]
pub struct InvertedIndex {
    pub postings: HashMap<String, Vec<(u32, u16)>>,
    pub docs: Vec<DocMeta>,
    /// Document lengths again, contiguous, for the scoring loop.
    pub lens: Vec<f32>,
    total_len: u64,
}

impl InvertedIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a document; returns its number.
    pub fn add(&mut self, id: &str, source: &str, dated: i64, text: &str) -> u32 {
        let doc = self.docs.len() as u32;
        let mut ts = terms(text);
        let len = ts.len();
        // Count by sorting (no per-document map, no key clones).
        ts.sort_unstable();
        let mut i = 0;
        while i < ts.len() {
            let mut j = i + 1;
            while j < ts.len() && ts[j] == ts[i] {
                j += 1;
            }
            let n = (j - i).min(u16::MAX as usize) as u16;
            match self.postings.get_mut(&ts[i]) {
                Some(p) => p.push((doc, n)),
                None => {
                    self.postings.insert(std::mem::take(&mut ts[i]), vec![(doc, n)]);
                }
            }
            i = j;
        }
        self.docs.push(DocMeta { id: id.to_string(), source: source.to_string(), dated, len: len as u32 });
        self.lens.push(len as f32);
        self.total_len += len as u64;
        doc
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn avg_len(&self) -> f32 {
        if self.docs.is_empty() {
            0.0
        } else {
            self.total_len as f32 / self.docs.len() as f32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_tokens() {
        assert_eq!(stem("running"), "run");
        assert_eq!(stem("runs"), "run");
        assert_eq!(stem("allergies"), "allergy");
        assert_eq!(stem("glass"), "glass");
        assert_eq!(stem("booked"), "book");
        assert_eq!(terms("The Cats were RUNNING to my flat!"), ["cat", "run", "flat"]);
    }

    #[test]
    fn postings_and_lengths() {
        let mut ix = InvertedIndex::new();
        ix.add("a", "s", 0, "cat cat dog");
        ix.add("b", "s", 0, "dog");
        assert_eq!(ix.postings["cat"], [(0, 2)]);
        assert_eq!(ix.postings["dog"].len(), 2);
        assert_eq!(ix.avg_len(), 2.0);
    }
}
