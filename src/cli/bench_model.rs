//! `secondself bench model [--backend cpu|wgpu] [--threads N]`: the model's speed natively, with
//! the peers measured in the same run on the same GGUF when they can be set up (`--no-peers` to
//! skip): native llama.cpp through npm `node-llama-cpp`. Prints one table: load time, prefill
//! tok/s (a 200-token prompt), decode tok/s (128 greedy tokens), peak memory (the process's
//! high-water mark), and the ratio of each row's decode to llama.cpp's.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use secondself_engine::model::{bench, LanguageModel};

use super::model_choice::{model_file, set_threads, BackendChoice};

/// `secondself bench model`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Backends to measure (repeatable); default: cpu.
    #[arg(long, value_enum)]
    pub backend: Vec<BackendChoice>,
    /// CPU worker threads for our engine and the peer.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Prompt tokens for the prefill measurement.
    #[arg(long, default_value_t = 200)]
    pub prompt_tokens: usize,
    /// Tokens for the decode measurement.
    #[arg(long, default_value_t = 128)]
    pub decode_tokens: usize,
    /// Prompt tokens for the WebGPU row in Chromium (headless Chromium's WebGPU is usually
    /// SwiftShader, the GPU emulated on the CPU: far slower than the CPU rows).
    #[arg(long, default_value_t = 64)]
    pub webgpu_prompt_tokens: usize,
    /// Decode tokens for the WebGPU row in Chromium.
    #[arg(long, default_value_t = 16)]
    pub webgpu_decode_tokens: usize,
    /// Skip the peers (llama.cpp natively and in wasm).
    #[arg(long)]
    pub no_peers: bool,
    /// Skip the in-browser rows (the extension's engine in headless Chromium, and wllama).
    #[arg(long)]
    pub native_only: bool,
    /// Internal: run as the child that counts GPU dispatches per decoded token.
    #[arg(long, hide = true)]
    pub dispatch_probe: bool,
    /// Another llama GGUF file instead of the default model.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub load_s: f64,
    pub prefill_tps: f64,
    pub decode_tps: f64,
    pub peak_mb: Option<f64>,
    /// Kernel dispatches per decoded token (GPU rows, natively).
    pub dispatches: Option<f64>,
}

pub fn run(args: Args) -> Result<()> {
    set_threads(args.threads);
    let path = model_file(args.model.clone())?;
    if args.dispatch_probe {
        return dispatch_probe(&path);
    }
    let backends = if args.backend.is_empty() { vec![BackendChoice::Cpu] } else { args.backend.clone() };
    let mut rows = Vec::new();
    for b in backends {
        eprintln!("measuring SecondSelf on {} …", b.label());
        rows.push(measure_ours(&path, b, &args).with_context(|| format!("measuring {}", b.label()))?);
    }
    if !args.no_peers {
        eprintln!("measuring llama.cpp (node-llama-cpp) …");
        match super::bench_peers::llama_cpp(&path, args.threads.unwrap_or(1), args.prompt_tokens, args.decode_tokens) {
            Ok(row) => rows.push(row),
            Err(e) => eprintln!("llama.cpp peer skipped: {e:#}"),
        }
    }
    if !args.native_only {
        eprintln!("measuring in headless Chromium (the extension's engine{}) …", if args.no_peers { "" } else { ", wllama" });
        let (ids, text) = {
            let model = LanguageModel::load_file(&path, &BackendChoice::Cpu.device())?;
            let ids = bench::bench_prompt(&model, args.prompt_tokens);
            let text = model.tokenizer().decode(&ids);
            (ids, text)
        };
        match super::bench_peers::in_browser(&path, &ids, &text, args.decode_tokens, (args.webgpu_prompt_tokens, args.webgpu_decode_tokens), !args.no_peers) {
            Ok(more) => rows.extend(more),
            Err(e) => eprintln!("in-browser rows skipped: {e:#}"),
        }
    }
    print_table(&path, &args, &rows);
    Ok(())
}

fn measure_ours(path: &Path, backend: BackendChoice, args: &Args) -> Result<Row> {
    let start = Instant::now();
    let mut model = LanguageModel::load_file(path, &backend.device())?;
    let load_s = start.elapsed().as_secs_f64();
    let clock = Instant::now();
    let now_ms = || clock.elapsed().as_secs_f64() * 1e3;
    let m = pollster::block_on(bench::measure(&mut model, args.prompt_tokens, args.decode_tokens, &now_ms))?;
    Ok(Row {
        name: format!("SecondSelf, {}{}", backend.label(), threads_note(backend, args.threads)),
        load_s,
        prefill_tps: m.prefill_tps,
        decode_tps: m.decode_tps,
        peak_mb: peak_rss_mb(),
        dispatches: match backend {
            BackendChoice::Wgpu => count_dispatches(path).map_err(|e| eprintln!("dispatches not counted: {e:#}")).ok(),
            _ => None,
        },
    })
}

