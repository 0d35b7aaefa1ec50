//! Search over a whole memory store: builds the chunk index from the store, ranks chunks and
//! facts ([`super::rank::search`]) and returns self-contained hits (text or value, provenance,
//! sensitivity) that callers can show or put in a prompt without reading the store again.
//!
//! Callers: `secondself memory search`, the engine's `memory.search` request, the tasks.

use serde::{Deserialize, Serialize};

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
    Chunk { text: String, chunk_id: String, source: String, score: f32 },
}

impl Hit {
    pub fn score(&self) -> f32 {
        match self {
            Hit::Fact { score, .. } | Hit::Chunk { score, .. } => *score,
        }
    }
}

/// The top `k` hits for `query` in `store`.
pub async fn search(store: &impl Store, query: &str, now: Timestamp, k: usize) -> Result<Vec<Hit>, MemoryError> {
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
    Ok(rank::search(&ix, &facts, query, now, k)
        .into_iter()
        .filter_map(|p| match p.kind {
            PassageKind::Fact { id, key, sensitivity } => {
                let f = facts.iter().find(|f| f.id == id)?;
                Some(Hit::Fact { value: f.value.clone(), source: source_of_chunk(&p.chunk_id), id, key, sensitivity, chunk_id: p.chunk_id, score: p.score })
            }
            PassageKind::Chunk => {
                let chunk_id = p.chunk_id?;
                let text = chunks.iter().find(|c| c.id == chunk_id)?.full_text();
                Some(Hit::Chunk { text, chunk_id, source: p.source, score: p.score })
            }
        })
        .collect())
}
