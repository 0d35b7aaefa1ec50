//! Search over a whole memory store: builds the chunk index from the store, ranks chunks and
//! facts ([`super::rank::search`]) and returns self-contained hits (text or value, provenance,
//! sensitivity) that callers can show or put in a prompt without reading the store again.
//!
//! Callers: `secondself memory search`, the engine's `memory.search` request, the tasks.

use serde::{Deserialize, Serialize};

use super::hybrid;
use super::index::InvertedIndex;

use super::rank::{self, PassageKind};
use crate::memory::store::Store;
use crate::memory::{manage, MemoryError, Sensitivity, Timestamp};

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Hit {
    /// A profile fact.
    Fact { id: String, key: String, value: String, sensitivity: Sensitivity, chunk_id: Option<String>, source: String, score: f32 },
    /// A passage of an imported source.
    Chunk {
        text: String,
        chunk_id: String,
        source: String,
        score: f32,
        /// Why it ranks here, when keywords and meaning were fused ([`hybrid::explain`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
    },
}

impl Hit {
    pub fn score(&self) -> f32 {
        match self {
            Hit::Fact { score, .. } | Hit::Chunk { score, .. } => *score,
        }
    }
}

/// The top `k` hits for `query` in `store`; with `meaning` (the query's embedding) chunks are
/// ranked by keywords and meaning fused ([`super::hybrid`]).
pub async fn search(store: &impl Store, query: &str, meaning: Option<&[f32]>, now: Timestamp, k: usize) -> Result<Vec<Hit>, MemoryError> {
    search_with(store, query, meaning, Mode::Hybrid, now, k).await
}

/// Which rankings [`search_with`] uses (`eval retrieval` compares them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// BM25 × recency only.
    Keywords,
    /// Embedding similarity only (chunks; facts still by their words).
    Meaning,
    /// Both, fused by reciprocal rank (keywords alone when there is no embedding).
    Hybrid,
}

/// [`search`] with the ranking chosen.
pub async fn search_with(store: &impl Store, query: &str, meaning: Option<&[f32]>, mode: Mode, now: Timestamp, k: usize) -> Result<Vec<Hit>, MemoryError> {
    search_weighted(store, query, meaning, mode, hybrid::Fusion::default(), now, k).await
}

/// [`search_with`] with the fusion given (`eval retrieval` compares them).
pub async fn search_weighted(store: &impl Store, query: &str, meaning: Option<&[f32]>, mode: Mode, fusion: hybrid::Fusion, now: Timestamp, k: usize) -> Result<Vec<Hit>, MemoryError> {
    let chunks = store.chunks().await?;
    let sources = store.sources().await?;
    let facts = manage::current_facts(store).await?;
    let mut ix = InvertedIndex::new();
    for c in &chunks {
        let src = sources.iter().find(|s| s.id == c.source_id);
        let dated = c.dated.or(src.map(|s| s.effective_date())).unwrap_or(0);
        ix.add(&c.id, src.map(|s| s.name.as_str()).unwrap_or("?"), dated, &c.full_text());
    }
    let source_of_chunk = |chunk: &Option<String>| {
        chunk
            .as_deref()
            .and_then(|c| chunks.iter().find(|x| x.id == c))
            .and_then(|c| sources.iter().find(|s| s.id == c.source_id))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "your edit".into())
    };
    let keyword = || rank::search_chunks(&ix, query, now, k.max(hybrid::DEPTH));
    let mut why: std::collections::HashMap<u32, String> = std::collections::HashMap::new();
    let ranked: Vec<(u32, f32)> = match (mode, meaning) {
        (Mode::Keywords, _) | (_, None) => rank::search_chunks(&ix, query, now, k),
        (mode, Some(q)) => {
            let dense = super::dense::of_store(store, &ix).await?;
            let near = dense.search(q, k.max(hybrid::DEPTH));
            if mode == Mode::Meaning {
                near.into_iter().take(k).collect()
            } else if dense.is_empty() {
                rank::search_chunks(&ix, query, now, k)
            } else {
                let kw = keyword();
                // Fused scores put on the keyword scale, so facts and chunks still interleave.
                let top = kw.first().map_or(1.0, |x| x.1).max(1e-3);
                let fused = hybrid::fuse_with(fusion, &kw, &near, k);
                let best = fused.first().map_or(1.0, |f| f.score);
                why.extend(fused.iter().map(|f| (f.doc, hybrid::explain(f))));
                fused.into_iter().map(|f| (f.doc, f.score / best * top)).collect()
            }
        }
    };
    Ok(rank::search_ranked(&ix, &facts, query, ranked, k)
        .into_iter()
        .filter_map(|p| match p.kind {
            PassageKind::Fact { id, key, sensitivity } => {
                let f = facts.iter().find(|f| f.id == id)?;
                Some(Hit::Fact { value: f.value.clone(), source: source_of_chunk(&p.chunk_id), id, key, sensitivity, chunk_id: p.chunk_id, score: p.score })
            }
            PassageKind::Chunk => {
                let chunk_id = p.chunk_id?;
                let text = chunks.iter().find(|c| c.id == chunk_id)?.full_text();
                let why = ix.docs.iter().position(|d| d.id == chunk_id).and_then(|d| why.remove(&(d as u32)));
                Some(Hit::Chunk { text, chunk_id, source: p.source, score: p.score, why })
            }
        })
        .collect())
}
