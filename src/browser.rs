//! Chromium with the SecondSelf extension loaded, driven over CDP (chromiumoxide).
//!
//! [`find_chromium`] locates the browser (`CHROME`, then `PATH`; on Debian as root it installs
//! the `chromium` package when none is found). [`ExtensionBrowser::launch`] starts it with a
//! fresh profile and the unpacked extension, waits for the extension's service worker and reads
//! the extension id from that target. Used by `secondself` (demo, evals) and the E2E tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::Page;
use futures::StreamExt;
use serde::de::DeserializeOwned;

/// Finds a Chromium/Chrome binary, installing Debian's `chromium` as root if none is found.
pub fn find_chromium() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("CHROME").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
        bail!("CHROME={} is not a file.\n  fix: point CHROME at a Chromium or Chrome binary, or unset it", p.display());
    }
    if let Some(p) = search_path() {
        return Ok(p);
    }
    // Browsers started side by side (the E2E tests run in parallel) install once: the others
    // wait for it and then find it, instead of racing apt-get for its lock and failing.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = search_path() {
        return Ok(p);
    }
    if is_debian_root() {
        eprintln!("secondself: no Chromium found; installing Debian's `chromium` package (apt-get)…");
        // (Another process installing at the same time holds apt's lock: wait for it.)
        let ok = Command::new("apt-get").args(["-o", "DPkg::Lock::Timeout=600", "update", "-qq"]).status().map(|s| s.success()).unwrap_or(false)
            && Command::new("apt-get")
                .args(["-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "chromium"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
        if ok {
            if let Some(p) = search_path() {
                return Ok(p);
            }
        }
        bail!("installing chromium with apt-get failed.\n  fix: `apt-get update && apt-get install chromium`, or set CHROME=/path/to/chrome");
    }
    bail!("no Chromium or Chrome found on PATH.\n  fix: install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`), or set CHROME=/path/to/chrome")
}

fn search_path() -> Option<PathBuf> {
    const NAMES: [&str; 5] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
    let paths = std::env::var_os("PATH")?;
    NAMES.iter().find_map(|name| std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| p.is_file()))
}

/// Makes sure Chromium can show its UI (and `chrome.i18n`) in languages other than English:
/// Debian splits them into `chromium-l10n`, installed here when missing (as Chromium itself is).
pub fn ensure_languages(chrome: &Path) -> Result<()> {
    let locales = chrome.canonicalize().unwrap_or_else(|_| chrome.to_path_buf()).parent().map(|d| d.join("locales")).unwrap_or_default();
    let debian = Path::new("/usr/lib/chromium/locales");
    if locales.join("de.pak").is_file() || debian.join("de.pak").is_file() {
        return Ok(());
    }
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if is_debian_root() && !debian.join("de.pak").is_file() {
        eprintln!("secondself: Chromium has no languages but English; installing Debian's `chromium-l10n` (apt-get)…");
        let ok = Command::new("apt-get")
            .args(["-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "chromium-l10n"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok && debian.join("de.pak").is_file() {
            return Ok(());
        }
    }
    bail!("Chromium has no German locale ({}).\n  fix: `apt-get install chromium-l10n`", locales.display())
}

pub(crate) fn is_debian_root() -> bool {
    let root = Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false);
    root && Path::new("/etc/debian_version").exists()
}

/// How to launch.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// Headless (`--headless=new`) or a visible window.
    pub headless: bool,
    /// Window size in CSS pixels.
    pub window: (u32, u32),
    /// Resolve no host but 127.0.0.1/localhost (measurement harnesses: a saved page's requests
    /// to its original sites fail at once and never leave the machine, whatever the page's
    /// own block list misses).
    pub offline: bool,
    /// The browser's language (`--lang` and `LANGUAGE`, e.g. `de`), which `chrome.i18n` answers with; the
    /// system's when `None`. Debian's Chromium ships only English unless `chromium-l10n` is
    /// installed ([`ensure_languages`]).
    pub lang: Option<String>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions { headless: true, window: (1280, 900), offline: false, lang: None }
    }
}

/// A running Chromium with the extension loaded. Closing (or dropping) it ends the browser and
/// removes its throwaway profile.
pub struct ExtensionBrowser {
    pub browser: Browser,
    /// The extension's id, read from its service worker's URL.
    pub extension_id: String,
    handler: tokio::task::JoinHandle<()>,
    profile: Option<tempfile::TempDir>,
}

impl ExtensionBrowser {
    /// Launches Chromium with a fresh profile and the unpacked extension in `extension_dir`.
    pub async fn launch(extension_dir: &Path, opts: &LaunchOptions) -> Result<Self> {
        let ext = extension_dir.canonicalize().with_context(|| {
            format!("the extension is not built at {}\n  fix: run `cargo build` first", extension_dir.display())
        })?;
        if !ext.join("manifest.json").is_file() {
            bail!("{} has no manifest.json\n  fix: run `cargo build` to assemble the extension", ext.display());
        }
        let chrome = find_chromium()?;
        let profile = tempfile::Builder::new().prefix("secondself-profile-").tempdir()?;
        Self::launch_with_profile(&chrome, &ext, profile.path(), opts).await.map(|mut b| {
            b.profile = Some(profile);
            b
        })
    }

