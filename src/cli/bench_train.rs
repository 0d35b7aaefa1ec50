//! `secondself bench train`: LoRA training throughput (tokens/s of forward + backward + AdamW
//! at sequence length 256, rank 8, batch 1, loss on every token) and peak memory, natively on the
//! CPU with 1 and 2 threads and on wgpu, with PyTorch + PEFT on the same GGUF, rank, sequence and
//! threads measured in the same run (`--no-peers` to skip). Each row runs in its own process so
//! its thread count and peak memory are its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::model::lora::seeded_uniform;
use secondself_engine::training::data::SftExample;
use secondself_engine::training::{Frozen, Objective, TrainConfig, Trainer};

use super::bench_model::peak_rss_mb;
use super::model_choice::{model_file, BackendChoice};
use super::train_lora::load_base;

const PEFT_SCRIPT: &str = include_str!("peers/peft_train.py");
/// The peer's pinned packages (PyPI).
const PEER_PACKAGES: [&str; 4] = ["torch==2.15.0", "transformers==5.25.0", "peft==0.21.2", "gguf"];

/// `secondself bench train`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Tokens per training sequence.
    #[arg(long, default_value_t = 256)]
    pub seq_len: usize,
    /// LoRA rank.
    #[arg(long, default_value_t = 8)]
    pub rank: usize,
    /// Measured steps (after one warm-up step); the median is reported.
    #[arg(long, default_value_t = 3)]
    pub steps: usize,
    /// Backends to measure (repeatable); default: cpu.
    #[arg(long, value_enum)]
    pub backend: Vec<BackendChoice>,
    /// Skip PyTorch + PEFT.
    #[arg(long)]
    pub no_peers: bool,
    /// Skip the in-browser row (the extension training in headless Chromium).
    #[arg(long)]
    pub native_only: bool,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Internal: measure one row (`cpu:THREADS` or `wgpu`) in this process and print JSON.
    #[arg(long, hide = true)]
    pub row: Option<String>,
}

struct Row {
    name: String,
    threads: Option<usize>,
    tps: f64,
    step_s: f64,
    peak_mb: Option<f64>,
}

pub fn run(args: Args) -> Result<()> {
    let path = model_file(args.model.clone())?;
    if let Some(row) = &args.row {
        return measure_here(&path, row, &args);
    }
    let backends = if args.backend.is_empty() { vec![BackendChoice::Cpu] } else { args.backend.clone() };
    let mut rows = Vec::new();
    for b in backends {
        let runs: Vec<(String, Option<usize>)> = match b {
            BackendChoice::Cpu => vec![("cpu:1".into(), Some(1)), ("cpu:2".into(), Some(2))],
            BackendChoice::Wgpu => vec![("wgpu".into(), None)],
        };
        for (row, threads) in runs {
            eprintln!("measuring SecondSelf ({row}) …");
            match child_row(&path, &row, threads, &args) {
                Ok(r) => rows.push(r),
                Err(e) => eprintln!("{row} skipped: {e:#}"),
            }
        }
    }
    if !args.native_only {
        eprintln!("measuring SecondSelf in Chromium (the extension's training job) …");
        match in_browser(&args) {
            Ok((row, idle, busy)) => {
                rows.push(row);
                eprintln!("autofill p95 in the same Chromium: {idle:.1} ms idle, {busy:.1} ms while training");
                println!("autofill.classify p95 in the extension: {idle:.1} ms idle, {busy:.1} ms while training (requests every 100 ms; one arriving during a step waits for it: see the slowest above)");
            }
            Err(e) => eprintln!("in-browser row skipped: {e:#}"),
        }
    }
    if !args.no_peers {
        for threads in [1, 2] {
            eprintln!("measuring PyTorch + PEFT ({threads} thread{}) …", if threads == 1 { "" } else { "s" });
            match peft_row(&path, threads, &args) {
                Ok(r) => rows.push(r),
                Err(e) => eprintln!("PyTorch + PEFT peer skipped: {e:#}"),
            }
        }
    }
    print_table(&path, &args, &rows);
    Ok(())
}

/// Runs one of our rows in a child process (its own thread pool and peak memory).
fn child_row(path: &Path, row: &str, threads: Option<usize>, args: &Args) -> Result<Row> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["bench", "train", "--row", row, "--model"])
        .arg(path)
        .args(["--seq-len", &args.seq_len.to_string(), "--rank", &args.rank.to_string(), "--steps", &args.steps.to_string()]);
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t.to_string());
    }
    let out = cmd.output().context("running the measuring child")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed"));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).context("the child printed no result")?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    let backend = if row.starts_with("cpu") { "CPU (flex)" } else { "wgpu (Vulkan)" };
    Ok(Row {
        name: format!("SecondSelf, {backend}"),
        threads,
        tps: v["tps"].as_f64().unwrap_or(0.0),
        step_s: v["step_s"].as_f64().unwrap_or(0.0),
        peak_mb: v["peak_mb"].as_f64(),
    })
}

