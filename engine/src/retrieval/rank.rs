//! Ranking: BM25 over the chunk index, plus profile facts whose key or value matches the query,
//! plus a recency boost (`1 + RECENCY_WEIGHT · e^(−age/RECENCY_DAYS)`), returning scored
//! passages with provenance (source name, chunk id). [`search_reference`] is the plain
//! all-documents scorer that the fast path is tested against.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::bm25::{idf, term_score};
use super::index::{terms, InvertedIndex};
use crate::memory::{Fact, Sensitivity};

/// Maximum relative boost of a brand-new chunk over a very old one.
pub const RECENCY_WEIGHT: f32 = 0.2;
/// Recency decay constant in days.
pub const RECENCY_DAYS: f32 = 365.0;
/// Score given to a matching fact per matched query term (facts outrank passages when they match).
pub const FACT_SCORE: f32 = 5.0;

/// What a passage is.
#[derive(Debug, Clone, PartialEq)]
pub enum PassageKind {
    Chunk,
    /// A profile fact, by id and key.
    Fact { id: String, key: String, sensitivity: Sensitivity },
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub kind: PassageKind,
    /// Chunk id (the fact's source chunk for facts).
    pub chunk_id: Option<String>,
    /// Source name (provenance).
    pub source: String,
    pub score: f32,
}

#[derive(PartialEq)]
struct Scored(f32, u32);
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scored {
    // Min-heap by score: reversed, ties by doc number.
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(self.1.cmp(&o.1))
    }
}

fn recency(now: i64, dated: i64) -> f32 {
    let age_days = ((now - dated).max(0) as f32) / 86_400.0;
    1.0 + RECENCY_WEIGHT * (-age_days / RECENCY_DAYS).exp()
}

fn query_terms(query: &str) -> Vec<String> {
    let mut q = terms(query);
    q.sort();
    q.dedup();
    q
}

/// Top `k` chunks by BM25 × recency: term-at-a-time accumulation, then a size-k heap.
pub fn search_chunks(ix: &InvertedIndex, query: &str, now: i64, k: usize) -> Vec<(u32, f32)> {
    let groups: Vec<Vec<String>> = query_terms(query).into_iter().map(|t| vec![t]).collect();
    search_groups(ix, &groups, now, k)
}

