//! `secondself train persona DIR --out FILE.gguf`: the personal training pipeline natively on a
//! persona's memory — import and distil, synthesise training data from L1 and our own retrieval
//! (`training::synth`), filter it level by level (`training::filter`), LoRA SFT, then evaluate
//! the persona's cases with the structure-first path, the untrained model and the trained one,
//! and print the table (memory self, third-party, enhance, critic, leaks) with the data counts.
//! Then DPO: the SFT model answers training prompts by sampling, its failing answers (an
//! invented value, a refusal, a leak, a loop, a miss: `training::pairs`) are rejected against
//! right ones, and DPO trains on the pairs from the SFT adapter. The held-out questions of the
//! plan and the persona's cases are asked of the untrained, the SFT and the SFT + DPO model.
//! Writes the final adapter (`FILE`), the SFT one (`FILE.sft.gguf`), the datasets
//! (`FILE.data.jsonl`, `FILE.dpo.jsonl`) and the loss curves beside it. The enhance, critic and
//! identity data of issue 15 are not synthesised yet.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::training::data::tokenize;
use secondself_engine::training::filter::to_jsonl;
use secondself_engine::generate::SamplerParams;
use secondself_engine::model::LanguageModel;
use secondself_engine::tasks::memory_qa;
use secondself_engine::tokenizer::ChatMessage;
use secondself_engine::training::data::tokenize_pair;
use secondself_engine::training::eval::score;
use secondself_engine::training::pairs::{judge, pairs, to_jsonl as pairs_jsonl};
use secondself_engine::training::plan::sample;
use secondself_engine::training::plan::plan;
use secondself_engine::training::synth::{all_facts, Example, Task};
use secondself_engine::training::{Frozen, Objective, TrainConfig, Trainer};

use super::eval_persona::{evaluate, import_persona, load_model, Generate, Report};
use super::memory::now;
use super::model_choice::{model_file, set_threads, BackendChoice};
use super::plot::loss_svg;
use super::train_lora::{drive, load_base};

/// `secondself train persona`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Persona directory with `sources/`, `profile.json` and `cases.jsonl`.
    pub persona_dir: PathBuf,
    /// Where to write the adapter (GGUF).
    #[arg(long)]
    pub out: PathBuf,
    /// At most this many training examples (a seeded sample, every task kept in proportion).
    #[arg(long, default_value_t = 160)]
    pub max_examples: usize,
    /// At most this many held-out examples to compare the untrained and the trained model on.
    #[arg(long, default_value_t = 40)]
    pub max_held_out: usize,
    /// Passes over the examples.
    #[arg(long, default_value_t = 3)]
    pub epochs: u64,
    /// Peak learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f32,
    /// Tokens per packed sequence.
    #[arg(long, default_value_t = 512)]
    pub seq_len: usize,
    /// Training prompts the SFT model answers by sampling to make DPO pairs (0: no DPO).
    #[arg(long, default_value_t = 40)]
    pub dpo_prompts: usize,
    /// Sampled answers per DPO prompt.
    #[arg(long, default_value_t = 2)]
    pub samples: usize,
    /// DPO's peak learning rate.
    #[arg(long, default_value_t = 1e-4)]
    pub dpo_lr: f32,
    /// Skip evaluating the untrained model (saves a few minutes).
    #[arg(long)]
    pub skip_base: bool,
    /// CPU worker threads.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

fn task_name(t: Task) -> &'static str {
    match t {
        Task::MemorySelf => "memory QA, self (with notes)",
        Task::ClosedBook => "memory QA, self (closed book)",
        Task::ThirdParty => "memory QA, third party",
        Task::Identity => "identity (who am I)",
    }
}

/// The model with `adapter`, answering by sampling (temperature 0.9, top-p 0.95) with a given seed.
fn load_sampler(explicit: Option<PathBuf>, adapter: &std::path::Path) -> Result<Box<dyn FnMut(&[ChatMessage], u64) -> Result<String>>> {
    let path = model_file(explicit)?;
    let mut model = LanguageModel::load_file(&path, &burn::tensor::Device::flex()).with_context(|| format!("loading {}", path.display()))?;
    model.load_adapter_file(adapter).with_context(|| format!("applying the adapter {}", adapter.display()))?;
    Ok(Box::new(move |messages: &[ChatMessage], seed: u64| {
        let mut params = memory_qa::generation_params();
        params.sampler = SamplerParams { temperature: 0.9, top_p: 0.95, seed, ..SamplerParams::default() };
        let completion = pollster::block_on(model.complete(messages, &params, &mut |_| {}, &|| false)).context("generation failed")?;
        Ok(completion.text)
    }))
}

