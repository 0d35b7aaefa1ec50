//! `secondself eval locomo DIR… [--extractive] [--limit N] [--json FILE] [-v]`: runs the memory
//! cases of persona-format LoCoMo conversations (`../shared/data/locomo/<id>`) and prints, per
//! conversation and overall, LoCoMo's token F1 per category number (1 multi-hop, 2 temporal,
//! 3 open-domain, 4 single-hop, as LoCoMo's own code names them), the share of replies holding
//! the gold answer and the median answer length in words.
//!
//! Each conversation is imported into a fresh store and distilled as a user's would be; each
//! question goes retrieve → prepare → the model → finish, as in the side panel
//! ([`secondself_engine::tasks::memory_qa`]). `--extractive` scores the pipeline without the
//! model (its fallback alone).
//!
//! The metric is LoCoMo's (`task_eval/evaluation.py`): lower case, punctuation and the words
//! `a`, `an`, `the`, `and` removed, tokens stemmed, then token F1 against the gold answer; for
//! category 1 the gold answer is split at commas and each part takes its best F1 against the
//! comma-separated parts of the reply (the mean over gold parts); for category 3 only the gold
//! answer before its first `;` counts. LoCoMo stems with NLTK's Porter stemmer; this uses the
//! Snowball English stemmer (Porter's revision), which treats a few rare suffixes differently.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use rust_stemmers::{Algorithm, Stemmer};
use secondself_engine::embed::Embedder;
use secondself_engine::tasks::memory_qa::Asker;
use serde_json::Value;

use super::eval_persona::{import_persona, load_model, Generate};
use super::memory::now;

/// `secondself eval locomo …`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Conversation directories in the persona format (`sources/`, `cases.jsonl`).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Without the model: the pipeline's extractive answer alone.
    #[arg(long)]
    pub extractive: bool,
    /// Only the first N questions of each conversation (for model runs on a few cores).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Also write the table as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Print every question with the reply and the gold answer.
    #[arg(long, short)]
    pub verbose: bool,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// CPU worker threads for the model (default: all cores, at most 8).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Retrieve by keywords alone (no embedding model), as before hybrid retrieval.
    #[arg(long)]
    pub keywords_only: bool,
}

/// LoCoMo's category names, by number.
pub const CATEGORIES: [(u8, &str); 4] = [(1, "multi-hop"), (2, "temporal"), (3, "open-domain"), (4, "single-hop")];

/// LoCoMo's answer normalisation, then stemmed tokens.
pub fn tokens(text: &str) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::English);
    let lower = text.to_lowercase().replace(',', "");
    let no_punct: String = lower.chars().filter(|c| !c.is_ascii_punctuation()).collect();
    no_punct.split_whitespace().filter(|w| !matches!(*w, "a" | "an" | "the" | "and")).map(|w| stemmer.stem(w).into_owned()).collect()
}

/// Token F1 of a reply against one gold answer.
pub fn f1(reply: &str, gold: &str) -> f64 {
    let (p, g) = (tokens(reply), tokens(gold));
    if p.is_empty() || g.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for t in &g {
        *counts.entry(t).or_default() += 1;
    }
    let mut same = 0;
    for t in &p {
        if let Some(c) = counts.get_mut(t.as_str()) {
            if *c > 0 {
                *c -= 1;
                same += 1;
            }
        }
    }
    if same == 0 {
        return 0.0;
    }
    let (precision, recall) = (same as f64 / p.len() as f64, same as f64 / g.len() as f64);
    2.0 * precision * recall / (precision + recall)
}

/// The score of a reply for a question of `category`, as LoCoMo computes it.
pub fn score(category: u8, reply: &str, gold: &str) -> f64 {
    match category {
        1 => {
            let replies: Vec<&str> = reply.split(',').map(str::trim).collect();
            let golds: Vec<&str> = gold.split(',').map(str::trim).collect();
            golds.iter().map(|g| replies.iter().map(|r| f1(r, g)).fold(0.0, f64::max)).sum::<f64>() / golds.len().max(1) as f64
        }
        3 => f1(reply, gold.split(';').next().unwrap_or(gold).trim()),
        _ => f1(reply, gold),
    }
}

/// The scores of one conversation (or of all).
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// category → (sum of F1, questions)
    pub f1: HashMap<u8, (f64, usize)>,
    /// Replies holding the (normalised) gold answer.
    pub holds: usize,
    pub questions: usize,
    pub words: Vec<usize>,
}

impl Tally {
    fn add(&mut self, category: u8, reply: &str, gold: &str) {
        let e = self.f1.entry(category).or_default();
        e.0 += score(category, reply, gold);
        e.1 += 1;
        self.questions += 1;
        let (r, g) = (tokens(reply).join(" "), tokens(gold).join(" "));
        self.holds += (!g.is_empty() && format!(" {r} ").contains(&format!(" {g} "))) as usize;
        self.words.push(reply.split_whitespace().count());
    }

    fn merge(&mut self, other: &Tally) {
        for (k, (s, n)) in &other.f1 {
            let e = self.f1.entry(*k).or_default();
            e.0 += s;
            e.1 += n;
        }
        self.holds += other.holds;
        self.questions += other.questions;
        self.words.extend(&other.words);
    }

    /// F1 × 100 of a category, `None` without questions.
    pub fn category(&self, c: u8) -> Option<f64> {
        self.f1.get(&c).filter(|(_, n)| *n > 0).map(|(s, n)| 100.0 * s / *n as f64)
    }

    pub fn overall(&self) -> f64 {
        let (s, n) = self.f1.values().fold((0.0, 0), |(s, n), (a, b)| (s + a, n + b));
        if n == 0 {
            0.0
        } else {
            100.0 * s / n as f64
        }
    }

