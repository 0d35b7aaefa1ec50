//! `secondself bench retrieval`: top-10 query latency over 50,000 generated chunks, natively.
//!
//! Chunks are 60–200 words drawn from a 20,000-word Zipf-distributed vocabulary (seeded, so
//! every run indexes the same corpus); queries are 2–5 words mixing common and rare terms.
//! Prints build time and the median / p95 / max of per-query latency against the 20 ms target.

use std::time::Instant;

use anyhow::Result;
use clap::Args as ClapArgs;
use secondself_engine::retrieval::index::InvertedIndex;
use secondself_engine::retrieval::rank::search_chunks;

/// `secondself bench retrieval`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Number of chunks to index.
    #[arg(long, default_value_t = 50_000)]
    pub chunks: usize,
    /// Number of timed queries.
    #[arg(long, default_value_t = 500)]
    pub queries: usize,
}

/// Target median top-10 latency.
pub const TARGET_MS: f64 = 20.0;

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
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn run(args: Args) -> Result<()> {
    let vocab: Vec<String> = (0..20_000).map(word).collect();
    let zipf = Zipf::new(vocab.len());
    let mut rng = Rng(0x5EC0_17D5_E1F0_0001);
    let t0 = Instant::now();
    let mut ix = InvertedIndex::new();
    let mut text = String::new();
    for i in 0..args.chunks {
        text.clear();
        let n = 60 + (rng.next() % 141) as usize;
        for _ in 0..n {
            text.push_str(&vocab[zipf.sample(&mut rng)]);
            text.push(' ');
        }
        ix.add(&format!("c{i}"), "bench", (i as i64) * 600, &text);
    }
    let build = t0.elapsed();
    let now = args.chunks as i64 * 600;
    let mut times = Vec::with_capacity(args.queries);
    let mut hits = 0usize;
    for _ in 0..args.queries {
        let n = 2 + (rng.next() % 4) as usize;
        let q: Vec<&str> = (0..n)
            .map(|j| if j == 0 { &vocab[(rng.next() % 200) as usize] } else { &vocab[zipf.sample(&mut rng)] })
            .map(String::as_str)
            .collect();
        let q = q.join(" ");
        let t = Instant::now();
        let r = search_chunks(&ix, &q, now, 10);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        hits += r.len();
    }
    times.sort_by(f64::total_cmp);
    let (median, p95, max) = (percentile(&times, 0.5), percentile(&times, 0.95), percentile(&times, 1.0));
    println!("retrieval bench: {} chunks, {} terms, avg {:.0} terms/chunk, index built in {:.2} s", ix.len(), ix.postings.len(), ix.avg_len(), build.as_secs_f64());
    println!("| metric (top-10, {} queries) | ms     | target |", args.queries);
    println!("|------------------------------|--------|--------|");
    println!("| median                       | {median:>6.2} | < {TARGET_MS:.0}   |");
    println!("| p95                          | {p95:>6.2} |        |");
    println!("| max                          | {max:>6.2} |        |");
    println!("(avg {:.1} results per query) {}", hits as f64 / args.queries as f64, if median < TARGET_MS { "PASS" } else { "FAIL: median over target" });
    Ok(())
}
