//! The peers of `secondself bench model`, set up on demand in `target/bench-peers/` from the
//! npm registry and run on the same GGUF: native llama.cpp through `node-llama-cpp` (its
//! prebuilt `@node-llama-cpp/linux-x64` binary; nothing is compiled), and llama.cpp in wasm
//! (`@wllama/wllama`) in the same headless Chromium that measures the extension's engine
//! (`bench.html`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use super::bench_model::{check_status, Row};

/// The pinned peer packages.
const NODE_LLAMA_CPP: &str = "node-llama-cpp@3.22.1";
const WLLAMA: &str = "@wllama/wllama@3.8.1";
const PDFJS: &str = "pdfjs-dist@6.5.438";

const PDFJS_SCRIPT: &str = include_str!("peers/pdfjs_text.mjs");

const WLLAMA_PAGE: &str = include_str!("peers/wllama.html");

const LLAMA_CPP_SCRIPT: &str = include_str!("peers/llama_cpp.mjs");
const LLAMA_CPP_LORA_SCRIPT: &str = include_str!("peers/llama_cpp_lora.mjs");

fn peers_dir() -> PathBuf {
    secondself::repo_dir().join("target").join("bench-peers")
}

/// Installs `package` into `target/bench-peers` unless it is there already.
fn npm_install(package: &str, marker: &str) -> Result<PathBuf> {
    let dir = peers_dir();
    if dir.join("node_modules").join(marker).join("package.json").is_file() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir)?;
    if !dir.join("package.json").is_file() {
        std::fs::write(dir.join("package.json"), "{\"private\": true, \"type\": \"module\"}\n")?;
    }
    eprintln!("installing {package} with npm into {} (once)", dir.display());
    let out = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error", package])
        .env("NODE_LLAMA_CPP_SKIP_DOWNLOAD", "true")
        .current_dir(&dir)
        .output()
        .context("running npm (install Node.js and npm)")?;
    check_status(&out, &format!("npm install {package}"))?;
    Ok(dir)
}

/// Native llama.cpp (CPU) on `model` with `threads` threads.
pub fn llama_cpp(model: &Path, threads: usize, prompt_tokens: usize, decode_tokens: usize) -> Result<Row> {
    let dir = npm_install(NODE_LLAMA_CPP, "node-llama-cpp")?;
    let script = dir.join("llama_cpp.mjs");
    std::fs::write(&script, LLAMA_CPP_SCRIPT)?;
    let out = Command::new("node")
        .arg(&script)
        .arg(model)
        .arg(threads.to_string())
        .arg(prompt_tokens.to_string())
        .arg(decode_tokens.to_string())
        .current_dir(&dir)
        .output()
        .context("running node")?;
    check_status(&out, "the llama.cpp peer")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).context("the llama.cpp peer printed no result")?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    let num = |k: &str| v[k].as_f64().with_context(|| format!("the peer's result lacks {k}: {line}"));
    Ok(Row {
        name: format!("llama.cpp (node-llama-cpp), {threads} thread{}", if threads == 1 { "" } else { "s" }),
        load_s: num("load_s")?,
        prefill_tps: num("prefill_tps")?,
        decode_tps: num("decode_tps")?,
        peak_mb: v["peak_mb"].as_f64(),
        dispatches: None,
    })
}

/// What llama.cpp answers for one prompt with a LoRA adapter applied.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LoraPeerOut {
    /// The ten most likely next tokens after the prompt with their log-probabilities (read by
    /// the cross-engine test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub top10: Vec<(u32, f32)>,
    /// The greedy continuation's token ids.
    pub greedy: Vec<u32>,
}

/// Native llama.cpp (node-llama-cpp) on `model` with `adapter` (or the base with `None`): top-10
/// log-probabilities and the greedy continuation of `greedy` tokens for each prompt (token ids).
pub fn llama_cpp_lora(model: &Path, adapter: Option<&Path>, prompts: &[Vec<u32>], greedy: usize) -> Result<Vec<LoraPeerOut>> {
    let dir = npm_install(NODE_LLAMA_CPP, "node-llama-cpp")?;
    let script = dir.join("llama_cpp_lora.mjs");
    std::fs::write(&script, LLAMA_CPP_LORA_SCRIPT)?;
    let tmp = tempfile::tempdir()?;
    let prompts_path = tmp.path().join("prompts.json");
    std::fs::write(&prompts_path, serde_json::to_string(prompts)?)?;
    let adapter_arg = adapter.map(|a| a.as_os_str().to_owned()).unwrap_or_else(|| "-".into());
    let out = Command::new("node")
        .arg(&script)
        .arg(model)
        .arg(adapter_arg)
        .arg(&prompts_path)
        .arg(greedy.to_string())
        .current_dir(&dir)
        .output()
        .context("running node")?;
    check_status(&out, "the llama.cpp LoRA peer")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('[')).context("the llama.cpp LoRA peer printed no result")?;
    Ok(serde_json::from_str(line)?)
}