    pub fn median_words(&self) -> usize {
        let mut w = self.words.clone();
        w.sort_unstable();
        w.get(w.len() / 2).copied().unwrap_or(0)
    }

    fn row(&self, name: &str) -> String {
        let cat = |c: u8| self.category(c).map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into());
        format!(
            "| {name} | {} | {} | {} | {} | {:.1} | {}/{} ({:.0}%) | {} |",
            cat(1),
            cat(2),
            cat(3),
            cat(4),
            self.overall(),
            self.holds,
            self.questions,
            100.0 * self.holds as f64 / self.questions.max(1) as f64,
            self.median_words()
        )
    }
}

/// Runs one conversation's memory cases.
pub fn evaluate(dir: &Path, mut generate: Option<&mut Generate>, limit: Option<usize>, verbose: bool, embedder: Option<&Embedder>) -> Result<(Tally, Vec<String>)> {
    let raw = std::fs::read_to_string(dir.join("cases.jsonl")).with_context(|| format!("reading {}", dir.join("cases.jsonl").display()))?;
    let tmp = std::env::temp_dir().join(format!("secondself-eval-locomo-{}-{}", std::process::id(), now()));
    let result = (|| {
        let (mut store, _) = import_persona(dir, &tmp, embedder)?;
        // Answered through the engine's service, as the side panel's chat answers.
        let service = super::memory::service(&mut store, embedder, generate.as_deref_mut());
        let mut tally = Tally::default();
        let mut lines = Vec::new();
        for (n, line) in raw.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            if limit.is_some_and(|l| n >= l) {
                break;
            }
            let c: Value = serde_json::from_str(line).with_context(|| format!("cases.jsonl line {}", n + 1))?;
            if c["task"].as_str() != Some("memory_self") {
                continue;
            }
            let question = c["question"].as_str().unwrap_or("");
            let gold = match &c["answer"] {
                Value::String(s) => s.clone(),
                Value::Null => continue,
                other => other.to_string(),
            };
            let category = c["category"].as_u64().unwrap_or(0) as u8;
            let answer = pollster::block_on(service.ask(question, &Asker::User, &|_| {}))?.answer;
            tally.add(category, &answer.text, &gold);
            if verbose {
                lines.push(format!("[{category}] {:.2} {question} -> {} (gold: {gold})", score(category, &answer.text, &gold), answer.text));
            }
        }
        Ok((tally, lines))
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// The table's header.
pub fn header() -> String {
    let names: Vec<String> = CATEGORIES.iter().map(|(n, name)| format!("{n} {name}")).collect();
    format!("| conversation | {} | overall F1 | replies holding the gold answer | median words |\n|---|---|---|---|---|---|---|---|", names.join(" | "))
}

pub fn run(args: Args) -> Result<()> {
    let mut model = if args.extractive {
        None
    } else {
        Some(load_model(args.model.clone(), args.threads, None).context("the model is not available (use --extractive to score without it)")?)
    };
    let embedder = if args.keywords_only { None } else { Some(super::embedder::load()?) };
    let mut total = Tally::default();
    let mut rows = Vec::new();
    let mut json = serde_json::Map::new();
    for dir in &args.dirs {
        if !dir.join("cases.jsonl").exists() {
            bail!("{} has no cases.jsonl", dir.display());
        }
        let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let (tally, lines) = evaluate(dir, model.as_deref_mut(), args.limit, args.verbose, embedder.as_ref())?;
        for l in lines {
            println!("{name} {l}");
        }
        eprintln!("{name}: {} questions, F1 {:.1}", tally.questions, tally.overall());
        rows.push(tally.row(&name));
        json.insert(name, tally_json(&tally));
        total.merge(&tally);
    }
    println!("{} ({})", if args.extractive { "extractive, no model" } else { "model" }, "LoCoMo token F1 × 100 by category number");
    println!("{}", header());
    for r in &rows {
        println!("{r}");
    }
    println!("{}", total.row("all"));
    json.insert("all".into(), tally_json(&total));
    if let Some(path) = args.json {
        std::fs::write(&path, serde_json::to_string_pretty(&Value::Object(json))? + "\n").with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn tally_json(t: &Tally) -> Value {
    let mut m = serde_json::Map::new();
    for (c, _) in CATEGORIES {
        m.insert(format!("f1_{c}"), t.category(c).map(Value::from).unwrap_or(Value::Null));
    }
    m.insert("f1".into(), t.overall().into());
    m.insert("holds_gold".into(), t.holds.into());
    m.insert("questions".into(), t.questions.into());
    m.insert("median_words".into(), t.median_words().into());
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_f1_follows_locomo() {
        assert_eq!(f1("The 7 May, 2023", "7 May 2023"), 1.0);
        // Articles and `and` do not count; stems do.
        assert!((f1("painting and running", "paints") - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(f1("no idea", "7 May 2023"), 0.0);
        // Category 1: each gold part takes its best reply part.
        assert!((score(1, "hiking, pottery", "pottery, hiking, painting") - 2.0 / 3.0).abs() < 1e-9);
        // Category 3: the gold answer before `;`.
        assert_eq!(score(3, "likely yes", "Likely yes; she enjoys it"), 1.0);
    }

    #[test]
    fn the_tally_counts_replies_holding_the_gold_answer() {
        let mut t = Tally::default();
        t.add(2, "the week before 9 June 2023", "The week before 9 June 2023");
        t.add(4, "a violin", "a cello");
        assert_eq!((t.holds, t.questions, t.median_words()), (1, 2, 6));
        assert_eq!(t.category(4), Some(0.0));
        assert!(t.row("x").starts_with("| x | – | 100.0 | – | 0.0 | 50.0 | 1/2 (50%) |"), "{}", t.row("x"));
    }
}
