//! `secondself eval retrieval DIR… [-k K] [--json FILE]`: session-level recall of `memory search`
//! on persona-format LoCoMo conversations (`../shared/data/locomo/<id>`): for every case with
//! evidence `sessions`, does one of the top 5 / top K hits come from one of those sessions (a hit's
//! source file is `…-session-NN.md`)? Printed per conversation and overall, for keywords alone
//! (BM25 × recency), meaning alone (all-MiniLM-L6-v2) and both fused — the three rankings
//! [`secondself_engine::retrieval::hits::search_with`] offers, on the store the conversation is
//! imported into as a user's notes would be (chunks embedded at import).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::retrieval::hits::{search_weighted, search_with, Hit, Mode};
use secondself_engine::retrieval::hybrid;
use serde_json::{json, Value};

use super::embedder;
use super::eval_persona::import_persona;
use super::memory::now;

/// `secondself eval retrieval …`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Conversation directories in the persona format (`sources/`, `cases.jsonl` with `sessions`).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// The larger cut-off (the smaller is 5).
    #[arg(short = 'k', long, default_value_t = 10)]
    pub k: usize,
    /// Also write the table as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

const MODES: [(Mode, &str); 3] = [(Mode::Keywords, "keywords (BM25)"), (Mode::Meaning, "meaning (MiniLM)"), (Mode::Hybrid, "hybrid")];

/// Hits at 5 and at K per mode, and the number of questions.
#[derive(Debug, Default, Clone)]
struct Tally {
    questions: usize,
    at5: [usize; 3],
    atk: [usize; 3],
    /// R@K of the hybrid ranking with each fusion of [`SWEEP`].
    sweep: [usize; 8],
}

/// Fusions (method, weight of meaning against keywords' 1.0) the run also measures hybrid
/// recall with.
const SWEEP: [hybrid::Fusion; 8] = {
    use hybrid::{Fusion, Weights};
    const fn w(dense: f32) -> Weights {
        Weights { keyword: 1.0, dense }
    }
    [Fusion::Rank(w(0.25)), Fusion::Rank(w(0.5)), Fusion::Rank(w(1.0)), Fusion::Score(w(0.25)), Fusion::Score(w(0.5)), Fusion::Score(w(0.75)), Fusion::Score(w(1.0)), Fusion::Score(w(1.5))]
};

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.questions += o.questions;
        for m in 0..3 {
            self.at5[m] += o.at5[m];
            self.atk[m] += o.atk[m];
        }
        for i in 0..SWEEP.len() {
            self.sweep[i] += o.sweep[i];
        }
    }
    fn pct(n: usize, of: usize) -> f64 {
        if of == 0 {
            0.0
        } else {
            100.0 * n as f64 / of as f64
        }
    }
}