/// Measures one row in this process: random token sequences of `seq_len`, every token scored.
fn measure_here(path: &Path, row: &str, args: &Args) -> Result<()> {
    let device = if row == "wgpu" { BackendChoice::Wgpu.device() } else { BackendChoice::Cpu.device() };
    let base = load_base(path)?;
    let vocab = base.config.vocab_size;
    let examples = (0..args.steps as u64 + 1)
        .map(|i| SftExample {
            tokens: seeded_uniform(args.seq_len, 100 + i).iter().map(|u| (((u + 1.0) * 0.5) * (vocab - 1) as f32) as u32).collect(),
            scored: vec![1..args.seq_len],
        })
        .collect();
    let mut cfg = TrainConfig { steps: args.steps as u64 + 1, seq_len: args.seq_len, warmup: 1, ..TrainConfig::default() };
    cfg.lora.rank = args.rank;
    cfg.lora.alpha = 2.0 * args.rank as f32;
    let frozen = Frozen::new(base.config.clone(), &base.weights, &device)?;
    drop(base);
    let mut trainer = pollster::block_on(Trainer::new(frozen, cfg, Objective::Sft(examples), None))?;
    let mut times = Vec::new();
    for step in 0..=args.steps {
        let start = Instant::now();
        let r = pollster::block_on(trainer.step())?;
        if step > 0 {
            times.push((start.elapsed().as_secs_f64(), r.tokens));
        }
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (secs, tokens) = times[times.len() / 2];
    println!(
        "{}",
        serde_json::json!({ "tps": tokens as f64 / secs, "step_s": secs, "peak_mb": peak_rss_mb() })
    );
    Ok(())
}

/// The extension's own training job (`train.start`) in headless Chromium on chats of about
/// `seq_len` tokens, with `autofill.classify` latencies measured idle and while it trains.
/// Returns the row and the two p95s (ms).
#[tokio::main]
async fn in_browser(args: &Args) -> Result<(Row, f64, f64)> {
    use secondself::browser::{self, ExtensionBrowser, LaunchOptions};
    use std::time::Duration;
    let b = ExtensionBrowser::launch(&secondself::extension_dir(), &LaunchOptions::default()).await?;
    let result = async {
        let page = b.open(&b.extension_url("sidepanel/sidepanel.html")).await?;
        // A chat longer than seq_len tokens: the job cuts it to exactly seq_len.
        let words = "the ferry leaves the harbour at seven and returns before the evening tide turns";
        let mut user = String::new();
        while user.split_whitespace().count() < args.seq_len + 40 {
            user.push_str(words);
            user.push(' ');
        }
        let line = serde_json::json!({ "messages": [{ "role": "user", "content": user.trim() }, { "role": "assistant", "content": "Noted: the ferry times." }] }).to_string();
        let data = vec![line; args.steps + 1].join("\n");
        let fields = serde_json::json!([
            { "index": 0, "tag": "input", "type": "text", "autocomplete": "given-name", "name": "first", "label": "First name" },
            { "index": 1, "tag": "input", "type": "email", "autocomplete": "email", "name": "email", "label": "Email" }
        ]);
        let probe = format!(
            "(async () => {{ const t = []; for (let i = 0; i < 20; i++) {{ const s = performance.now(); await SecondSelfProtocol.request({{ kind: 'autofill.classify', fields: {fields} }}); t.push(performance.now() - s); }} t.sort((a, b) => a - b); return t[Math.floor(t.length * 0.95) - 1] ?? t[t.length - 1]; }})()"
        );
        let idle: f64 = browser::eval(&page, &probe).await?;
        let job = serde_json::json!({ "kind": "train.start", "data": data, "steps": args.steps + 1, "seq_len": args.seq_len, "name": "bench" });
        let start = format!("(window.__ev = [], window.__done = null, SecondSelfProtocol.request({job}, {{ onEvent: e => e.kind === 'train.progress' && window.__ev.push([performance.now(), e]) }}).then(r => window.__done = r, e => window.__done = {{ error: String(e.message || e) }}), true)");
        let _: bool = browser::eval(&page, &start).await?;
        browser::wait_until(&page, "window.__ev.length >= 1 || window.__done !== null", Duration::from_secs(3600)).await?;
        let busy_probe = format!(
            "(async () => {{ const t = []; while (window.__done === null) {{ const s = performance.now(); await SecondSelfProtocol.request({{ kind: 'autofill.classify', fields: {fields} }}); t.push(performance.now() - s); await new Promise(r => setTimeout(r, 100)); }} t.sort((a, b) => a - b); return t.length ? [t[Math.max(0, Math.ceil(t.length * 0.95) - 1)], t[t.length - 1], t.length] : [0, 0, 0]; }})()"
        );
        let (busy, worst, count): (f64, f64, usize) = browser::eval(&page, &busy_probe).await?;
        eprintln!("autofill while training: {count} requests, p95 {busy:.1} ms, slowest {worst:.0} ms (it waited for a step)");
        let done: serde_json::Value = browser::eval(&page, "window.__done").await?;
        if done["error"].is_string() || done["state"] != "done" {
            bail!("the training job did not finish: {done}");
        }
        // Steps after the first (warm-up): time between progress events.
        let ev: Vec<(f64, serde_json::Value)> = browser::eval(&page, "window.__ev").await?;
        if ev.len() < 2 {
            bail!("too few steps to time");
        }
        let mut gaps: Vec<f64> = ev.windows(2).map(|w| (w[1].0 - w[0].0) / 1000.0).collect();
        gaps.sort_by(f64::total_cmp);
        let step_s = gaps[gaps.len() / 2];
        let _: serde_json::Value = browser::eval(&page, "SecondSelfProtocol.request({ kind: 'adapter.use', name: null })").await?;
        let heap: Option<f64> = None;
        Ok((
            Row { name: "SecondSelf in Chromium, CPU (wasm)".into(), threads: Some(1), tps: args.seq_len as f64 / step_s, step_s, peak_mb: heap },
            idle,
            busy,
        ))
    }
    .await;
    let _ = b.close().await;
    result
}

/// A Python venv with the peer's packages in `target/bench-peers/venv` (made once).
fn peer_python() -> Result<PathBuf> {
    let venv = secondself::repo_dir().join("target").join("bench-peers").join("venv");
    let python = venv.join("bin").join("python");
    let ready = venv.join(".ready");
    if ready.is_file() {
        return Ok(python);
    }
    eprintln!("installing PyTorch + PEFT into {} (once; several GB) …", venv.display());
    let status = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().context("running python3 -m venv")?;
    if !status.success() {
        bail!("python3 -m venv failed (install python3-venv)");
    }
    let status = Command::new(venv.join("bin").join("pip"))
        .args(["install", "-q"])
        .args(PEER_PACKAGES)
        .status()
        .context("running pip")?;
    if !status.success() {
        bail!("pip install {} failed", PEER_PACKAGES.join(" "));
    }
    std::fs::write(&ready, PEER_PACKAGES.join("\n"))?;
    Ok(python)
}

fn peft_row(path: &Path, threads: usize, args: &Args) -> Result<Row> {
    let python = peer_python()?;
    let script = python.parent().and_then(Path::parent).context("venv")?.join("peft_train.py");
    std::fs::write(&script, PEFT_SCRIPT)?;
    let out = Command::new(&python)
        .arg(&script)
        .arg(path)
        .args([threads.to_string(), args.seq_len.to_string(), args.rank.to_string(), args.steps.to_string()])
        .env("OMP_NUM_THREADS", threads.to_string())
        .output()
        .context("running the PyTorch peer")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed"));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).context("the PyTorch peer printed no result")?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    Ok(Row {
        name: format!("PyTorch {} + PEFT, CPU", v["torch"].as_str().unwrap_or("")),
        threads: Some(threads),
        tps: v["tps"].as_f64().unwrap_or(0.0),
        step_s: v["step_s"].as_f64().unwrap_or(0.0),
        peak_mb: v["peak_mb"].as_f64(),
    })
}

fn print_table(path: &Path, args: &Args, rows: &[Row]) {
    println!(
        "train bench: {} · LoRA r {} on q,k,v,o,gate,up,down · sequence {} · batch 1 · {} cores",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("model"),
        args.rank,
        args.seq_len,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!("| | threads | tokens/s | s/step | peak MB | × PyTorch+PEFT (same threads) |");
    println!("|---|---|---|---|---|---|");
    let peer = |t: Option<usize>| rows.iter().find(|r| r.name.starts_with("PyTorch") && r.threads == t).map(|r| r.tps);
    for r in rows {
        let ratio = match (peer(r.threads), r.name.starts_with("PyTorch")) {
            (Some(p), false) if p > 0.0 => format!("{:.2}×", r.tps / p),
            _ => String::new(),
        };
        println!(
            "| {} | {} | {:.1} | {:.2} | {} | {ratio} |",
            r.name,
            r.threads.map_or("–".to_string(), |t| t.to_string()),
            r.tps,
            r.step_s,
            r.peak_mb.map_or("–".into(), |m| format!("{m:.0}"))
        );
    }
}
