//! Chunk embeddings in the store: [`embed_missing`] gives every chunk without a vector of the
//! current model one, in batches that each land in their own transaction (an interrupted run
//! keeps what it finished; the next run does the rest). Import calls it after a file's chunks are
//! stored; the extension also calls it at start for chunks imported before the model was there.

use super::store::{Store, Transaction};
use super::{Chunk, MemoryError, Source};
use crate::embed::Embedder;
use crate::retrieval::dense;

/// The name stored with each vector: vectors of another model are made again.
pub const MODEL: &str = "all-MiniLM-L6-v2";

/// Chunks embedded per transaction.
const PER_COMMIT: usize = 64;

/// What a chunk's vector is made from: its source's title words, its headings and its text (what
/// the keyword index reads too).
pub fn text_of(chunk: &Chunk, source: Option<&Source>) -> String {
    let title = source.map(|s| crate::tasks::evidence::title_words(&s.name)).unwrap_or_default();
    format!("{title}\n{}", chunk.full_text())
}

/// The chunks without a vector of [`MODEL`] (and the sources, for their titles).
async fn missing(store: &impl Store) -> Result<(Vec<Chunk>, Vec<Source>), MemoryError> {
    let have: std::collections::HashSet<String> =
        store.vectors().await?.into_iter().filter(|v| v.model == MODEL).map(|v| v.id).collect();
    let chunks = store.chunks().await?.into_iter().filter(|c| !have.contains(&c.id)).collect();
    Ok((chunks, store.sources().await?))
}

/// How many chunks have no vector of [`MODEL`] (no model needed to know).
pub async fn missing_count(store: &impl Store) -> Result<usize, MemoryError> {
    Ok(missing(store).await?.0.len())
}

/// Embeds at most `max` chunks that have no vector, in one transaction; returns how many it
/// embedded and how many are still missing. The extension calls it batch by batch, holding the
/// store only for one batch, so other requests are served in between; chunks are read and their
/// vectors written under that one hold, so a deleted chunk never gets a vector.
pub async fn embed_some(store: &mut impl Store, embedder: &Embedder, max: usize) -> Result<(usize, usize), MemoryError> {
    let (todo, sources) = missing(store).await?;
    let part = &todo[..max.min(todo.len())];
    if part.is_empty() {
        return Ok((0, 0));
    }
    let texts: Vec<String> = part.iter().map(|c| text_of(c, sources.iter().find(|s| s.id == c.source_id))).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vecs = embedder.embed(&refs, &mut |_, _| {}).await.map_err(|e| MemoryError::Store(e.to_string()))?;
    let mut tx = Transaction::new();
    for (c, v) in part.iter().zip(&vecs) {
        tx.put_vector(&dense::encode(&c.id, MODEL, v))?;
    }
    store.commit(tx).await?;
    Ok((part.len(), todo.len() - part.len()))
}

