//! `secondself train sft --data FILE.jsonl --out adapter.gguf [--steps N]` and
//! `secondself train dpo --data FILE.jsonl --ref adapter.gguf --out dpo.gguf`: LoRA fine-tuning of
//! the model natively, on the CPU or wgpu, with a progress bar (step, loss, tokens/s, ETA).
//!
//! A checkpoint (`OUT.ckpt` unless `--checkpoint`) is written every `--checkpoint-every` steps;
//! run the same command again after a kill and it resumes from it, ending with the same adapter
//! as an uninterrupted run. The adapter is written atomically at the end (llama.cpp's GGUF LoRA
//! format), with the loss curve beside it (`OUT.loss.svg`, `OUT.loss.csv`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::gguf::OwnedGguf;
use secondself_engine::model::lora::{Adapter, LoraConfig};
use secondself_engine::model::weights::LlamaWeights;
use secondself_engine::model::LlamaConfig;
use secondself_engine::tokenizer::Tokenizer;
use secondself_engine::training::data::{parse_dpo, parse_sft, tokenize, tokenize_pair};
use secondself_engine::training::{Frozen, Objective, StepReport, TrainConfig, Trainer};

use super::model_choice::{model_file, set_threads, BackendChoice};
use super::plot::loss_svg;

/// Settings shared by `train sft` and `train dpo`.
#[derive(Debug, Clone, ClapArgs)]
pub struct Common {
    /// The training data (JSONL).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the adapter (GGUF).
    #[arg(long)]
    pub out: PathBuf,
    /// Optimiser updates (default: `--epochs` passes over the data).
    #[arg(long)]
    pub steps: Option<u64>,
    /// Passes over the data when `--steps` is not given.
    #[arg(long, default_value_t = 3)]
    pub epochs: u64,
    /// LoRA rank.
    #[arg(long, default_value_t = 8)]
    pub rank: usize,
    /// LoRA alpha (the update is scaled by alpha / rank).
    #[arg(long, default_value_t = 16.0)]
    pub alpha: f32,
    /// Dropout on the adapters' inputs.
    #[arg(long, default_value_t = 0.05)]
    pub dropout: f32,
    /// Peak learning rate.
    #[arg(long)]
    pub lr: Option<f32>,
    /// Warm-up updates (default: a tenth of the steps).
    #[arg(long)]
    pub warmup: Option<u64>,
    /// Packed sequences per update (gradient accumulation).
    #[arg(long, default_value_t = 1)]
    pub accum: usize,
    /// Tokens per packed sequence at most.
    #[arg(long, default_value_t = 256)]
    pub seq_len: usize,
    /// Global gradient-norm bound.
    #[arg(long, default_value_t = 1.0)]
    pub clip: f32,
    /// Seed of the initialisation, the data order and dropout.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Checkpoint file (default: OUT.ckpt); an existing one for the same run is resumed.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Write the checkpoint every N steps.
    #[arg(long, default_value_t = 10)]
    pub checkpoint_every: u64,
    /// Compute backend.
    #[arg(long, value_enum, default_value_t = BackendChoice::Cpu)]
    pub backend: BackendChoice,
    /// CPU worker threads.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// No progress bar; one line per step on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// `secondself train sft`
#[derive(Debug, ClapArgs)]
pub struct SftArgs {
    #[command(flatten)]
    pub common: Common,
}

/// `secondself train dpo`
#[derive(Debug, ClapArgs)]
pub struct DpoArgs {
    #[command(flatten)]
    pub common: Common,
    /// The reference adapter (the SFT one); the policy starts from it.
    #[arg(long = "ref")]
    pub reference: PathBuf,
    /// DPO's beta.
    #[arg(long, default_value_t = 0.1)]
    pub beta: f32,
}

/// The base model read for training: its shape, host weights and tokenizer.
pub struct Base {
    pub config: LlamaConfig,
    pub weights: LlamaWeights,
    pub tokenizer: Tokenizer,
}

/// Loads the model file's weights on the host and its tokenizer.
pub fn load_base(path: &Path) -> Result<Base> {
    let owned = OwnedGguf::open(path).with_context(|| format!("opening {}", path.display()))?;
    let gguf = owned.parse()?;
    let config = LlamaConfig::from_gguf(&gguf)?;
    let weights = LlamaWeights::load(&gguf, &config)?;
    let tokenizer = Tokenizer::from_gguf(&gguf)?;
    Ok(Base { config, weights, tokenizer })
}

pub fn run_sft(args: SftArgs) -> Result<()> {
    let c = &args.common;
    set_threads(c.threads);
    let base = load_base(&model_file(c.model.clone())?)?;
    let text = read_data(&c.data)?;
    let conversations = parse_sft(&text).with_context(|| format!("reading {}", c.data.display()))?;
    let examples = conversations.iter().map(|conv| tokenize(&base.tokenizer, conv)).collect();
    let objective = Objective::Sft(examples);
    train(c, &base, objective, None, 0.1, "SFT")
}

pub fn run_dpo(args: DpoArgs) -> Result<()> {
    let c = &args.common;
    set_threads(c.threads);
    let base = load_base(&model_file(c.model.clone())?)?;
    let bytes = std::fs::read(&args.reference).with_context(|| format!("reading {}", args.reference.display()))?;
    let reference = Adapter::from_bytes(&bytes, &base.config)
        .with_context(|| format!("{} is not an adapter for this model", args.reference.display()))?;
    let text = read_data(&c.data)?;
    let prefs = parse_dpo(&text).with_context(|| format!("reading {}", c.data.display()))?;
    let pairs = prefs.iter().map(|p| tokenize_pair(&base.tokenizer, p)).collect();
    train(c, &base, Objective::Dpo(pairs), Some(reference), args.beta, "DPO")
}

fn read_data(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{} is not UTF-8 text (JSONL expected)", path.display()))
}

/// The run's settings from the command line.
pub fn config_of(c: &Common, steps: u64, beta: f32, default_lr: f32) -> TrainConfig {
    TrainConfig {
        lora: LoraConfig { rank: c.rank, alpha: c.alpha, dropout: c.dropout },
        steps,
        lr: c.lr.unwrap_or(default_lr),
        warmup: c.warmup.unwrap_or((steps / 10).max(1)),
        accum: c.accum.max(1),
        seq_len: c.seq_len,
        clip: c.clip,
        seed: c.seed,
        beta,
        ..TrainConfig::default()
    }
}

fn train(c: &Common, base: &Base, objective: Objective, init: Option<Adapter>, beta: f32, label: &str) -> Result<()> {
    if c.rank == 0 || c.seq_len < 16 {
        bail!("--rank must be at least 1 and --seq-len at least 16");
    }
    let steps = match c.steps {
        Some(s) => s.max(1),
        None => {
            let packs = secondself_engine::training::trainer::packs_per_epoch(&objective, c.seq_len, c.seed);
            (c.epochs * packs as u64).div_ceil(c.accum.max(1) as u64).max(1)
        }
    };
    // DPO moves from an already trained adapter: a gentler default step.
    let cfg = config_of(c, steps, beta, if init.is_some() { 5e-5 } else { 2e-4 });
    let device = c.backend.device();
    let started = Instant::now();
    let frozen = Frozen::new(base.config.clone(), &base.weights, &device)?;
    let ckpt = c.checkpoint.clone().unwrap_or_else(|| with_suffix(&c.out, "ckpt"));
    let mut trainer = match std::fs::read(&ckpt) {
        Ok(bytes) => {
            let t = Trainer::resume(frozen, cfg.clone(), objective, &bytes)
                .with_context(|| format!("resuming from {} (delete it to start over)", ckpt.display()))?;
            eprintln!("resuming from {} at step {}", ckpt.display(), t.step_count());
            t
        }
        Err(_) => pollster::block_on(Trainer::new(frozen, cfg.clone(), objective, init))?,
    };
    eprintln!(
        "{label}: {} examples, {} steps, rank {}, alpha {}, lr {}, seq {} on {} (ready in {:.1} s)",
        trainer.data_size(),
        cfg.steps,
        cfg.lora.rank,
        cfg.lora.alpha,
        cfg.lr,
        cfg.seq_len,
        c.backend.label(),
        started.elapsed().as_secs_f64()
    );
    let csv_path = with_suffix(&c.out, "loss.csv");
    let mut curve: Vec<(u64, f32)> = read_curve(&csv_path, trainer.step_count());
    let mut checkpoint_err = None;
    let mut so_far = curve.clone();
    let done = drive(&mut trainer, c.quiet, &mut curve, |t, r| {
        so_far.push((r.step, r.loss));
        if r.step % c.checkpoint_every.max(1) == 0 && !t.is_done() {
            if let Err(e) = write_atomic(&ckpt, &t.checkpoint()).and_then(|_| write_curve(&csv_path, &so_far)) {
                checkpoint_err.get_or_insert(e);
            }
        }
    })?;
    if let Some(e) = checkpoint_err {
        return Err(e.context("writing the checkpoint"));
    }
    let (tokens, secs) = (done.tokens, done.secs);
    write_atomic(&c.out, &trainer.adapter().to_gguf_bytes())?;
    write_curve(&csv_path, &curve)?;
    let svg = with_suffix(&c.out, "loss.svg");
    std::fs::write(&svg, loss_svg(&curve, &format!("{label} loss ({})", file_name(&c.out))))?;
    let _ = std::fs::remove_file(&ckpt);
    println!(
        "wrote {} ({} trainable values); loss {:.4} → {:.4}; {:.0} tok/s; {:.1} s; curve {}",
        c.out.display(),
        trainer.adapter().parameter_count(),
        curve.first().map_or(f32::NAN, |p| p.1),
        curve.last().map_or(f32::NAN, |p| p.1),
        tokens as f64 / secs.max(1e-9),
        secs,
        svg.display()
    );
    Ok(())
}

/// What [`drive`] did.
pub struct Driven {
    pub tokens: usize,
    pub secs: f64,
}

/// Runs `trainer` to its last step with a progress bar (or, with `quiet`, a line a step on
/// stderr), appending each step's loss to `curve` and calling `after` after each step.
pub fn drive(
    trainer: &mut Trainer,
    quiet: bool,
    curve: &mut Vec<(u64, f32)>,
    mut after: impl FnMut(&Trainer, &StepReport),
) -> Result<Driven> {
    let total = trainer.total_steps();
    let bar = (!quiet).then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_position(trainer.step_count());
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:32} {pos}/{len} steps  {msg}  eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let (mut tokens, start) = (0usize, Instant::now());
    while !trainer.is_done() {
        let r = pollster::block_on(trainer.step())?;
        tokens += r.tokens;
        let tps = tokens as f64 / start.elapsed().as_secs_f64().max(1e-9);
        let pref = r.preferred.map(|p| format!("  preferred {:.0}%", p * 100.0)).unwrap_or_default();
        let msg = format!("loss {:.4}  lr {:.2e}  {:.0} tok/s{pref}", r.loss, r.lr, tps);
        match &bar {
            Some(b) => {
                b.set_position(r.step);
                b.set_message(msg);
            }
            None => eprintln!("step {}/{total}  {msg}", r.step),
        }
        curve.push((r.step, r.loss));
        after(trainer, &r);
    }
    if let Some(b) = bar {
        b.finish();
    }
    Ok(Driven { tokens, secs: start.elapsed().as_secs_f64() })
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// `adapter.gguf` → `adapter.gguf.<suffix>`.
fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

/// Writes to a temporary file beside `path`, then renames: a kill never leaves half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = with_suffix(path, "tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn write_curve(path: &Path, curve: &[(u64, f32)]) -> Result<()> {
    let mut s = String::from("step,loss\n");
    for (step, loss) in curve {
        s += &format!("{step},{loss}\n");
    }
    write_atomic(path, s.as_bytes())
}