/// Marks around the counted decode steps in the probe's output.
const MARK_START: &str = "@@secondself-dispatch-start";
const MARK_END: &str = "@@secondself-dispatch-end";
const PROBE_STEPS: usize = 8;

/// Dispatches per decoded token on wgpu, from a child process (`--dispatch-probe`) in which
/// CubeCL logs every kernel it runs.
fn count_dispatches(path: &Path) -> Result<f64> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["bench", "model", "--dispatch-probe", "--model"])
        .arg(path)
        .output()
        .context("running the dispatch probe")?;
    check_status(&out, "the dispatch probe")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    secondself_engine::kernels::dispatch_log::count_between(&stdout, MARK_START, MARK_END, PROBE_STEPS)
        .context("the dispatch probe printed no marks")
}

/// The child: wgpu with kernel logging on; a short prefill and two warm-up steps, then
/// [`PROBE_STEPS`] decode steps between the marks (each reads its token back, so every kernel
/// of a step has run before the next mark).
fn dispatch_probe(path: &Path) -> Result<()> {
    if !secondself_engine::kernels::dispatch_log::log_dispatches_to_stdout() {
        bail!("CubeCL's configuration was fixed before the probe could set it");
    }
    let mut model = LanguageModel::load_file(path, &BackendChoice::Wgpu.device())?;
    let prompt = bench::bench_prompt(&model, 16);
    let llama = model.llama_mut();
    let mut id = pollster::block_on(llama.forward_argmax(&prompt))?;
    for _ in 0..2 {
        id = pollster::block_on(llama.forward_argmax(&[id]))?;
    }
    let settle = || std::thread::sleep(std::time::Duration::from_millis(500));
    settle();
    println!("{MARK_START}");
    for _ in 0..PROBE_STEPS {
        id = pollster::block_on(llama.forward_argmax(&[id]))?;
    }
    settle();
    println!("{MARK_END}");
    Ok(())
}

fn threads_note(backend: BackendChoice, threads: Option<usize>) -> String {
    match (backend, threads) {
        (BackendChoice::Cpu, Some(n)) => format!(", {n} thread{}", if n == 1 { "" } else { "s" }),
        (BackendChoice::Cpu, None) => ", all cores".into(),
        _ => String::new(),
    }
}

/// The process's peak resident memory (Linux `VmHWM`), in MiB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn print_table(path: &Path, args: &Args, rows: &[Row]) {
    println!(
        "model bench: {} · prefill {} tokens · decode {} tokens · {} · {} cores",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("model"),
        args.prompt_tokens,
        args.decode_tokens,
        std::env::consts::ARCH,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let native = rows.iter().find(|r| r.name.starts_with("llama.cpp")).map(|r| r.decode_tps);
    let wasm = rows.iter().find(|r| r.name.starts_with("wllama")).map(|r| r.decode_tps);
    let ratio = |peer: Option<f64>, r: &Row| peer.map(|p| format!("{:.2}x", r.decode_tps / p.max(1e-9))).unwrap_or_else(|| "—".into());
    println!("| engine                                        | load s | prefill tok/s | decode tok/s | peak MiB | dispatches/token | decode vs llama.cpp | decode vs wllama |");
    println!("|-----------------------------------------------|-------:|--------------:|-------------:|---------:|-----------------:|--------------------:|-----------------:|");
    for r in rows {
        let peak = r.peak_mb.map(|m| format!("{m:.0}")).unwrap_or_else(|| "—".into());
        let dispatches = r.dispatches.map(|d| format!("{d:.0}")).unwrap_or_else(|| "—".into());
        println!(
            "| {:<45} | {:>6.2} | {:>13.1} | {:>12.1} | {:>8} | {:>16} | {:>19} | {:>16} |",
            r.name, r.load_s, r.prefill_tps, r.decode_tps, peak, dispatches, ratio(native, r), ratio(wasm, r)
        );
    }
    println!("peak MiB: the process's high-water mark natively (cumulative over rows), the wasm heap in the browser.");
    println!("dispatches/token: GPU kernel runs per decoded token, counted natively from CubeCL's kernel log (— for CPU rows and in the browser).");
}

/// Fails with the command's output when it did not succeed.
pub fn check_status(out: &std::process::Output, what: &str) -> Result<()> {
    if !out.status.success() {
        bail!("{what} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}
