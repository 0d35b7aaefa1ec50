//! Hybrid ranking: keyword (BM25 × recency, [`super::rank`]) and dense ([`super::dense`])
//! rankings fused by weighted reciprocal rank: a document's score is
//! `Σ weight / (K + rank)` over the lists it appears in. Rank fusion needs no calibration
//! between BM25's unbounded scores and cosines, and a document both lists find rises above one
//! that only one finds. [`explain`] prints the parts, as [`super::bm25::explain`] does.

/// Candidates each ranking offers to a fusion.
pub const DEPTH: usize = 50;

/// The rank offset of reciprocal-rank fusion (the usual 60: the top ranks of a list differ less
/// than 1/rank would make them).
pub const K: f32 = 60.0;

/// How much each list counts. Keywords weigh more by default: names, numbers and words in
/// languages the embedding model does not read are found by keywords only, and on the public
/// LoCoMo conversations (`secondself eval retrieval`, docs/EVAL.md) session recall@10 falls as
/// the weight of meaning rises (0.25: 95.7 %, 0.5: 95.3 %, 1.0: 94.2 %, 1.5: 92.6 %; keywords
/// alone 95.8 %), while meaning finds what shares no word with the question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub keyword: f32,
    pub dense: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { keyword: 1.0, dense: 0.5 }
    }
}

/// How the two rankings are fused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fusion {
    /// [`fuse`]: weighted reciprocal rank.
    Rank(Weights),
    /// [`fuse_scores`]: weighted sum of each list's scores scaled to 0..1.
    Score(Weights),
}

impl Default for Fusion {
    fn default() -> Self {
        Fusion::Score(Weights::default())
    }
}

/// The documents of the dense ranking (`(doc, cosine)`, best first) that are closer in meaning
/// than every document of the keyword ranking, and not in it: at most `max`, with their cosine.
/// With no keyword match, the closest `max`. No threshold to tune: the keyword matches are the
/// yardstick.
pub fn closer_than_keywords(keyword: &[(u32, f32)], dense: &[(u32, f32)], max: usize) -> Vec<(u32, f32)> {
    let bar = dense.iter().filter(|d| keyword.iter().any(|k| k.0 == d.0)).map(|d| d.1).fold(f32::NEG_INFINITY, f32::max);
    // Keyword matches beyond the dense list's depth are farther than its last entry.
    let bar = if keyword.is_empty() { f32::NEG_INFINITY } else if bar.is_finite() { bar } else { dense.last().map_or(f32::NEG_INFINITY, |d| d.1) };
    dense.iter().filter(|d| d.1 > bar && !keyword.iter().any(|k| k.0 == d.0)).take(max).copied().collect()
}

/// Fuses by `fusion`.
pub fn fuse_with(fusion: Fusion, keyword: &[(u32, f32)], dense: &[(u32, f32)], k: usize) -> Vec<Fused> {
    match fusion {
        Fusion::Rank(w) => fuse(keyword, dense, w, k),
        Fusion::Score(w) => fuse_scores(keyword, dense, w, k),
    }
}

/// One fused result: the document, its fused score, its rank in each list (1-based) and what
/// each list added to the score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fused {
    pub doc: u32,
    pub score: f32,
    pub keyword_rank: Option<usize>,
    pub dense_rank: Option<usize>,
    pub keyword_part: f32,
    pub dense_part: f32,
}