/// Rows measured in headless Chromium: the extension's engine on its device (WebGPU after the
/// self-check) and on the CPU (`bench.html`), then wllama when `peers`.
#[tokio::main]
pub async fn in_browser(model: &Path, ids: &[u32], prompt_text: &str, decode_tokens: usize, gpu_tokens: (usize, usize), peers: bool) -> Result<Vec<Row>> {
    use secondself::browser::{self, ExtensionBrowser, LaunchOptions};
    use std::time::Duration;
    // The bench page is part of the test-only harness build, not of the store build.
    let build = secondself::test_build::HarnessBuild::new(&secondself::extension_dir())?;
    let b = ExtensionBrowser::launch(build.path(), &LaunchOptions::default()).await?;
    let result = async {
        let mut rows = Vec::new();
        let page = b.open(&b.extension_url(&format!("bench/bench.html?auto&prompt={}&decode={decode_tokens}&gpu_prompt={}&gpu_decode={}", ids.len(), ids.len().min(gpu_tokens.0), decode_tokens.min(gpu_tokens.1)))).await?;
        browser::wait_until(&page, "window.benchResults != null", Duration::from_secs(3600)).await?;
        let results: serde_json::Value = browser::eval(&page, "window.benchResults").await?;
        let list = results.as_array().with_context(|| format!("bench.html failed: {results}"))?;
        for r in list {
            let backend = r["backend"].as_str().unwrap_or("?");
            if let Some(why) = r["skipped"].as_str() {
                eprintln!("SecondSelf on {backend} in Chromium skipped: {why}");
                continue;
            }
            let (p, d) = (r["bench"]["prompt_tokens"].as_u64().unwrap_or(0), r["bench"]["decode_tokens"].as_u64().unwrap_or(0));
            let shortened = if p as usize != ids.len() || d as usize != decode_tokens { format!(" ({p}-token prompt, {d} decoded)") } else { String::new() };
            rows.push(Row {
                name: format!("SecondSelf in Chromium, {}{shortened}", if backend.starts_with("CPU") { "CPU (wasm)".to_string() } else { backend.strip_prefix("GPU: ").unwrap_or(backend).to_string() }),
                load_s: r["load_ms"].as_f64().unwrap_or(0.0) / 1e3,
                prefill_tps: r["bench"]["prefill_tps"].as_f64().unwrap_or(0.0),
                decode_tps: r["bench"]["decode_tps"].as_f64().unwrap_or(0.0),
                peak_mb: r["wasm_heap_mb"].as_f64(),
                dispatches: None,
            });
        }
        if peers {
            match wllama_row(&b, model, ids, prompt_text, decode_tokens).await {
                Ok(row) => rows.push(row),
                Err(e) => eprintln!("wllama peer skipped: {e:#}"),
            }
        }
        Ok::<_, anyhow::Error>(rows)
    }
    .await;
    let _ = b.close().await;
    result
}

async fn wllama_row(b: &secondself::browser::ExtensionBrowser, model: &Path, ids: &[u32], prompt_text: &str, decode_tokens: usize) -> Result<Row> {
    use secondself::browser;
    use std::time::Duration;
    let dir = npm_install(WLLAMA, "@wllama/wllama")?;
    std::fs::write(dir.join("wllama.html"), WLLAMA_PAGE)?;
    let link = dir.join("model.gguf");
    let _ = std::fs::remove_file(&link);
    std::fs::hard_link(model, &link).or_else(|_| std::fs::copy(model, &link).map(|_| ()))?;
    let server = secondself::server::StaticServer::start(&dir, 0)?;
    // wllama takes text prompts: the page reads the benchmark prompt's text from prompt.txt.
    std::fs::write(dir.join("prompt.txt"), prompt_text)?;
    let page = b.open(&server.url(&format!("/wllama.html?decode={decode_tokens}"))).await?;
    browser::wait_until(&page, "window.benchResult != null", Duration::from_secs(1800)).await?;
    let r: serde_json::Value = browser::eval(&page, "window.benchResult").await?;
    if let Some(e) = r["error"].as_str() {
        anyhow::bail!("wllama failed: {e}");
    }
    Ok(Row {
        name: match r["prompt_n"].as_u64() {
            Some(n) if n as usize != ids.len() => format!("wllama (llama.cpp wasm) in Chromium, 1 thread ({n}-token prompt)"),
            _ => "wllama (llama.cpp wasm) in Chromium, 1 thread".into(),
        },
        load_s: r["load_s"].as_f64().unwrap_or(0.0),
        prefill_tps: r["prefill_tps"].as_f64().unwrap_or(0.0),
        decode_tps: r["decode_tps"].as_f64().unwrap_or(0.0),
        peak_mb: None,
        dispatches: None,
    })
}

/// pdf.js (`pdfjs-dist`, under Node) reading the text of every page of `pdf`, `runs` times:
/// milliseconds per run, pages, characters read.
pub fn pdfjs_text(pdf: &Path, runs: usize) -> Result<(Vec<f64>, u64, u64)> {
    let dir = npm_install(PDFJS, "pdfjs-dist")?;
    let script = dir.join("pdfjs_text.mjs");
    std::fs::write(&script, PDFJS_SCRIPT)?;
    let out = Command::new("node").arg(&script).arg(pdf).arg(runs.to_string()).current_dir(&dir).output().context("running node")?;
    check_status(&out, "the pdf.js peer")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).context("the pdf.js peer printed no result")?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    let ms = v["ms"].as_array().context("no timings")?.iter().filter_map(|x| x.as_f64()).collect();
    Ok((ms, v["pages"].as_u64().unwrap_or(0), v["chars"].as_u64().unwrap_or(0)))
}
