//! `secondself generate --prompt TEXT [--max-tokens N] [--raw]`: runs the model natively and
//! streams its answer to stdout as it is decoded. Chat-formatted (ChatML, the model's default
//! system prompt) unless `--raw`, which continues the text as is. A summary line (tokens,
//! tok/s, backend) goes to stderr. Ctrl-C stops the generation after the current token.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::generate::{GenerationParams, SamplerParams};
use secondself_engine::model::LanguageModel;
use secondself_engine::tokenizer::ChatMessage;

use super::model_choice::{model_file, set_threads, BackendChoice};

/// `secondself generate`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// What to ask (or, with `--raw`, the text to continue).
    #[arg(long)]
    pub prompt: String,
    /// At most this many new tokens.
    #[arg(long, default_value_t = 128)]
    pub max_tokens: usize,
    /// Continue the prompt as plain text instead of answering it as a chat message.
    #[arg(long)]
    pub raw: bool,
    /// Compute backend.
    #[arg(long, value_enum, default_value_t = BackendChoice::Cpu)]
    pub backend: BackendChoice,
    /// CPU worker threads (default: all cores, at most 8).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Sampling temperature; 0 is greedy.
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f32,
    /// Keep only the k most likely tokens (0: all).
    #[arg(long, default_value_t = 0)]
    pub top_k: usize,
    /// Nucleus sampling threshold (1: off).
    #[arg(long, default_value_t = 1.0)]
    pub top_p: f32,
    /// Penalty for recently used tokens (1: off).
    #[arg(long, default_value_t = 1.0)]
    pub repetition_penalty: f32,
    /// Seed of the sampler.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// A LoRA adapter (GGUF, from `train sft|dpo` or llama.cpp) to answer with.
    #[arg(long)]
    pub adapter: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    set_threads(args.threads);
    let path = model_file(args.model.clone())?;
    let load_start = Instant::now();
    let mut model = LanguageModel::load_file(&path, &args.backend.device())
        .with_context(|| format!("loading {}", path.display()))?;
    if let Some(a) = &args.adapter {
        model.load_adapter_file(a).with_context(|| format!("applying the adapter {}", a.display()))?;
    }
    let load_s = load_start.elapsed().as_secs_f64();
    let params = GenerationParams {
        sampler: SamplerParams {
            temperature: args.temperature,
            top_k: args.top_k,
            top_p: args.top_p,
            repetition_penalty: args.repetition_penalty,
            seed: args.seed,
            ..SamplerParams::default()
        },
        max_tokens: args.max_tokens,
        stop_tokens: Vec::new(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    watch_ctrl_c(Arc::clone(&stop));
    let mut stdout = std::io::stdout();
    let mut on_piece = |piece: &str| {
        let _ = stdout.write_all(piece.as_bytes());
        let _ = stdout.flush();
    };
    let cancelled = || stop.load(Ordering::Relaxed);
    let start = Instant::now();
    let completion = if args.raw {
        let ids = model.tokenizer().encode(&args.prompt, true);
        pollster::block_on(model.complete_tokens(&ids, &params, &mut on_piece, &cancelled))
    } else {
        let messages = [ChatMessage::user(args.prompt.clone())];
        pollster::block_on(model.complete(&messages, &params, &mut on_piece, &cancelled))
    }
    .context("generation failed")?;
    let secs = start.elapsed().as_secs_f64();
    println!();
    eprintln!(
        "[{}: {} prompt + {} new tokens in {:.2} s ({:.1} tok/s overall), load {:.2} s, {}, stop: {:?}]",
        model.name(),
        completion.prompt_tokens,
        completion.tokens,
        secs,
        completion.tokens as f64 / secs.max(1e-9),
        load_s,
        args.backend.label(),
        completion.stop
    );
    Ok(())
}

/// Sets `stop` on Ctrl-C (first press stops the generation; the default handler is restored).
fn watch_ctrl_c(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        rt.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::Relaxed);
            }
        });
    });
}