/// The model's replies to the held-out examples' prompts.
fn answer_all(model: &mut Generate, examples: &[Example]) -> Result<Vec<String>> {
    examples.iter().map(|e| model(&e.messages[..e.messages.len() - 1])).collect()
}

pub fn run(args: Args) -> Result<()> {
    set_threads(args.threads);
    let started = Instant::now();
    let tmp = std::env::temp_dir().join(format!("secondself-train-persona-{}-{}", std::process::id(), now()));
    let result = pipeline(&args, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    let report = result?;
    eprintln!("whole pipeline: {:.0} s", started.elapsed().as_secs_f64());
    println!("{report}");
    Ok(())
}

fn pipeline(args: &Args, tmp: &std::path::Path) -> Result<String> {
    // Retrieval as the extension does it: keywords and meaning.
    let embedder = crate::cli::embedder::load()?;
    let (store, _) = import_persona(&args.persona_dir, tmp, Some(&embedder))?;
    let synth_start = Instant::now();
    let plan = pollster::block_on(plan(&store, now(), Some(&embedder), args.max_examples, args.max_held_out))?;
    let (kept, counts, langs) = (&plan.train, &plan.counts, &plan.languages);
    let synth_s = synth_start.elapsed().as_secs_f64();
    if kept.is_empty() {
        bail!("no training example survived the filter ({counts:?})");
    }
    let data_path = PathBuf::from(format!("{}.data.jsonl", args.out.display()));
    std::fs::write(&data_path, to_jsonl(kept)).with_context(|| format!("writing {}", data_path.display()))?;

    let path = model_file(args.model.clone())?;
    let base = load_base(&path)?;
    let sft: Vec<_> = kept.iter().map(|e| tokenize(&base.tokenizer, &e.messages)).collect();
    let tokens: usize = sft.iter().map(|e| e.tokens.len()).sum();
    let packs = secondself_engine::training::trainer::packs_per_epoch(&Objective::Sft(sft.clone()), args.seq_len, 1);
    let steps = (args.epochs * packs as u64).max(1);
    let cfg = TrainConfig { steps, lr: args.lr, warmup: (steps / 10).max(1), seq_len: args.seq_len, ..TrainConfig::default() };
    let frozen = Frozen::new(base.config.clone(), &base.weights, &BackendChoice::Cpu.device())?;
    let tokenizer = base.tokenizer.clone();
    drop(base);
    eprintln!("SFT: {} examples ({tokens} tokens), {steps} steps", kept.len());
    let mut trainer = pollster::block_on(Trainer::new(frozen.clone(), cfg.clone(), Objective::Sft(sft), None))?;
    let mut curve = Vec::new();
    let run = drive(&mut trainer, false, &mut curve, |_, _| {})?;
    let sft_path = PathBuf::from(format!("{}.sft.gguf", args.out.display()));
    let sft_adapter = trainer.adapter().clone();
    std::fs::write(&sft_path, sft_adapter.to_gguf_bytes())?;
    std::fs::write(format!("{}.loss.svg", args.out.display()), loss_svg(&curve, "SFT loss, synthesised from the persona's memory"))?;
    drop(trainer);

    // DPO: the SFT model's own mistakes on training prompts, each rejected against a right answer.
    let dpo_start = Instant::now();
    let facts = pollster::block_on(all_facts(&store))?;
    let asked = sample(kept.clone(), args.dpo_prompts, 29);
    let mut verdicts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut prefs = Vec::new();
    if !asked.is_empty() && args.samples > 0 {
        let mut sampler = load_sampler(args.model.clone(), &sft_path)?;
        let bar = indicatif::ProgressBar::new((asked.len() * args.samples) as u64).with_message("DPO: sampling the SFT model");
        for (i, e) in asked.iter().enumerate() {
            let answers: Vec<String> = (0..args.samples).map(|k| sampler(&e.messages[..e.messages.len() - 1], (i * args.samples + k) as u64 + 1)).inspect(|_| bar.inc(1)).collect::<Result<_>>()?;
            for a in &answers {
                *verdicts.entry(format!("{:?}", judge(e, a, &facts)).to_lowercase()).or_default() += 1;
            }
            prefs.extend(pairs(e, &answers, &facts, 2).into_iter().map(|(_, p)| p));
        }
        bar.finish_and_clear();
    }
    let sampling_s = dpo_start.elapsed().as_secs_f64();
    let mut dpo_curve = Vec::new();
    let mut dpo_secs = 0.0;
    let dpo_done = if prefs.is_empty() {
        std::fs::write(&args.out, sft_adapter.to_gguf_bytes())?;
        false
    } else {
        std::fs::write(format!("{}.dpo.jsonl", args.out.display()), pairs_jsonl(&prefs))?;
        let tokenized: Vec<_> = prefs.iter().map(|p| tokenize_pair(&tokenizer, p)).collect();
        let packs = secondself_engine::training::trainer::packs_per_epoch(&Objective::Dpo(tokenized.clone()), args.seq_len, 1);
        let steps = (2 * packs as u64).max(1);
        let dpo_cfg = TrainConfig { steps, lr: args.dpo_lr, warmup: (steps / 10).max(1), beta: 0.1, ..cfg };
        eprintln!("DPO: {} pairs, {steps} steps", prefs.len());
        let mut dpo = pollster::block_on(Trainer::new(frozen, dpo_cfg, Objective::Dpo(tokenized), Some(sft_adapter)))?;
        dpo_secs = drive(&mut dpo, false, &mut dpo_curve, |_, _| {})?.secs;
        std::fs::write(&args.out, dpo.adapter().to_gguf_bytes())?;
        std::fs::write(format!("{}.dpo-loss.svg", args.out.display()), loss_svg(&dpo_curve, "DPO loss, the SFT model's own answers"))?;
        true
    };

    eprintln!("evaluating: structure-first, {}the trained model …", if args.skip_base { "" } else { "the untrained model, " });
    let structure = evaluate(&args.persona_dir, None, true, false, Some(&embedder))?;
    let mut untrained = load_model(args.model.clone(), args.threads, None)?;
    let held_base = score(&plan.held_out, &answer_all(&mut *untrained, &plan.held_out)?);
    let base_report = if args.skip_base { None } else { Some(evaluate(&args.persona_dir, Some(&mut *untrained), false, false, Some(&embedder))?) };
    drop(untrained);
    let mut trained = load_model(args.model.clone(), args.threads, Some(&sft_path))?;
    let held_trained = score(&plan.held_out, &answer_all(&mut *trained, &plan.held_out)?);
    let trained_report = evaluate(&args.persona_dir, Some(&mut *trained), false, false, Some(&embedder))?;
    drop(trained);
    let (held_dpo, dpo_report) = if dpo_done {
        let mut m = load_model(args.model.clone(), args.threads, Some(&args.out))?;
        (Some(score(&plan.held_out, &answer_all(&mut *m, &plan.held_out)?)), Some(evaluate(&args.persona_dir, Some(&mut *m), false, false, Some(&embedder))?))
    } else {
        (None, None)
    };

    let mut out = String::new();
    out += &format!(
        "training data from {} ({} languages: {}): {} synthesised → {} well-formed → {} unique → {} grounded → {} private; {} used ({tokens} tokens)\n",
        args.persona_dir.display(),
        langs.len(),
        langs.join(", "),
        counts.synthesised,
        counts.format,
        counts.unique,
        counts.grounded,
        counts.private,
        kept.len()
    );
    for task in Task::ALL {
        out += &format!("  {}: {}\n", task_name(task), kept.iter().filter(|e| e.task == task).count());
    }
    out += &format!(
        "synthesis + filtering {synth_s:.0} s; SFT {} steps, loss {:.3} → {:.3}, {:.0} tok/s, {:.0} s\n\n",
        curve.len(),
        curve.first().map_or(f32::NAN, |p| p.1),
        curve.last().map_or(f32::NAN, |p| p.1),
        run.tokens as f64 / run.secs.max(1e-9),
        run.secs
    );
    let verdicts: Vec<String> = verdicts.iter().map(|(v, n)| format!("{v} {n}")).collect();
    out += &if asked.is_empty() || args.samples == 0 {
        "DPO: not run (--dpo-prompts 0)\n\n".to_string()
    } else {
        format!(
            "DPO: {} prompts × {} samples of the SFT model ({}; {sampling_s:.0} s) → {} pairs{}\n\n",
            asked.len(),
            args.samples,
            verdicts.join(", "),
            prefs.len(),
            if dpo_done {
                format!("; {} steps, loss {:.3} → {:.3}, {dpo_secs:.0} s", dpo_curve.len(), dpo_curve.first().map_or(f32::NAN, |p| p.1), dpo_curve.last().map_or(f32::NAN, |p| p.1))
            } else {
                "; no DPO (nothing to prefer)".into()
            }
        )
    };
    out += &format!("held-out synthesised questions ({} asked in phrasings the training never used), the model alone:\n\n", plan.held_out.len());
    out += "| task | untrained | SFT adapter | SFT + DPO |\n|---|---|---|---|\n";
    for (i, (b, t)) in held_base.iter().zip(&held_trained).enumerate() {
        let d = held_dpo.as_ref().and_then(|d| d.get(i)).map_or("–".to_string(), |d| format!("{}/{}", d.right, d.n));
        out += &format!("| {} | {}/{} | {}/{} | {d} |\n", task_name(b.task), b.right, b.n, t.right, t.n);
    }
    out += "\n";
    out += "| path | memory self | third-party | enhance | critic | sensitive leaks |\n|---|---|---|---|---|---|\n";
    let row = |name: &str, r: &Report| {
        let v = |row: &Option<super::eval_persona::Row>| row.as_ref().map_or("–".to_string(), |x| format!("{:.2}", x.value()));
        format!("| {name} | {} | {} | {:.2} | {:.2} | {} |\n", v(&r.memory_self), v(&r.memory_third_party), r.enhance.value(), r.critic.value(), r.sensitive_leaks)
    };
    out += &row("structure-first (no model)", &structure);
    if let Some(b) = &base_report {
        out += &row("untrained model", b);
    }
    out += &row("SFT adapter", &trained_report);
    if let Some(d) = &dpo_report {
        out += &row("SFT + DPO adapter", d);
    }
    // The model's own part in memory self: what training has to move.
    out += "\n| memory self, the model's own part | closed-book | model alone (no fallback) | answers in the model's words |\n|---|---|---|---|\n";
    for (name, r) in [("untrained model", base_report.as_ref()), ("SFT adapter", Some(&trained_report)), ("SFT + DPO adapter", dpo_report.as_ref())] {
        if let Some(p) = r.and_then(|r| r.self_paths.as_ref()) {
            let n = p.model_words + p.fallback + p.rule;
            out += &format!("| {name} | {:.2} | {:.2} | {} of {n} (fallback {}, rule {}) |\n", p.closed_book.value(), p.model_alone.value(), p.model_words, p.fallback, p.rule);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No value of a persona's `sensitive` list (ids, health, finances, exact address, in the
    /// persona's own languages) appears in any target the pipeline would train on or judge by,
    /// every task is represented, and the held-out questions are never trained on.
    #[test]
    fn no_sensitive_value_reaches_a_training_target() {
        for dir in [secondself::repo_dir().join("../shared/data/personas/maya-okafor"), secondself::repo_dir().join("tests/personas/lucia-romero")] {
            let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("profile.json")).unwrap()).unwrap();
            let sensitive: Vec<String> = profile["sensitive"].as_array().unwrap().iter().filter_map(|v| v.as_str()).map(str::to_lowercase).collect();
            assert!(!sensitive.is_empty());
            let tmp = tempfile::tempdir().unwrap();
            let (store, _) = import_persona(&dir, tmp.path(), None).unwrap();
            let plan = pollster::block_on(plan(&store, now(), None, 10_000, 10_000)).unwrap();
            assert!(plan.counts.private < plan.counts.synthesised, "{:?}", plan.counts);
            for task in Task::ALL {
                assert!(plan.train.iter().any(|e| e.task == task), "{}: no {task:?} example", dir.display());
            }
            assert!(!plan.held_out.is_empty() && plan.held_out.len() * 3 < plan.train.len(), "{} held out of {}", plan.held_out.len(), plan.train.len());
            for e in plan.train.iter().chain(&plan.held_out) {
                let target = e.target().to_lowercase();
                for s in &sensitive {
                    assert!(!target.contains(s.as_str()), "{}: a target holds the sensitive value {s}: {target}", dir.display());
                }
            }
            let trained: std::collections::HashSet<String> = plan.train.iter().map(|e| e.messages[e.messages.len() - 2].content.clone()).collect();
            for e in &plan.held_out {
                assert!(!trained.contains(&e.messages[e.messages.len() - 2].content), "a held-out question is trained on: {:?} {} {:?}", e.task, e.key, e.messages[e.messages.len() - 2].content.chars().rev().take(80).collect::<String>());
            }
        }
    }
}