/// Embeds the chunks that have no vector of [`MODEL`]; returns how many it embedded.
/// `progress(done, total)` follows the work.
pub async fn embed_missing(store: &mut impl Store, embedder: &Embedder, progress: &mut dyn FnMut(usize, usize)) -> Result<usize, MemoryError> {
    let (todo, sources) = missing(store).await?;
    let total = todo.len();
    let mut done = 0;
    progress(0, total);
    for part in todo.chunks(PER_COMMIT) {
        let texts: Vec<String> = part.iter().map(|c| text_of(c, sources.iter().find(|s| s.id == c.source_id))).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vecs = embedder
            .embed(&refs, &mut |d, _| progress(done + d, total))
            .await
            .map_err(|e| MemoryError::Store(e.to_string()))?;
        let mut tx = Transaction::new();
        for (c, v) in part.iter().zip(&vecs) {
            tx.put_vector(&dense::encode(&c.id, MODEL, v))?;
        }
        store.commit(tx).await?;
        done += part.len();
        progress(done, total);
    }
    Ok(total)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::memory::import::{block_on, import_one};
    use crate::memory::native::{tests::temp_dir, NativeStore};
    use crate::memory::import::Outcome;
    use crate::memory::manage;

    /// Invented notes: one shares words with the question, one only its meaning.
    const BAKERY: &str = "# Saturday\n\nThe bakery on Quay Road sold out of rye again, so I bought spelt rolls.\n";
    const DENTIST: &str = "# Thursday\n\nBooked the orthodontist for Ella's braces check, 4 pm, bring the referral letter.\n";
    const BIKE: &str = "# Errands\n\nThe bike shop will true the back wheel by Friday; the bakery next door does good coffee.\n";

    #[test]
    fn chunks_get_vectors_once_and_lose_them_with_their_source() {
        let dir = temp_dir("vectors");
        let mut s = NativeStore::open(&dir).unwrap();
        let e = crate::embed::tests::dev_embedder("q8");
        let mut ids = Vec::new();
        for (name, text) in [("a.md", BAKERY), ("b.md", DENTIST), ("c.md", BIKE)] {
            match block_on(import_one(&mut s, name, text.len() as u64, text.as_bytes(), 1_700_000_000)).unwrap() {
                Outcome::Imported { source_id, .. } => ids.push(source_id),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(block_on(missing_count(&s)).unwrap(), 3);
        let mut seen = Vec::new();
        assert_eq!(block_on(embed_missing(&mut s, &e, &mut |d, t| seen.push((d, t)))).unwrap(), 3);
        assert_eq!(seen.last(), Some(&(3, 3)));
        assert_eq!(block_on(embed_missing(&mut s, &e, &mut |_, _| {})).unwrap(), 0, "nothing twice");
        // A question that shares no word with the orthodontist note finds it by meaning only.
        let q = block_on(e.query("when is the dental appointment for my daughter's teeth?")).unwrap().unwrap();
        let groups: Vec<Vec<String>> = crate::retrieval::index::terms("when is the dental appointment for my daughter's teeth?").into_iter().map(|t| vec![t]).collect();
        let keywords = block_on(crate::tasks::evidence::passages_for(&s, &groups, None, 1_700_000_000, 3)).unwrap();
        assert!(!keywords.iter().any(|p| p.text.contains("orthodontist")), "keywords alone miss it: {keywords:?}");
        let hybrid = block_on(crate::tasks::evidence::passages_for(&s, &groups, Some(&q), 1_700_000_000, 3)).unwrap();
        assert!(hybrid.first().is_some_and(|p| p.text.contains("orthodontist")), "meaning finds it: {hybrid:?}");
        // Deleting a source deletes its chunks' vectors; deleting everything deletes them all.
        block_on(manage::delete_source(&mut s, &ids[1], 1_700_000_100)).unwrap();
        assert_eq!(block_on(s.vectors()).unwrap().len(), 2);
        assert!(block_on(s.vectors()).unwrap().iter().all(|v| !v.id.starts_with(&ids[1])));
        block_on(manage::delete_all(&mut s)).unwrap();
        assert!(block_on(s.vectors()).unwrap().is_empty());
    }

    #[test]
    fn embed_some_works_in_bounded_batches() {
        let dir = temp_dir("vectors-batches");
        let mut s = NativeStore::open(&dir).unwrap();
        let e = crate::embed::tests::dev_embedder("q8");
        for (name, text) in [("a.md", BAKERY), ("b.md", DENTIST), ("c.md", BIKE)] {
            block_on(import_one(&mut s, name, text.len() as u64, text.as_bytes(), 1_700_000_000)).unwrap();
        }
        assert_eq!(block_on(embed_some(&mut s, &e, 2)).unwrap(), (2, 1));
        assert_eq!(block_on(embed_some(&mut s, &e, 2)).unwrap(), (1, 0));
        assert_eq!(block_on(embed_some(&mut s, &e, 2)).unwrap(), (0, 0));
    }
}
