//! `secondself run` (the default command): serves the demo site on 127.0.0.1 and opens Chromium
//! with the extension loaded on it. Without a display it runs headless, checks the engine and
//! writes screenshots to `target/demo/`.

use std::time::Duration;

use anyhow::{Context, Result};

use secondself::browser::{self, ExtensionBrowser, LaunchOptions};
use secondself::server::StaticServer;
use secondself::{extension_dir, fixtures_dir, repo_dir};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port of the demo site on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Run Chromium headless even when a display is available.
    #[arg(long)]
    pub headless: bool,
}

impl Default for Args {
    fn default() -> Self {
        Args { port: 8765, headless: false }
    }
}

fn has_display() -> bool {
    cfg!(not(target_os = "linux")) || ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

#[tokio::main]
pub async fn run(args: Args) -> Result<()> {
    let server = StaticServer::start(&fixtures_dir(), args.port).or_else(|_| StaticServer::start(&fixtures_dir(), 0))?;
    let demo = server.url("/demo/index.html");
    let headless = args.headless || !has_display();
    println!("SecondSelf demo site: {demo}");
    let opts = LaunchOptions { headless, ..Default::default() };
    // The demo's chat pages are local replicas of the chat sites: load the variant of the
    // extension that also runs there.
    let ext = secondself::test_build::derive(&extension_dir(), &repo_dir().join("target").join("demo").join("extension"))?;
    let b = ExtensionBrowser::launch(&ext, &opts).await?;
    println!("extension loaded from {} (id {})", ext.display(), b.extension_id);
    let page = b.open(&demo).await?;

    // Ask the engine for its status the way the side panel does, so the demo shows it works.
    let panel = b.open(&b.extension_url("sidepanel/sidepanel.html")).await?;
    browser::wait_until(&panel, "document.getElementById('engine-state').dataset.state !== 'loading'", Duration::from_secs(120)).await?;
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
