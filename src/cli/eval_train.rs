//! `secondself eval train`: does LoRA training work on the real model? SFT on 16 invented facts
//! (closed-book questions in five languages, `tests/fixtures/train/facts.jsonl`), then greedy
//! recall of each fact from its question and from a paraphrase the training never saw, and a
//! general question the adapter must not break ("What is the capital of France?" → Paris). Then
//! DPO from that adapter on 10 facts (the answer preferred over a refusal) and the
//! chosen-over-rejected log-probability margin on the 6 held-out facts, before and after.
//! Prints a table (results go to docs/EVAL.md); writes the adapters to `--out`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::generate::{GenerationParams, SamplerParams};
use secondself_engine::model::LanguageModel;
use secondself_engine::tokenizer::ChatMessage;
use secondself_engine::training::data::{tokenize, tokenize_pair, Preference};
use secondself_engine::training::trainer::preference_margins;
use secondself_engine::training::{Frozen, Objective, TrainConfig, Trainer};
use serde::Deserialize;

use super::model_choice::{model_file, set_threads, BackendChoice};
use super::plot::loss_svg;
use super::train_lora::{drive, load_base};

const FACTS: &str = include_str!("../../tests/fixtures/train/facts.jsonl");
/// Facts whose preference pairs DPO trains on; the rest are held out.
const DPO_TRAIN: usize = 10;

/// `secondself eval train`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// SFT updates.
    #[arg(long, default_value_t = 60)]
    pub sft_steps: u64,
    /// SFT peak learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub sft_lr: f32,
    /// DPO updates.
    #[arg(long, default_value_t = 20)]
    pub dpo_steps: u64,
    /// DPO peak learning rate.
    #[arg(long, default_value_t = 1e-4)]
    pub dpo_lr: f32,
    /// LoRA rank.
    #[arg(long, default_value_t = 8)]
    pub rank: usize,
    /// Compute backend for training.
    #[arg(long, value_enum, default_value_t = BackendChoice::Cpu)]
    pub backend: BackendChoice,
    /// CPU worker threads.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Where to write the adapters and loss curves.
    #[arg(long, default_value = "target/eval-train")]
    pub out: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Fact {
    question: String,
    answer: String,
    key: String,
    paraphrase: String,
    refusal: String,
}

fn facts() -> Result<Vec<Fact>> {
    FACTS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).context("tests/fixtures/train/facts.jsonl"))
        .collect()
}

fn greedy(model: &mut LanguageModel, question: &str) -> Result<String> {
    let params = GenerationParams {
        sampler: SamplerParams { temperature: 0.0, ..SamplerParams::default() },
        max_tokens: 40,
        stop_tokens: Vec::new(),
    };
    let c = pollster::block_on(model.complete(&[ChatMessage::user(question)], &params, &mut |_| {}, &|| false))?;
    Ok(c.text)
}

/// Recall of the facts from their questions and paraphrases, and the France check.
struct Recall {
    asked: usize,
    paraphrased: usize,
    paris: bool,
    answers: Vec<String>,
}

fn recall(model: &mut LanguageModel, facts: &[Fact]) -> Result<Recall> {
    let has = |text: &str, key: &str| text.to_lowercase().contains(&key.to_lowercase());
    let (mut asked, mut paraphrased, mut answers) = (0, 0, Vec::new());
    for f in facts {
        let a = greedy(model, &f.question)?;
        asked += has(&a, &f.key) as usize;
        let p = greedy(model, &f.paraphrase)?;
        paraphrased += has(&p, &f.key) as usize;
        answers.push(format!("{} → {} | {} → {}", f.question, a.trim(), f.paraphrase, p.trim()));
    }
    let france = greedy(model, "What is the capital of France?")?;
    Ok(Recall { asked, paraphrased, paris: france.contains("Paris"), answers })
}