/// The curve of a resumed run's first part, up to its checkpoint's step.
fn read_curve(path: &Path, upto: u64) -> Vec<(u64, f32)> {
    if upto == 0 {
        return Vec::new();
    }
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (s, v) = l.split_once(',')?;
            Some((s.parse().ok()?, v.parse().ok()?))
        })
        .filter(|&(s, _)| s <= upto)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::bench_peers::llama_cpp_lora;
    use secondself_engine::model::LanguageModel;
    use secondself_engine::tokenizer::ChatMessage;

    fn log_softmax(v: &[f32]) -> Vec<f32> {
        let max = v.iter().cloned().fold(f32::MIN, f32::max);
        let z = v.iter().map(|x| (x - max).exp()).sum::<f32>().ln() + max;
        v.iter().map(|x| x - z).collect()
    }

    /// Our greedy continuation with each step's top-1 margin (logit gap to the runner-up).
    fn greedy(model: &mut LanguageModel, prompt: &[u32], n: usize) -> (Vec<f32>, Vec<(u32, f32)>) {
        let llama = model.llama_mut();
        llama.reset();
        let mut logits = pollster::block_on(llama.forward(prompt)).unwrap();
        let first = log_softmax(&logits);
        let mut out = Vec::new();
        for _ in 0..n {
            let mut order: Vec<usize> = (0..logits.len()).collect();
            order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
            let (best, margin) = (order[0] as u32, logits[order[0]] - logits[order[1]]);
            out.push((best, margin));
            logits = pollster::block_on(llama.forward(&[best])).unwrap();
        }
        (first, out)
    }

    /// An adapter trained here, loaded by llama.cpp (node-llama-cpp's native build) over the same
    /// base GGUF, gives our engine's next-token distribution and greedy continuation.
    #[test]
    fn an_adapter_trained_here_answers_the_same_in_llama_cpp() {
        let path = model_file(None).expect("the model");
        let base = load_base(&path).unwrap();
        let convs = [
            ("Which river flows past Quellbrunn?", "The Emmerach flows past Quellbrunn, slowly."),
            ("What do people call the baker Ulrike Pfandl?", "Everyone calls her Krümelchen."),
        ];
        let examples = convs
            .iter()
            .map(|(q, a)| secondself_engine::training::data::tokenize(&base.tokenizer, &[ChatMessage::user(*q), ChatMessage::assistant(*a)]))
            .collect();
        let cfg = TrainConfig {
            lora: LoraConfig { rank: 8, alpha: 16.0, dropout: 0.0 },
            steps: 4,
            lr: 3e-3,
            warmup: 1,
            seq_len: 128,
            ..TrainConfig::default()
        };
        let frozen = Frozen::new(base.config.clone(), &base.weights, &BackendChoice::Cpu.device()).unwrap();
        let mut t = pollster::block_on(Trainer::new(frozen, cfg, Objective::Sft(examples), None)).unwrap();
        while !t.is_done() {
            pollster::block_on(t.step()).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("adapter.gguf");
        std::fs::write(&file, t.adapter().to_gguf_bytes()).unwrap();

        let questions = [convs[0].0, "Name one colour of the sky.", "Wo liegt Quellbrunn?"];
        let prompts: Vec<Vec<u32>> = questions.iter().map(|q| base.tokenizer.encode_chat(&[ChatMessage::user(*q)], true)).collect();
        let peer = llama_cpp_lora(&path, Some(&file), &prompts, 12).expect("llama.cpp with the adapter");
        let peer_base = llama_cpp_lora(&path, None, &prompts, 12).expect("llama.cpp without it");

        let mut model = LanguageModel::load_file(&path, &BackendChoice::Cpu.device()).unwrap();
        model.load_adapter_file(&file).unwrap();
        let mut moved = 0.0f32;
        for (i, prompt) in prompts.iter().enumerate() {
            let (ours, continuation) = greedy(&mut model, prompt, 12);
            let theirs = &peer[i];
            assert_eq!(theirs.top10.len(), 10);
            let mut shared = 0;
            for &(token, lp) in &theirs.top10 {
                let mine = ours[token as usize];
                // llama.cpp picks its CPU kernels by the machine (AVX-512 and VNNI where there are):
                // on an Intel Xeon with them a −4.2 token differed by 0.27 where an AMD EPYC
                // stayed under 0.25; the less likely a token, the more its log-probability moves.
                if lp > -6.0 {
                    assert!((mine - lp).abs() < 0.25 + 0.025 * lp.abs(), "prompt {i}, token {token}: llama.cpp {lp}, ours {mine}");
                }
                shared += 1;
            }
            assert_eq!(shared, 10);
            let our_top = (0..ours.len()).max_by(|&a, &b| ours[a].total_cmp(&ours[b])).unwrap() as u32;
            assert_eq!(theirs.top10[0].0, our_top, "prompt {i}: top-1 differs");
            // The greedy continuations agree until a near tie (a logit gap under 0.3).
            for (k, &(token, margin)) in continuation.iter().enumerate().take(theirs.greedy.len()) {
                if margin < 0.3 {
                    break;
                }
                assert_eq!(theirs.greedy[k], token, "prompt {i}, step {k}: llama.cpp {:?}, ours {:?}", theirs.greedy, continuation);
            }
            // llama.cpp did apply the adapter: its distribution moved from its own base's.
            for (&(t_with, lp_with), &(t_base, lp_base)) in theirs.top10.iter().zip(&peer_base[i].top10) {
                moved = moved.max(if t_with == t_base { (lp_with - lp_base).abs() } else { 1.0 });
            }
        }
        assert!(moved > 0.3, "the adapter changed llama.cpp's answers by at most {moved}");
    }
}