    /// Launches with a given (possibly reused) profile directory; it is kept after closing.
    pub async fn launch_with_profile(chrome: &Path, ext: &Path, profile: &Path, opts: &LaunchOptions) -> Result<Self> {
        let ext_arg = ext.display().to_string();
        let mut args = vec![
            "--no-sandbox".to_string(),
            "--enable-unsafe-webgpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-features=DisableLoadExtensionCommandLineSwitch".into(),
            "--remote-allow-origins=*".into(),
            format!("--disable-extensions-except={ext_arg}"),
            format!("--window-size={},{}", opts.window.0, opts.window.1),
        ];
        if opts.headless {
            args.push("--headless=new".into());
        }
        if let Some(lang) = &opts.lang {
            args.push(format!("--lang={lang}"));
        }
        if opts.offline {
            args.push("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost".into());
        }
        let mut config = BrowserConfig::builder();
        if let Some(lang) = &opts.lang {
            // Chromium on Linux takes its language from the environment, not from `--lang`.
            config = config.env("LANGUAGE", lang.clone()).env("LC_ALL", "C.UTF-8");
        }
        let config = config
            .chrome_executable(chrome)
            .disable_default_args()
            // Headless is chosen by our own `--headless=new` argument above.
            .with_head()
            .no_sandbox()
            .user_data_dir(profile)
            .extension(ext_arg.clone())
            .viewport(None)
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(Duration::from_secs(60))
            // chromiumoxide adds the leading `--` itself.
            .args(args.iter().map(|a| a.trim_start_matches("--").to_string()))
            .build()
            .map_err(|e| anyhow!("invalid browser configuration: {e}"))?;
        let (mut browser, mut handler) = Browser::launch(config)
            .await
            .with_context(|| format!("could not start {}", chrome.display()))?;
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        let extension_id = match wait_for_service_worker(&mut browser, Duration::from_secs(30)).await {
            Ok(id) => id,
            Err(e) => {
                let _ = browser.close().await;
                handler.abort();
                return Err(e);
            }
        };
        Ok(ExtensionBrowser { browser, extension_id, handler, profile: None })
    }

    /// `chrome-extension://<id>/<path>`
    pub fn extension_url(&self, path: &str) -> String {
        format!("chrome-extension://{}/{}", self.extension_id, path.trim_start_matches('/'))
    }

    /// Opens `url` in a new tab and waits for it to load.
    pub async fn open(&self, url: &str) -> Result<Page> {
        let page = self.browser.new_page(url).await.with_context(|| format!("cannot open {url}"))?;
        page.wait_for_navigation().await.with_context(|| format!("{url} did not load"))?;
        Ok(page)
    }

    /// Closes the browser and removes the throwaway profile.
    pub async fn close(mut self) -> Result<()> {
        let _ = self.browser.close().await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.browser.wait()).await;
        self.handler.abort();
        drop(self.profile.take());
        Ok(())
    }
}

/// Polls the browser's targets until the extension's service worker shows up; returns its id.
async fn wait_for_service_worker(browser: &mut Browser, timeout: Duration) -> Result<String> {
    let start = Instant::now();
    loop {
        let targets = browser.fetch_targets().await.context("cannot list browser targets")?;
        let id = targets.iter().find_map(|t| {
            let rest = t.url.strip_prefix("chrome-extension://")?;
            let (id, path) = rest.split_once('/')?;
            (t.r#type == "service_worker" && path == "background/router.js").then(|| id.to_string())
        });
        if let Some(id) = id {
            return Ok(id);
        }
        if start.elapsed() > timeout {
            let seen: Vec<String> = targets.iter().map(|t| format!("{} {}", t.r#type, t.url)).collect();
            bail!(
                "the SecondSelf service worker did not start within {:?} (targets: {seen:?}).\n  fix: check that the extension in dist/extension loads (open chrome://extensions in a Chromium with it)",
                timeout
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Evaluates `expression` (which may be a promise) in `page` and returns its JSON value.
pub async fn eval<T: DeserializeOwned>(page: &Page, expression: &str) -> Result<T> {
    let params = EvaluateParams::builder()
        .expression(expression)
        .await_promise(true)
        .return_by_value(true)
        .build()
        .map_err(|e| anyhow!("bad evaluate params: {e}"))?;
    let result = page.evaluate_expression(params).await.with_context(|| format!("evaluating `{}` failed", short(expression)))?;
    result.into_value::<T>().with_context(|| format!("unexpected result of `{}`", short(expression)))
}

/// Evaluates `expression` until it returns `true` or `timeout` passes.
pub async fn wait_until(page: &Page, expression: &str, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    loop {
        if let Ok(true) = eval::<bool>(page, expression).await {
            return Ok(());
        }
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for `{}`", short(expression));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Saves a PNG screenshot of the page's viewport to `path`.
pub async fn screenshot(page: &Page, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let png = page.screenshot(ScreenshotParams::builder().build()).await.context("screenshot failed")?;
    std::fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))
}

fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}
