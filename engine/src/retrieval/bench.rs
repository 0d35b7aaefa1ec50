//! The retrieval benchmark, shared by `secondself bench retrieval` (native) and the engine's
//! `bench.retrieval` request (in the browser), so both measure the same corpus and queries.
//!
//! Chunks are 60–200 words drawn from a 20,000-word Zipf-distributed vocabulary (seeded, so
//! every run indexes the same corpus); queries are 2–5 words mixing common and rare terms.
//! Each chunk also gets a random 384-wide vector, so the hybrid search (keywords + meaning) is
//! timed on the same corpus. The caller supplies the clock (`Instant` natively, `performance.now()` in the browser).

use serde::{Deserialize, Serialize};

use super::dense::{encode, DenseIndex};
use super::hybrid::{fuse_with, Fusion};
use super::index::InvertedIndex;
use super::rank::search_chunks;

/// Target median top-10 latency.
pub const TARGET_MS: f64 = 20.0;

/// What one run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrievalBench {
    pub chunks: usize,
    pub terms: usize,
    pub avg_terms_per_chunk: f32,
    pub queries: usize,
    pub generate_ms: f64,
    pub index_ms: f64,
    pub median_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    pub avg_results: f64,
    /// Hybrid top-10 (keywords top 50 + meaning top 50 over 384-wide 8-bit vectors, fused by
    /// relative score), on the same queries with a random query vector.
    #[serde(default)]
    pub hybrid_median_ms: f64,
    #[serde(default)]
    pub hybrid_p95_ms: f64,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn word(i: usize) -> String {
    const SYL: [&str; 16] = ["ka", "lo", "mi", "ren", "to", "sa", "vu", "ne", "por", "li", "da", "qui", "mo", "fen", "ra", "te"];
    let mut s = String::new();
    let mut n = i + 16;
    while n > 0 {
        s.push_str(SYL[n % 16]);
        n /= 16;
    }
    s
}

/// Zipf sampler over `n` ranks by inverse CDF on a precomputed table.
struct Zipf(Vec<f64>);
impl Zipf {
    fn new(n: usize) -> Self {
        let mut acc = 0.0;
        let mut cdf = Vec::with_capacity(n);
        for r in 1..=n {
            acc += 1.0 / r as f64;
            cdf.push(acc);
        }
        cdf.iter_mut().for_each(|c| *c /= acc);
        Zipf(cdf)
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.0.partition_point(|c| *c < u).min(self.0.len() - 1)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Generates `chunks` chunks, indexes them and times `queries` top-10 searches with `now_ms`.
pub fn run(chunks: usize, queries: usize, now_ms: &dyn Fn() -> f64) -> RetrievalBench {
    let vocab: Vec<String> = (0..20_000).map(word).collect();
    let zipf = Zipf::new(vocab.len());
    let mut rng = Rng(0x5EC0_17D5_E1F0_0001);
    let t0 = now_ms();
    let texts: Vec<String> = (0..chunks)
        .map(|_| {
            let n = 60 + (rng.next() % 141) as usize;
            let mut text = String::with_capacity(n * 8);
            for _ in 0..n {
                text.push_str(&vocab[zipf.sample(&mut rng)]);
                text.push(' ');
            }
            text
        })
        .collect();
    let generate_ms = now_ms() - t0;
    let t0 = now_ms();
    let mut ix = InvertedIndex::new();
    for (i, text) in texts.iter().enumerate() {
        ix.add(&format!("c{i}"), "bench", (i as i64) * 600, text);
    }
    let index_ms = now_ms() - t0;
    // Random unit vectors stand in for chunk embeddings: search by meaning costs the same
    // whatever the vectors hold.
    let gauss = |rng: &mut Rng| -> Vec<f32> {
        let v: Vec<f32> = (0..crate::embed::DIM).map(|_| (rng.unit() * 2.0 - 1.0) as f32).collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
        v.into_iter().map(|x| x / n).collect()
    };
    let mut dense = DenseIndex::new(crate::embed::DIM);
    for i in 0..texts.len() {
        dense.add(i as u32, &encode(&format!("c{i}"), "bench", &gauss(&mut rng)));
    }
    let now = chunks as i64 * 600;
    let mut times = Vec::with_capacity(queries);
    let mut hybrid_times = Vec::with_capacity(queries);
    let mut hits = 0usize;
    for _ in 0..queries {
        let n = 2 + (rng.next() % 4) as usize;
        let q: Vec<&str> = (0..n)
            .map(|j| if j == 0 { &vocab[(rng.next() % 200) as usize] } else { &vocab[zipf.sample(&mut rng)] })
            .map(String::as_str)
            .collect();
        let q = q.join(" ");
        let t = now_ms();
        let r = search_chunks(&ix, &q, now, 10);
        times.push(now_ms() - t);
        hits += r.len();
        let qv = gauss(&mut rng);
        let t = now_ms();
        let kw = search_chunks(&ix, &q, now, 50);
        let near = dense.search(&qv, 50);
        let fused = fuse_with(Fusion::default(), &kw, &near, 10);
        hybrid_times.push(now_ms() - t);
        std::hint::black_box(fused);
    }
    times.sort_by(f64::total_cmp);
    hybrid_times.sort_by(f64::total_cmp);
    RetrievalBench {
        chunks: ix.len(),
        terms: ix.postings.len(),
        avg_terms_per_chunk: ix.avg_len(),
        queries,
        generate_ms,
        index_ms,
        median_ms: percentile(&times, 0.5),
        p95_ms: percentile(&times, 0.95),
        max_ms: percentile(&times, 1.0),
        avg_results: hits as f64 / queries.max(1) as f64,
        hybrid_median_ms: percentile(&hybrid_times, 0.5),
        hybrid_p95_ms: percentile(&hybrid_times, 0.95),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn small_run_finds_results() {
        let start = std::time::Instant::now();
        let r = super::run(500, 20, &|| start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(r.chunks, 500);
        assert!(r.avg_results > 0.0, "{r:?}");
        assert!(r.median_ms <= r.p95_ms && r.p95_ms <= r.max_ms);
        assert!(r.hybrid_median_ms > 0.0 && r.hybrid_median_ms <= r.hybrid_p95_ms, "{r:?}");
    }
}
