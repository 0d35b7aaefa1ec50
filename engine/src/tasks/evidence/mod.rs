//! Evidence from L0 for the tasks: the passages retrieval finds for a question or a prompt, cut
//! into sentences, scored against the query, and the guard that keeps sensitive sentences out
//! of anything said to someone else.
//!
//! Why sentences: the model is small and its context short, so the tasks hand it (and the user)
//! the few sentences that carry an answer, not whole chunks; the same sentences are the
//! extractive fallback and the citations. Query words are matched by stem, expanded with a small
//! table of everyday synonyms (`phone` ~ `mobile`, `earn` ~ `salary`) and with the names of the
//! people memory links to a relation word (`sister` → the sister's name from L1 `family` facts).
//!
//! Who calls it: [`super::memory_qa`], [`super::enhance`], [`super::critic`]; [`passages`] is the
//! one place that reads a store.

use serde::{Deserialize, Serialize};

use super::context::{words, FactView};
use crate::memory::store::Store;
use crate::memory::{MemoryError, Origin, Timestamp};
use crate::retrieval::index::{stem, terms, InvertedIndex};
use crate::retrieval::{hybrid, rank};

/// One retrieved L0 chunk, self-contained: text, heading, provenance and date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub chunk_id: String,
    pub source_id: String,
    /// Source file name or page/note title (provenance shown to the user).
    pub source: String,
    /// The page address for clipped pages.
    pub url: Option<String>,
    /// The heading path joined with ` > ` (may be empty).
    pub heading: String,
    pub text: String,
    /// When its content is from (chunk date, else source date, else import time).
    pub dated: Timestamp,
    /// Retrieval score (BM25 × recency).
    pub score: f32,
    /// The page it is on (PDF).
    #[serde(default)]
    pub page: Option<u32>,
    /// The relative expressions of `text` and what they mean (`yesterday` → the day before it was
    /// written), as resolved at import.
    #[serde(default)]
    pub times: Vec<(String, crate::text::relative::When)>,
}

/// The top `k` passages for `query` in `store`, best first; `meaning` is the query's embedding
/// when the embedding model is at hand (keywords and meaning are then fused).
pub async fn passages(store: &impl Store, query: &str, meaning: Option<&[f32]>, now: Timestamp, k: usize) -> Result<Vec<Passage>, MemoryError> {
    let groups: Vec<Vec<String>> = terms(query).into_iter().map(|t| vec![t]).collect();
    passages_for(store, &groups, meaning, now, k).await
}


/// The top `k` passages for a query of term groups (a term and its alternatives, as
/// [`query_groups`] makes them), best first. With `meaning` (the query's embedding) and stored
/// vectors, the passages meaning finds closer than every keyword match are added after the
/// keyword ones ([`crate::retrieval::hybrid::closer_than_keywords`]): the tasks read sentences
/// by their words, so the keyword passages keep their places and meaning adds what keywords
/// missed.
pub async fn passages_for(store: &impl Store, groups: &[Vec<String>], meaning: Option<&[f32]>, now: Timestamp, k: usize) -> Result<Vec<Passage>, MemoryError> {
    let chunks = store.chunks().await?;
    let sources = store.sources().await?;
    let mut ix = InvertedIndex::new();
    for c in &chunks {
        let src = sources.iter().find(|s| s.id == c.source_id);
        let dated = c.dated.or(src.map(|s| s.effective_date())).unwrap_or(0);
        // A file's name is the title its writer gave it (`sommerurlaub-rügen.md`): found with it.
        let title = src.map(|s| title_words(&s.name)).unwrap_or_default();
        ix.add(&c.id, src.map(|s| s.name.as_str()).unwrap_or("?"), dated, &format!("{title}\n{}", c.full_text()));
    }
    let groups = query::widen_by_vocabulary(groups, ix.postings.keys(), |w| ix.postings.contains_key(w));
    let mut ranked = rank::search_groups(&ix, &groups, now, k);
    if let Some(q) = meaning {
        let dense = crate::retrieval::dense::of_store(store, &ix).await?;
        let near = dense.search(q, hybrid::DEPTH.max(k));
        ranked.extend(hybrid::closer_than_keywords(&ranked, &near, k.div_ceil(2)));
    }
    Ok(ranked
        .into_iter()
        .filter_map(|(d, score)| {
            let meta = &ix.docs[d as usize];
            let c = chunks.iter().find(|c| c.id == meta.id)?;
            let src = sources.iter().find(|s| s.id == c.source_id);
            let (source, url) = match src.map(|s| (&s.name, &s.origin)) {
                Some((_, Origin::Page { url, title })) => (title.clone(), Some(url.clone())),
                Some((name, _)) => (name.clone(), None),
                None => ("?".into(), None),
            };
            let title = title_words(&source);
            Some(Passage {
                chunk_id: c.id.clone(),
                source_id: c.source_id.clone(),
                source,
                url,
                heading: std::iter::once(title).chain(c.heading_path.iter().cloned()).filter(|h| !h.is_empty()).collect::<Vec<_>>().join(" > "),
                text: c.text.clone(),
                // A chunk of a source with no date of its own (an undated note) has no day it was
                // written: not the day it was imported (a "when" is never answered with that).
                dated: if c.dated.or(src.and_then(|s| s.dated)).is_some() { meta.dated } else { Timestamp::MAX },
                score,
                page: c.page,
                times: c.times.iter().filter_map(|t| Some((c.text.get(t.start as usize..t.end as usize)?.to_string(), t.when))).collect(),
            })
        })
        .collect())
}

/// The words of a file's name, as a title: no folders, extension, dates or separators
/// (`notes/2023-07-02-sommerurlaub-rügen.md` → `sommerurlaub rügen`); empty for generic names.
pub fn title_words(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = file.rsplit_once('.').map(|(s, ext)| if ext.len() <= 5 && !ext.contains(' ') { s } else { file }).unwrap_or(file);
    stem.split(|c: char| c == '-' || c == '_' || c == '.' || c.is_whitespace())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
}

mod shareable;
mod query;
mod score;
mod sentences;

pub use crate::privacy::{is_sensitive_reply, is_sensitive_text, redacted, sensitive_needles, WITHHELD};
pub use shareable::*;
pub use query::*;
pub use score::*;
pub use sentences::*;

#[cfg(test)]
mod tests;
