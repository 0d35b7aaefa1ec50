//! `secondself`: the host CLI. With no subcommand it runs the demo: serves the demo site on
//! 127.0.0.1 and opens Chromium with the extension loaded on it (`cargo run --release`).
//!
//! Subcommands are interfaces others rely on: keep their names and output stable.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use secondself::browser::{self, ExtensionBrowser, LaunchOptions};
use secondself::server::StaticServer;
use secondself::{extension_dir, fixtures_dir, pack, repo_dir};

#[derive(Parser)]
#[command(name = "secondself", version, about = "SecondSelf: your memory on your device, a small model on your side.")]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the demo site and open Chromium with the extension loaded (the default).
    Run {
        /// Port of the demo site on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Run Chromium headless even when a display is available.
        #[arg(long)]
        headless: bool,
    },
    /// Write the store-ready zip of the extension (default: target/secondself-VERSION.zip).
    Pack {
        /// Where to write the zip.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Cmd::Run { port: 8765, headless: false }) {
        Cmd::Run { port, headless } => run_demo(port, headless),
        Cmd::Pack { out } => run_pack(out),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run_pack(out: Option<PathBuf>) -> Result<()> {
    let out = out.unwrap_or_else(|| repo_dir().join("target").join(format!("secondself-{}.zip", env!("CARGO_PKG_VERSION"))));
    let n = pack::pack(&extension_dir(), &out)?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    println!("packed {n} files into {} ({:.1} MB)", out.display(), size as f64 / 1e6);
    Ok(())
}

fn has_display() -> bool {
    cfg!(not(target_os = "linux")) || ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

#[tokio::main]
async fn run_demo(port: u16, force_headless: bool) -> Result<()> {
    let server = StaticServer::start(&fixtures_dir(), port).or_else(|_| StaticServer::start(&fixtures_dir(), 0))?;
    let demo = server.url("/demo/index.html");
    let headless = force_headless || !has_display();
    println!("SecondSelf demo site: {demo}");
    let opts = LaunchOptions { headless, ..Default::default() };
    let b = ExtensionBrowser::launch(&extension_dir(), &opts).await?;
    println!("extension loaded from {} (id {})", extension_dir().display(), b.extension_id);
    let page = b.open(&demo).await?;

    // Ask the engine for its status the way the side panel does, so the demo shows it works.
    let panel = b.open(&b.extension_url("sidepanel/sidepanel.html")).await?;
    browser::wait_until(&panel, "document.getElementById('engine-state').dataset.state !== 'loading'", Duration::from_secs(60)).await?;
    let state: String = browser::eval(&panel, "document.getElementById('engine-state').dataset.state").await?;
    let backend: String = browser::eval(&panel, "document.getElementById('engine-backend').textContent").await?;
    let version: String = browser::eval(&panel, "document.getElementById('engine-version').textContent").await?;
    println!("engine: {state}, {version}, backend {backend}");

    if headless {
        let shots = repo_dir().join("target").join("demo");
        browser::screenshot(&page, &shots.join("demo-page.png")).await?;
        browser::screenshot(&panel, &shots.join("side-panel.png")).await?;
        println!(
            "no display found (DISPLAY/WAYLAND_DISPLAY unset), so Chromium ran headless; screenshots: {}\n\
             To see it: run this on a desktop, or load {} as an unpacked extension in chrome://extensions.",
            shots.display(),
            extension_dir().display()
        );
        return b.close().await;
    }
    panel.close().await.ok();
    page.bring_to_front().await.ok();
    println!("Chromium is open on the demo page. Click the SecondSelf icon in the toolbar to open the side panel.\nClose the browser or press Ctrl-C to stop.");
    let mut b = b;
    tokio::select! {
        _ = b.browser.wait() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    b.close().await.context("closing the browser")
}