/// [`search_chunks`] for a query whose terms have alternatives (a word and its forms or
/// translations): each group counts once per document, by its best-scoring alternative, so a
/// word with many translations weighs no more than a word with none.
pub fn search_groups(ix: &InvertedIndex, groups: &[Vec<String>], now: i64, k: usize) -> Vec<(u32, f32)> {
    let n = ix.len() as u32;
    if n == 0 || k == 0 {
        return vec![];
    }
    let avg = ix.avg_len();
    let mut acc: Vec<f32> = vec![0.0; ix.len()];
    let mut touched: Vec<u32> = Vec::new();
    // Per group, the best alternative's score per document (reset after each group).
    let mut best: Vec<f32> = Vec::new();
    let mut best_touched: Vec<u32> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let add = |acc: &mut Vec<f32>, touched: &mut Vec<u32>, d: u32, s: f32| {
        let a = &mut acc[d as usize];
        if *a == 0.0 {
            touched.push(d);
        }
        *a += s;
    };
    for g in groups {
        // A term already scored (in this group or an earlier one) does not count again.
        let fresh: Vec<&String> = g.iter().filter(|t| !seen.contains(&t.as_str())).collect();
        seen.extend(fresh.iter().map(|t| t.as_str()));
        if let [t] = fresh.as_slice() {
            // One term: straight into the accumulator.
            let Some(p) = ix.postings.get(*t) else { continue };
            let w = idf(n, p.len() as u32);
            for &(d, tf) in p {
                add(&mut acc, &mut touched, d, term_score(w, tf as f32, ix.lens[d as usize], avg));
            }
            continue;
        }
        if best.is_empty() {
            best = vec![0.0; ix.len()];
        }
        for t in fresh {
            let Some(p) = ix.postings.get(t) else { continue };
            let w = idf(n, p.len() as u32);
            for &(d, tf) in p {
                let s = term_score(w, tf as f32, ix.lens[d as usize], avg);
                let b = &mut best[d as usize];
                if *b == 0.0 {
                    best_touched.push(d);
                }
                *b = b.max(s);
            }
        }
        for d in best_touched.drain(..) {
            let s = std::mem::take(&mut best[d as usize]);
            add(&mut acc, &mut touched, d, s);
        }
    }
    let mut heap: BinaryHeap<Scored> = BinaryHeap::with_capacity(k + 1);
    for d in touched {
        let s = acc[d as usize] * recency(now, ix.docs[d as usize].dated);
        if heap.len() < k {
            heap.push(Scored(s, d));
        } else if heap.peek().is_some_and(|m| s > m.0 || (s == m.0 && d < m.1)) {
            heap.pop();
            heap.push(Scored(s, d));
        }
    }
    let mut out: Vec<(u32, f32)> = heap.into_iter().map(|Scored(s, d)| (d, s)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The plain reference: score every document term by term, sort all.
pub fn search_reference(ix: &InvertedIndex, query: &str, now: i64, k: usize) -> Vec<(u32, f32)> {
    let n = ix.len() as u32;
    let q = query_terms(query);
    let mut all: Vec<(u32, f32)> = (0..n)
        .filter_map(|d| {
            let mut s = 0.0;
            for t in &q {
                let Some(p) = ix.postings.get(t) else { continue };
                if let Some(&(_, tf)) = p.iter().find(|(x, _)| *x == d) {
                    s += term_score(idf(n, p.len() as u32), tf as f32, ix.docs[d as usize].len as f32, ix.avg_len());
                }
            }
            (s > 0.0).then(|| (d, s * recency(now, ix.docs[d as usize].dated)))
        })
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

/// Facts matching the query (by key words or value words), best first.
pub fn search_facts(facts: &[Fact], query: &str) -> Vec<(usize, f32)> {
    let q = query_terms(query);
    let mut out: Vec<(usize, f32)> = facts
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let ft = terms(&format!("{} {}", f.key.replace('-', " "), f.value));
            let hits = q.iter().filter(|t| ft.contains(t)).count();
            (hits > 0).then_some((i, hits as f32 * FACT_SCORE * f.confidence))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Facts then chunks, top `k` overall.
pub fn search(ix: &InvertedIndex, facts: &[Fact], query: &str, now: i64, k: usize) -> Vec<Passage> {
    search_ranked(ix, facts, query, search_chunks(ix, query, now, k), k)
}

/// Facts matching `query` and the chunks of an already ranked list (`(doc, score)`, best first,
/// scored on the BM25 scale), top `k` overall.
pub fn search_ranked(ix: &InvertedIndex, facts: &[Fact], query: &str, chunks: Vec<(u32, f32)>, k: usize) -> Vec<Passage> {
    let mut out: Vec<Passage> = search_facts(facts, query)
        .into_iter()
        .map(|(i, s)| Passage {
            kind: PassageKind::Fact { id: facts[i].id.clone(), key: facts[i].key.clone(), sensitivity: facts[i].sensitivity },
            chunk_id: facts[i].source_chunk.clone(),
            source: "profile".into(),
            score: s,
        })
        .collect();
    out.extend(chunks.into_iter().map(|(d, s)| {
        let m = &ix.docs[d as usize];
        Passage { kind: PassageKind::Chunk, chunk_id: Some(m.id.clone()), source: m.source.clone(), score: s }
    }));
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(k);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ix() -> InvertedIndex {
        let mut ix = InvertedIndex::new();
        ix.add("c0", "a.md", 0, "my cat Muffin hides under the bath");
        ix.add("c1", "b.md", 0, "flights to Bergen booked, seats 14A and 14B");
        ix.add("c2", "c.md", 0, "the cat sitter feeds the cat twice a day in Bergen");
        ix.add("c3", "d.md", 86_400 * 3650, "Bergen trip again, a cat cafe");
        ix
    }

    #[test]
    fn fast_path_matches_reference() {
        let ix = ix();
        for q in ["cat", "bergen cat", "flights", "nothing here", "cat bergen seats bath"] {
            for k in [1, 2, 10] {
                assert_eq!(search_chunks(&ix, q, 86_400 * 3650, k), search_reference(&ix, q, 86_400 * 3650, k), "{q} k={k}");
            }
        }
    }

    #[test]
    fn a_group_of_alternatives_counts_once() {
        let mut ix = ix();
        ix.add("c4", "e.md", 0, "Katze und Kater schlafen, die Katze frisst");
        let plain = search_groups(&ix, &[vec!["cat".into()]], 0, 10);
        let grouped = search_groups(&ix, &[vec!["cat".into(), "katze".into(), "kater".into()]], 0, 10);
        assert!(!plain.iter().any(|x| x.0 == 4) && grouped.iter().any(|x| x.0 == 4), "the translation finds the note: {grouped:?}");
        // The German note scores as one matching word, not three.
        let one = search_groups(&ix, &[vec!["katze".into()]], 0, 10);
        let g4 = grouped.iter().find(|x| x.0 == 4).unwrap().1;
        assert!((g4 - one[0].1).abs() < 1e-4 || g4 < one[0].1 * 1.5, "{g4} vs {:?}", one[0]);
    }

    #[test]
    fn bm25_prefers_more_matches_and_recency_breaks_near_ties() {
        let ix = ix();
        let r = search_chunks(&ix, "cat", 86_400 * 3650, 10);
        assert_eq!(r[0].0, 2, "two mentions beat one");
        let r = search_chunks(&ix, "bergen", 86_400 * 3650, 10);
        assert_eq!(r.len(), 3);
        assert!(r.iter().position(|x| x.0 == 3) < r.iter().position(|x| x.0 == 2), "the recent chunk ranks above the similar old one: {r:?}");
    }

    #[test]
    fn facts_come_with_provenance() {
        use crate::memory::distil::Candidate;
        use crate::memory::l1::fact_from;
        let f = fact_from(&Candidate { key: "t-shirt-size".into(), value: "M".into(), confidence: 0.8, chunk_id: Some("c9".into()), observed_at: 0 }, 0);
        let out = search(&ix(), std::slice::from_ref(&f), "what t-shirt size am I", 0, 3);
        assert_eq!(out[0].kind, PassageKind::Fact { id: f.id.clone(), key: "t-shirt-size".into(), sensitivity: Sensitivity::Personal });
        assert_eq!(out[0].chunk_id.as_deref(), Some("c9"));
        let out = search(&ix(), &[], "Muffin", 0, 3);
        assert_eq!((out[0].source.as_str(), out[0].chunk_id.as_deref()), ("a.md", Some("c0")));
    }
}