/// The session number of a hit's source file name (`notes/2023-05-08-session-01.md` → 1).
fn session_of(source: &str) -> Option<u64> {
    let at = source.rfind("session-")?;
    source[at + 8..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

fn evaluate(dir: &Path, e: &secondself_engine::embed::Embedder, k: usize) -> Result<(Tally, usize, f64)> {
    let raw = std::fs::read_to_string(dir.join("cases.jsonl")).with_context(|| format!("reading {}", dir.join("cases.jsonl").display()))?;
    let tmp = std::env::temp_dir().join(format!("secondself-eval-retrieval-{}-{}", std::process::id(), now()));
    let result = (|| {
        let (mut store, _) = import_persona(dir, &tmp, None)?;
        let started = Instant::now();
        let chunks = embedder::embed_store(&mut store, e, false)?;
        let seconds = started.elapsed().as_secs_f64();
        let mut t = Tally::default();
        for (n, line) in raw.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let c: Value = serde_json::from_str(line).with_context(|| format!("cases.jsonl line {}", n + 1))?;
            let sessions: Vec<u64> = c["sessions"].as_array().map(|a| a.iter().filter_map(Value::as_u64).collect()).unwrap_or_default();
            let Some(question) = c["question"].as_str().filter(|_| !sessions.is_empty()) else { continue };
            // Every question here is English; the recall of meaning is measured on all of them.
            let q = pollster::block_on(e.embed_one(question)).map_err(|err| anyhow::anyhow!("{err}"))?;
            t.questions += 1;
            for (m, (mode, _)) in MODES.iter().enumerate() {
                let hits = pollster::block_on(search_with(&store, question, Some(&q), *mode, now(), k))?;
                let found: Vec<bool> = hits
                    .iter()
                    .map(|h| match h {
                        Hit::Chunk { source, .. } | Hit::Fact { source, .. } => session_of(source).is_some_and(|s| sessions.contains(&s)),
                    })
                    .collect();
                t.at5[m] += found.iter().take(5).any(|&f| f) as usize;
                t.atk[m] += found.iter().take(k).any(|&f| f) as usize;
            }
            for (i, w) in SWEEP.iter().enumerate() {
                let hits = pollster::block_on(search_weighted(&store, question, Some(&q), Mode::Hybrid, *w, now(), k))?;
                let found = hits.iter().take(k).any(|h| match h {
                    Hit::Chunk { source, .. } | Hit::Fact { source, .. } => session_of(source).is_some_and(|s| sessions.contains(&s)),
                });
                t.sweep[i] += found as usize;
            }
        }
        Ok((t, chunks, seconds))
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

pub fn run(args: Args) -> Result<()> {
    if args.k < 5 {
        bail!("-k must be at least 5");
    }
    let e = embedder::load()?;
    let mut total = Tally::default();
    let mut rows = Vec::new();
    let (mut chunks, mut seconds) = (0, 0.0);
    println!("{:<14} {:>5}  {:<18} {:>6} {:>6}", "conversation", "cases", "ranking", "R@5", format!("R@{}", args.k));
    for dir in &args.dirs {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (t, c, s) = evaluate(dir, &e, args.k)?;
        chunks += c;
        seconds += s;
        for (m, (_, label)) in MODES.iter().enumerate() {
            println!("{:<14} {:>5}  {:<18} {:>5.1}% {:>5.1}%", name, t.questions, label, Tally::pct(t.at5[m], t.questions), Tally::pct(t.atk[m], t.questions));
        }
        rows.push((name, t.clone()));
        total.add(&t);
    }
    for (m, (_, label)) in MODES.iter().enumerate() {
        println!("{:<14} {:>5}  {:<18} {:>5.1}% {:>5.1}%", "overall", total.questions, label, Tally::pct(total.at5[m], total.questions), Tally::pct(total.atk[m], total.questions));
    }
    println!(
        "hybrid R@{} by fusion (method, weight of meaning against keywords): {}",
        args.k,
        SWEEP.iter().zip(total.sweep).map(|(f, n)| {
            let (name, w) = match f {
                hybrid::Fusion::Rank(w) => ("rank", w.dense),
                hybrid::Fusion::Score(w) => ("score", w.dense),
            };
            format!("{name} {w}: {:.1}%", Tally::pct(n, total.questions))
        }).collect::<Vec<_>>().join(", ")
    );
    println!("embedded {chunks} chunks in {seconds:.1} s ({:.1} chunks/s, CPU)", chunks as f64 / seconds.max(1e-9));
    if let Some(path) = args.json {
        let table = |t: &Tally| {
            json!(MODES.iter().enumerate().map(|(m, (_, label))| json!({
                "ranking": label, "r5": Tally::pct(t.at5[m], t.questions), format!("r{}", args.k): Tally::pct(t.atk[m], t.questions)
            })).collect::<Vec<_>>())
        };
        let out = json!({
            "k": args.k,
            "conversations": rows.iter().map(|(n, t)| json!({"id": n, "questions": t.questions, "rankings": table(t)})).collect::<Vec<_>>(),
            "overall": {"questions": total.questions, "rankings": table(&total)},
            "embedding": {"chunks": chunks, "seconds": seconds},
        });
        std::fs::write(&path, serde_json::to_string_pretty(&out)? + "\n").with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_numbers_come_from_file_names() {
        assert_eq!(session_of("notes/2023-05-08-session-01.md"), Some(1));
        assert_eq!(session_of("notes/2024-01-02-session-17.md"), Some(17));
        assert_eq!(session_of("notes/holiday.md"), None);
    }
}