/// Fuses two scored rankings (best first) into the top `k` by relative score: each list's scores
/// are scaled to 0..1 between its lowest and highest candidate, then summed with the weights. A
/// candidate one list does not hold gets 0 from it. Unlike rank fusion, a long tail of weak
/// keyword matches (one common word in common) does not outrank the closest meaning.
pub fn fuse_scores(keyword: &[(u32, f32)], dense: &[(u32, f32)], w: Weights, k: usize) -> Vec<Fused> {
    let scale = |list: &[(u32, f32)]| -> Vec<f32> {
        let (lo, hi) = list.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), x| (lo.min(x.1), hi.max(x.1)));
        list.iter().map(|x| if hi > lo { (x.1 - lo) / (hi - lo) } else { 1.0 }).collect()
    };
    let (ks, ds) = (scale(keyword), scale(dense));
    let mut out: Vec<Fused> = Vec::with_capacity(keyword.len() + dense.len());
    for (r, (&(doc, _), s)) in keyword.iter().zip(&ks).enumerate() {
        out.push(Fused { doc, score: w.keyword * s, keyword_rank: Some(r + 1), dense_rank: None, keyword_part: w.keyword * s, dense_part: 0.0 });
    }
    for (r, (&(doc, _), s)) in dense.iter().zip(&ds).enumerate() {
        match out.iter_mut().find(|f| f.doc == doc) {
            Some(f) => {
                f.score += w.dense * s;
                f.dense_part = w.dense * s;
                f.dense_rank = Some(r + 1);
            }
            None => out.push(Fused { doc, score: w.dense * s, keyword_rank: None, dense_rank: Some(r + 1), keyword_part: 0.0, dense_part: w.dense * s }),
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    out.truncate(k);
    out
}

/// Fuses two rankings (best first) into the top `k` by reciprocal rank.
pub fn fuse(keyword: &[(u32, f32)], dense: &[(u32, f32)], w: Weights, k: usize) -> Vec<Fused> {
    let mut out: Vec<Fused> = Vec::with_capacity(keyword.len() + dense.len());
    for (r, &(doc, _)) in keyword.iter().enumerate() {
        let part = w.keyword / (K + r as f32 + 1.0);
        out.push(Fused { doc, score: part, keyword_rank: Some(r + 1), dense_rank: None, keyword_part: part, dense_part: 0.0 });
    }
    for (r, &(doc, _)) in dense.iter().enumerate() {
        let part = w.dense / (K + r as f32 + 1.0);
        match out.iter_mut().find(|f| f.doc == doc) {
            Some(f) => {
                f.score += part;
                f.dense_part = part;
                f.dense_rank = Some(r + 1);
            }
            None => out.push(Fused { doc, score: part, keyword_rank: None, dense_rank: Some(r + 1), keyword_part: 0.0, dense_part: part }),
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    out.truncate(k);
    out
}

/// The parts of a fused score, for `memory search --explain` and debugging.
pub fn explain(f: &Fused) -> String {
    let part = |rank: Option<usize>, value: f32, name: &str| match rank {
        Some(r) => format!("{name} rank {r} ({value:.3})"),
        None => format!("{name}: not found"),
    };
    format!("{:.3} = {} + {}", f.score, part(f.keyword_rank, f.keyword_part, "keywords"), part(f.dense_rank, f.dense_part, "meaning"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_by_both_beats_found_by_one() {
        let kw = [(1, 9.0), (2, 5.0), (3, 1.0)];
        let dense = [(4, 0.8), (2, 0.7)];
        let even = Weights { keyword: 1.0, dense: 1.0 };
        let f = fuse(&kw, &dense, even, 10);
        assert_eq!(f[0].doc, 2, "{f:?}");
        assert_eq!(f.len(), 4);
        assert_eq!((f[0].keyword_rank, f[0].dense_rank), (Some(2), Some(2)));
        assert!(explain(&f[0]).contains("keywords rank 2"));
    }

    #[test]
    fn weights_and_cut() {
        let kw = [(1, 9.0)];
        let dense = [(2, 0.9)];
        let w = Weights { keyword: 2.0, dense: 1.0 };
        let f = fuse(&kw, &dense, w, 1);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].doc, 1);
        assert!(fuse(&[], &[], w, 5).is_empty());
    }

    #[test]
    fn meaning_adds_only_what_is_closer_than_every_keyword_match() {
        let kw = [(1, 9.0), (2, 3.0)];
        let dense = [(7, 0.8), (2, 0.6), (8, 0.5), (1, 0.4)];
        assert_eq!(closer_than_keywords(&kw, &dense, 5), [(7, 0.8)]);
        assert_eq!(closer_than_keywords(&[], &dense, 2), [(7, 0.8), (2, 0.6)], "no keyword match: the closest");
        // Keyword matches the dense list does not reach: everything it holds is closer.
        assert_eq!(closer_than_keywords(&[(5, 1.0)], &dense, 2), [(7, 0.8), (2, 0.6)]);
        assert!(closer_than_keywords(&kw, &[], 3).is_empty());
    }

    #[test]
    fn a_weak_keyword_tail_does_not_outrank_the_closest_meaning() {
        // Keyword matches: one strong, then weak ones sharing a common word.
        let kw = [(1, 12.0), (2, 1.1), (3, 1.0), (4, 0.9)];
        // Meaning: document 9 (no word in common) is by far the closest.
        let dense = [(9, 0.71), (2, 0.35), (3, 0.30)];
        let f = fuse_scores(&kw, &dense, Weights::default(), 3);
        assert_eq!(f.iter().map(|x| x.doc).collect::<Vec<_>>()[..2], [1, 9], "{f:?}");
        assert!(explain(&f[1]).contains("keywords: not found"));
        // Rank fusion lets the tail win.
        let r = fuse(&kw, &dense, Weights::default(), 3);
        assert!(!r.iter().any(|x| x.doc == 9), "{r:?}");
    }
}
