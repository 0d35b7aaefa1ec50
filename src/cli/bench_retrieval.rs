//! `secondself bench retrieval`: top-10 query latency over 50,000 generated chunks, natively and
//! in the browser (the wasm engine inside the extension in headless Chromium), on the same
//! corpus and queries (`retrieval::bench`). Prints one table with both and their ratio.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use secondself::browser::{self, ExtensionBrowser, LaunchOptions};
use secondself_engine::retrieval::bench::{self, RetrievalBench, TARGET_MS};

/// `secondself bench retrieval`
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Number of chunks to index.
    #[arg(long, default_value_t = 50_000)]
    pub chunks: usize,
    /// Number of timed queries.
    #[arg(long, default_value_t = 500)]
    pub queries: usize,
    /// Measure natively only (no browser).
    #[arg(long)]
    pub native_only: bool,
}

pub fn run(args: Args) -> Result<()> {
    let start = Instant::now();
    let native = bench::run(args.chunks, args.queries, &|| start.elapsed().as_secs_f64() * 1e3);
    let browser = if args.native_only { None } else { Some(in_browser(&args).context("the in-browser run failed")?) };
    println!(
        "retrieval bench: {} chunks, {} terms, avg {:.0} terms/chunk, {} top-10 queries",
        native.chunks, native.terms, native.avg_terms_per_chunk, native.queries
    );
    println!("| where                             | generate s | index s | median ms | p95 ms | max ms |");
    println!("|-----------------------------------|-----------:|--------:|----------:|-------:|-------:|");
    let row = |name: &str, r: &RetrievalBench| {
        println!(
            "| {name:<33} | {:>10.2} | {:>7.2} | {:>9.2} | {:>6.2} | {:>6.2} |",
            r.generate_ms / 1e3,
            r.index_ms / 1e3,
            r.median_ms,
            r.p95_ms,
            r.max_ms
        )
    };
    row("native", &native);
    if let Some(b) = &browser {
        row("browser (wasm, headless Chromium)", b);
        println!("browser / native median: {:.2}x", b.median_ms / native.median_ms.max(1e-6));
    }
    println!("\nhybrid (keywords top 50 + meaning top 50 over {} 384-wide 8-bit vectors, fused), top 10:", native.chunks);
    println!("| where                             | median ms | p95 ms |");
    println!("|-----------------------------------|----------:|-------:|");
    println!("| {:<33} | {:>9.2} | {:>6.2} |", "native", native.hybrid_median_ms, native.hybrid_p95_ms);
    if let Some(b) = &browser {
        println!("| {:<33} | {:>9.2} | {:>6.2} |", "browser (wasm, headless Chromium)", b.hybrid_median_ms, b.hybrid_p95_ms);
    }
    let hybrid_worst = browser.as_ref().map_or(native.hybrid_p95_ms, |b| b.hybrid_p95_ms.max(native.hybrid_p95_ms));
    println!("target: hybrid p95 < {TARGET_MS:.0} ms: {}", if hybrid_worst < TARGET_MS { "PASS" } else { "FAIL" });
    let worst = browser.as_ref().map_or(native.median_ms, |b| b.median_ms.max(native.median_ms));
    println!("target: median < {TARGET_MS:.0} ms: {}", if worst < TARGET_MS { "PASS" } else { "FAIL" });
    Ok(())
}

#[tokio::main]
async fn in_browser(args: &Args) -> Result<RetrievalBench> {
    let b = ExtensionBrowser::launch(&secondself::extension_dir(), &LaunchOptions::default()).await?;
    let result = async {
        let page = b.open(&b.extension_url("sidepanel/sidepanel.html")).await?;
        browser::wait_until(&page, "document.getElementById('engine-state').dataset.state === 'ready'", Duration::from_secs(120)).await?;
        let expr = format!("SecondSelfProtocol.request({{ kind: 'bench.retrieval', chunks: {}, queries: {} }}).then(r => r.report)", args.chunks, args.queries);
        browser::eval::<RetrievalBench>(&page, &expr).await
    }
    .await;
    let _ = b.close().await;
    result
}
