//! The embedding model for the CLI: provisioned like the L2 model (`src/provision.rs`), run on
//! the CPU; chunk vectors are made with a progress bar on a terminal.

use std::io::IsTerminal;

use anyhow::{anyhow, Context, Result};
use burn::tensor::Device;
use secondself_engine::embed::Embedder;
use secondself_engine::memory::native::NativeStore;
use secondself_engine::memory::vectors;

/// Loads all-MiniLM-L6-v2 (f32 weights) from the cache, fetching it once.
pub fn load() -> Result<Embedder> {
    let dir = secondself::provision::embedder_dir(&mut |line| eprintln!("secondself: {line}")).map_err(|e| anyhow!("{e}"))?;
    let read = |f: &str| std::fs::read(dir.join(f)).with_context(|| format!("reading {}", dir.join(f).display()));
    Embedder::new(&read("model.safetensors")?, &read("tokenizer.json")?, &read("config.json")?, &Device::flex()).map_err(|e| anyhow!("{e}"))
}

/// Gives every chunk of `store` without a vector one; returns how many were embedded.
pub fn embed_store(store: &mut NativeStore, embedder: &Embedder, quiet: bool) -> Result<usize> {
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("embedding {bar:40} {pos}/{len} chunks {per_sec}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let n = pollster::block_on(vectors::embed_missing(store, embedder, &mut |done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    }))
    .context("embedding the chunks")?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(n)
}

/// The embedding a question or prompt is searched with (`None` for a language the model does
/// not read: keywords alone then).
pub fn meaning(embedder: &Embedder, text: &str) -> Result<Option<Vec<f32>>> {
    pollster::block_on(embedder.query(text)).map_err(|e| anyhow!("{e}"))
}
