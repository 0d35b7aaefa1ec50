//! Firefox with the SecondSelf add-on installed, driven over WebDriver (geckodriver + fantoccini).
//!
//! [`find_firefox`] and [`find_geckodriver`] locate the browser and its driver (`FIREFOX` and
//! `GECKODRIVER`, then `PATH` and `~/.cargo/bin`; as root on Debian they install `firefox-esr` with
//! apt-get and geckodriver with `cargo install`). [`ExtensionFirefox::launch`] starts geckodriver on
//! a free loopback port, a headless Firefox with a fresh profile, and installs `dist/firefox/` as a
//! temporary add-on. The add-on's internal UUID is fixed through the profile, so its pages have a
//! known `moz-extension://` URL. Used by the Firefox E2E tests.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// The add-on id of `extension/browsers/firefox.json`.
pub const ADDON_ID: &str = "secondself@secondself.app";
/// The geckodriver `cargo install` fetches when none is found.
const GECKODRIVER_VERSION: &str = "0.37.1";

/// Finds Firefox (`FIREFOX`, then `PATH`), installing Debian's `firefox-esr` as root if none is found.
pub fn find_firefox() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("FIREFOX").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
        bail!("FIREFOX={} is not a file.\n  fix: point FIREFOX at a Firefox binary, or unset it", p.display());
    }
    install_once(
        || search(&["firefox-esr", "firefox"]),
        || {
            eprintln!("secondself: no Firefox found; installing Debian's `firefox-esr` package (apt-get)…");
            Command::new("apt-get").args(["-o", "DPkg::Lock::Timeout=600", "update", "-qq"]).status().map(|s| s.success()).unwrap_or(false)
                && Command::new("apt-get")
                    .args(["-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "firefox-esr"])
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .status()
                    .map(|s| s.success())
                    .unwrap_or(false)
        },
        "no Firefox found on PATH.\n  fix: install Firefox (Debian: `sudo apt-get install firefox-esr`), or set FIREFOX=/path/to/firefox",
    )
}

/// Finds geckodriver (`GECKODRIVER`, `PATH`, `~/.cargo/bin`), building it with `cargo install` if none is found.
pub fn find_geckodriver() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("GECKODRIVER").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    install_once(
        || search(&["geckodriver"]),
        || {
            eprintln!("secondself: no geckodriver found; building it with `cargo install geckodriver --version {GECKODRIVER_VERSION}` (about 2 minutes)…");
            Command::new("cargo")
                .args(["install", "geckodriver", "--locked", "--version", GECKODRIVER_VERSION])
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        },
        "no geckodriver found.\n  fix: `cargo install geckodriver`, or set GECKODRIVER=/path/to/geckodriver",
    )
}

/// Finds a program with `find`, else runs `install` once for the whole process (tests start
/// browsers side by side: the others wait for the one install, then find it).
fn install_once(find: impl Fn() -> Option<PathBuf>, install: impl FnOnce() -> bool, missing: &str) -> Result<PathBuf> {
    if let Some(p) = find() {
        return Ok(p);
    }
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _installing = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = find() {
        return Ok(p);
    }
    if crate::browser::is_debian_root() && install() {
        if let Some(p) = find() {
            return Ok(p);
        }
    }
    bail!("{missing}")
}

fn search(names: &[&str]) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo"))) {
        dirs.push(home.join("bin"));
    }
    names.iter().find_map(|name| dirs.iter().map(|d| d.join(name)).find(|p| p.is_file()))
}

/// A running headless Firefox with the add-on installed. Call [`ExtensionFirefox::close`] at the end.
pub struct ExtensionFirefox {
    pub client: Client,
    /// The add-on's internal UUID (its pages are at `moz-extension://<uuid>/`).
    pub uuid: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// geckodriver's `POST /session/{id}/moz/addon/install` (not part of WebDriver proper).
#[derive(Debug)]
struct InstallAddon {
    path: String,
}

impl WebDriverCompatibleCommand for InstallAddon {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/moz/addon/install", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "path": self.path, "temporary": true }).to_string()))
    }
}

/// geckodriver's `POST /session/{id}/moz/context`: run scripts in the page (`content`) or in the
/// browser's own window (`chrome`, which needs geckodriver's `--allow-system-access`).
#[derive(Debug)]
struct SetContext {
    context: &'static str,
}

impl WebDriverCompatibleCommand for SetContext {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/moz/context", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "context": self.context }).to_string()))
    }
}