pub fn run(args: Args) -> Result<()> {
    set_threads(args.threads);
    std::fs::create_dir_all(&args.out)?;
    let path = model_file(args.model.clone())?;
    let base = load_base(&path)?;
    let facts = facts()?;
    let mut model = LanguageModel::load_file(&path, &BackendChoice::Cpu.device())?;

    eprintln!("base model: asking {} questions and their paraphrases…", facts.len());
    let before = recall(&mut model, &facts)?;

    let sft: Vec<_> = facts
        .iter()
        .map(|f| tokenize(&base.tokenizer, &[ChatMessage::user(f.question.as_str()), ChatMessage::assistant(f.answer.as_str())]))
        .collect();
    let mut cfg = TrainConfig { steps: args.sft_steps, lr: args.sft_lr, warmup: (args.sft_steps / 10).max(1), ..TrainConfig::default() };
    cfg.lora.rank = args.rank;
    cfg.lora.alpha = 2.0 * args.rank as f32;
    let device = args.backend.device();
    let frozen = Frozen::new(base.config.clone(), &base.weights, &device)?;
    let started = Instant::now();
    let mut trainer = pollster::block_on(Trainer::new(frozen.clone(), cfg.clone(), Objective::Sft(sft), None))?;
    let mut sft_curve = Vec::new();
    eprintln!("SFT: {} steps on {}", cfg.steps, args.backend.label());
    let sft_run = drive(&mut trainer, false, &mut sft_curve, |_, _| {})?;
    let sft_adapter = trainer.adapter().clone();
    std::fs::write(args.out.join("facts-sft.gguf"), sft_adapter.to_gguf_bytes())?;
    std::fs::write(args.out.join("facts-sft.loss.svg"), loss_svg(&sft_curve, "SFT loss, 16 invented facts"))?;

    model.set_adapter(Some(&sft_adapter))?;
    let after = recall(&mut model, &facts)?;

    // The same adapter file in llama.cpp (node-llama-cpp's native build): its greedy answers.
    let prompts: Vec<Vec<u32>> = facts.iter().map(|f| base.tokenizer.encode_chat(&[ChatMessage::user(f.question.as_str())], true)).collect();
    let in_llama_cpp = match super::bench_peers::llama_cpp_lora(&path, Some(&args.out.join("facts-sft.gguf")), &prompts, 24) {
        Ok(out) => {
            let hits = facts
                .iter()
                .zip(&out)
                .filter(|(f, o)| base.tokenizer.decode(&o.greedy).to_lowercase().contains(&f.key.to_lowercase()))
                .count();
            format!("{hits}/{}", facts.len())
        }
        Err(e) => {
            eprintln!("llama.cpp cross-check skipped: {e:#}");
            "not run".into()
        }
    };

    let pairs = |range: std::ops::Range<usize>, paraphrase: bool| -> Vec<_> {
        facts[range]
            .iter()
            .map(|f| {
                let q = if paraphrase { &f.paraphrase } else { &f.question };
                tokenize_pair(
                    &base.tokenizer,
                    &Preference { prompt: vec![ChatMessage::user(q.as_str())], chosen: f.answer.clone(), rejected: f.refusal.clone() },
                )
            })
            .collect()
    };
    let train_pairs = pairs(0..DPO_TRAIN, false);
    let mut held_out = pairs(DPO_TRAIN..facts.len(), false);
    held_out.extend(pairs(DPO_TRAIN..facts.len(), true));
    let margin_before = pollster::block_on(preference_margins(&frozen, &sft_adapter, &held_out))?;
    let dpo_cfg = TrainConfig { steps: args.dpo_steps, lr: args.dpo_lr, warmup: 2, beta: 0.1, ..cfg.clone() };
    let mut dpo = pollster::block_on(Trainer::new(frozen.clone(), dpo_cfg.clone(), Objective::Dpo(train_pairs), Some(sft_adapter.clone())))?;
    let mut dpo_curve = Vec::new();
    eprintln!("DPO: {} steps", dpo_cfg.steps);
    let dpo_run = drive(&mut dpo, false, &mut dpo_curve, |_, _| {})?;
    std::fs::write(args.out.join("facts-dpo.gguf"), dpo.adapter().to_gguf_bytes())?;
    std::fs::write(args.out.join("facts-dpo.loss.svg"), loss_svg(&dpo_curve, "DPO loss, answer over refusal"))?;
    let margin_after = pollster::block_on(preference_margins(&frozen, dpo.adapter(), &held_out))?;
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;

    for (b, a) in before.answers.iter().zip(&after.answers) {
        println!("base:    {b}\ntrained: {a}");
    }
    let n = facts.len();
    println!("\n| check | base model | after SFT |\n|---|---|---|");
    println!("| recall, trained question (greedy) | {}/{n} | {}/{n} |", before.asked, after.asked);
    println!("| recall, paraphrase never trained | {}/{n} | {}/{n} |", before.paraphrased, after.paraphrased);
    println!("| \"capital of France\" → Paris | {} | {} |", yes(before.paris), yes(after.paris));
    println!("| recall, trained question, same adapter in llama.cpp | | {in_llama_cpp} |");
    println!(
        "\nDPO (answer over refusal), held-out facts ({} prompts): mean margin log p(chosen) − log p(rejected) {:.2} → {:.2}; preferred {}/{} → {}/{}",
        held_out.len(),
        mean(&margin_before),
        mean(&margin_after),
        margin_before.iter().filter(|&&m| m > 0.0).count(),
        held_out.len(),
        margin_after.iter().filter(|&&m| m > 0.0).count(),
        held_out.len()
    );
    println!(
        "SFT: {} steps, loss {:.3} → {:.3}, {:.0} tok/s, {:.0} s; DPO: {} steps, loss {:.3} → {:.3}, {:.0} s; total {:.0} s on {}",
        cfg.steps,
        sft_curve.first().map_or(f32::NAN, |p| p.1),
        sft_curve.last().map_or(f32::NAN, |p| p.1),
        sft_run.tokens as f64 / sft_run.secs.max(1e-9),
        sft_run.secs,
        dpo_cfg.steps,
        dpo_curve.first().map_or(f32::NAN, |p| p.1),
        dpo_curve.last().map_or(f32::NAN, |p| p.1),
        dpo_run.secs,
        started.elapsed().as_secs_f64(),
        args.backend.label()
    );
    Ok(())
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}
