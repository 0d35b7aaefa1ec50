//! Retrieval over memory: an inverted index of chunks ([`index`]), the BM25 formula ([`bm25`])
//! and the ranker ([`rank`]) that mixes BM25, profile-fact lookup and a recency boost into
//! scored passages with provenance; embeddings ([`dense`]) fused with it by rank ([`hybrid`]).
//!
//! Called by `secondself memory search`, `secondself bench retrieval`, and the tasks that
//! enrich prompts and answer questions about the user.

pub mod bench;
pub mod bm25;
pub mod dense;
pub mod hits;
pub mod hybrid;
pub mod index;
pub mod rank;