impl ExtensionFirefox {
    /// Starts geckodriver and headless Firefox, and installs the unpacked add-on in `extension_dir`.
    pub async fn launch(extension_dir: &Path) -> Result<Self> {
        let ext = extension_dir.canonicalize().with_context(|| format!("the Firefox build is not at {}\n  fix: run `cargo build` first", extension_dir.display()))?;
        if !ext.join("manifest.json").is_file() {
            bail!("{} has no manifest.json\n  fix: run `cargo build` to assemble dist/firefox", ext.display());
        }
        let firefox = find_firefox()?;
        let geckodriver = find_geckodriver()?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let profile = tempfile::Builder::new().prefix("secondself-firefox-").tempdir()?;
        let mut driver = Command::new(&geckodriver)
            // System access lets the tests open the add-on's own pages, as the toolbar button does
            // (WebDriver may not navigate a tab to a moz-extension: URL).
            .args(["--port", &port.to_string(), "--host", "127.0.0.1", "--allow-system-access"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {}", geckodriver.display()))?;
        let uuid = "5ec0d5e1-f000-4000-8000-5ec0d5e1f000".to_string();
        let uuids = json!({ ADDON_ID: uuid }).to_string();
        let caps = json!({
            // A script waits for the engine (an import, a search) as long as a user would: on a
            // busy machine that is longer than WebDriver's default 30 s.
            "timeouts": { "script": 120000 },
            "moz:firefoxOptions": {
                "binary": firefox,
                "args": ["-headless", "-profile", profile.path()],
                "prefs": {
                    "extensions.webextensions.uuids": uuids,
                    // Nothing leaves this machine: no update, telemetry or safe-browsing traffic.
                    "app.update.enabled": false,
                    "browser.safebrowsing.malware.enabled": false,
                    "browser.safebrowsing.phishing.enabled": false,
                    "datareporting.policy.dataSubmissionEnabled": false,
                    "toolkit.telemetry.enabled": false,
                    "extensions.getAddons.cache.enabled": false,
                    "network.captive-portal-service.enabled": false,
                    "network.connectivity-service.enabled": false,
                    "browser.region.network.url": "",
                    // An optional permission asked at a click is granted as a user's "Allow"
                    // would grant it (the prompt is the browser's own, not SecondSelf's).
                    "extensions.webextOptionalPermissionPrompts": false,
                }
            }
        });
        let caps = match caps {
            Value::Object(m) => m,
            _ => unreachable!("built as an object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if start.elapsed() < Duration::from_secs(60) && driver.try_wait().ok().flatten().is_none() => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => {
                    let _ = driver.kill();
                    bail!("could not start Firefox through geckodriver: {e}");
                }
            }
        };
        let installed = client.issue_cmd(InstallAddon { path: ext.display().to_string() }).await;
        let mut fx = ExtensionFirefox { client, uuid, driver, _profile: profile };
        if let Err(e) = installed {
            let _ = fx.shutdown().await;
            bail!("Firefox refused the add-on in {}: {e}", ext.display());
        }
        Ok(fx)
    }

    /// `moz-extension://<uuid>/<path>`
    pub fn extension_url(&self, path: &str) -> String {
        format!("moz-extension://{}/{}", self.uuid, path.trim_start_matches('/'))
    }

    /// Opens one of the add-on's pages (e.g. `sidepanel/sidepanel.html`) in a new tab, as the
    /// browser's own UI would, and makes that tab current; returns its handle.
    pub async fn open_extension_page(&self, path: &str) -> Result<fantoccini::wd::WindowHandle> {
        let url = self.extension_url(path);
        let before = self.client.windows().await?;
        self.client.issue_cmd(SetContext { context: "chrome" }).await.context("cannot reach Firefox's own window")?;
        let opened = self
            .client
            .execute(
                "const tab = gBrowser.addTab(arguments[0], { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); gBrowser.selectedTab = tab; return true;",
                vec![json!(url)],
            )
            .await;
        self.client.issue_cmd(SetContext { context: "content" }).await?;
        opened.with_context(|| format!("cannot open {url}"))?;
        // The new tab is the one that shows `url` (another may open meanwhile: the first-run
        // page SecondSelf opens on install).
        let start = Instant::now();
        loop {
            for tab in self.client.windows().await?.into_iter().filter(|h| !before.contains(h)) {
                self.client.switch_to_window(tab.clone()).await?;
                let shows = |u: Result<url::Url, _>| u.map(|u| u.as_str() == url || u.as_str() == "about:blank").unwrap_or(true);
                if !shows(self.client.current_url().await) {
                    continue;
                }
                while self.client.current_url().await.map(|u| u.as_str() != url).unwrap_or(true) || !self.eval::<bool>("document.readyState === 'complete'").await.unwrap_or(false) {
                    if start.elapsed() > Duration::from_secs(30) {
                        bail!("{url} did not load");
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                return Ok(tab);
            }
            if start.elapsed() > Duration::from_secs(30) {
                bail!("no tab opened for {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs `script` in Firefox's own (chrome) window, as the browser's UI code; the script ends
    /// by calling its last argument with its result. Returns that result.
    pub async fn browser_script(&self, script: &str) -> Result<Value> {
        self.client.issue_cmd(SetContext { context: "chrome" }).await.context("cannot reach Firefox's own window")?;
        let out = self.client.execute_async(script, Vec::new()).await;
        self.client.issue_cmd(SetContext { context: "content" }).await?;
        out.context("the browser script failed")
    }

    /// Navigates the current tab to `url`.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client.goto(url).await.with_context(|| format!("cannot open {url}"))
    }

    /// Evaluates `expression` (which may be a promise) in the current page and returns its JSON value.
    pub async fn eval<T: DeserializeOwned>(&self, expression: &str) -> Result<T> {
        let script = format!(
            "const done = arguments[arguments.length - 1];\n\
             Promise.resolve().then(() => ({expression})).then((v) => done({{ ok: v === undefined ? null : v }}), (e) => done({{ err: String(e && e.stack || e) }}));"
        );
        let v = self.client.execute_async(&script, vec![]).await.map_err(|e| anyhow!("evaluating `{}` failed: {e}", short(expression)))?;
        if let Some(err) = v.get("err") {
            bail!("`{}` threw: {}", short(expression), err.as_str().unwrap_or_default());
        }
        serde_json::from_value(v.get("ok").cloned().unwrap_or(Value::Null)).with_context(|| format!("unexpected result of `{}`", short(expression)))
    }

    /// Evaluates `expression` until it returns `true` or `timeout` passes.
    pub async fn wait_until(&self, expression: &str, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            if let Ok(true) = self.eval::<bool>(expression).await {
                return Ok(());
            }
            if start.elapsed() > timeout {
                bail!("timed out after {timeout:?} waiting for `{}`", short(expression));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends Firefox and geckodriver and removes the profile.
    pub async fn close(mut self) -> Result<()> {
        self.shutdown().await
    }

    async fn shutdown(&mut self) -> Result<()> {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        Ok(())
    }
}

fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}
