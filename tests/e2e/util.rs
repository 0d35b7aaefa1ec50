//! Shared set-up of the end-to-end tests: a headless Chromium with the built extension, and the
//! fixtures served on 127.0.0.1. Each test gets a fresh browser profile.

#![allow(dead_code)]

use std::time::Duration;

use anyhow::{bail, Result};
use chromiumoxide::Page;
use secondself::browser::{self, ExtensionBrowser, LaunchOptions};
use secondself::server::StaticServer;

/// A running test environment; call [`Env::close`] at the end of the test.
pub struct Env {
    pub browser: ExtensionBrowser,
    pub server: StaticServer,
}

impl Env {
    /// Launches headless Chromium with `dist/extension` and serves `tests/fixtures/`.
    pub async fn start() -> Result<Env> {
        let server = StaticServer::start(&secondself::fixtures_dir(), 0)?;
        let browser = ExtensionBrowser::launch(&secondself::extension_dir(), &LaunchOptions::default()).await?;
        Ok(Env { browser, server })
    }

    /// Opens an extension page (e.g. `sidepanel/sidepanel.html`) in a tab.
    pub async fn extension_page(&self, path: &str) -> Result<Page> {
        self.browser.open(&self.browser.extension_url(path)).await
    }

    /// Opens a fixture page (e.g. `/demo/checkout.html`) in a tab.
    pub async fn fixture_page(&self, path: &str) -> Result<Page> {
        self.browser.open(&self.server.url(path)).await
    }

    pub async fn close(self) {
        let _ = self.browser.close().await;
    }
}

/// Evaluates a JS expression (promises are awaited) and returns its JSON value.
pub async fn js<T: serde::de::DeserializeOwned>(page: &Page, expr: &str) -> Result<T> {
    browser::eval(page, expr).await
}

/// Waits up to `secs` for a JS expression to become true.
pub async fn wait_for(page: &Page, expr: &str, secs: u64) -> Result<()> {
    browser::wait_until(page, expr, Duration::from_secs(secs)).await
}

/// Sends `content.ping` through the router to every tab and returns the pong of the tab whose
/// URL starts with `url_prefix` (from an extension page, which may message tabs).
pub async fn ping_content_script(ext_page: &Page, url_prefix: &str) -> Result<serde_json::Value> {
    let expr = format!(
        r#"(async () => {{
            const tabs = await chrome.tabs.query({{}});
            for (const t of tabs) {{
                try {{
                    const pong = await SecondSelfProtocol.request({{ kind: "content.ping", tabId: t.id }});
                    if (pong.url.startsWith({prefix})) return pong;
                }} catch (e) {{}}
            }}
            return null;
        }})()"#,
        prefix = serde_json::to_string(url_prefix)?
    );
    let v: serde_json::Value = js(ext_page, &expr).await?;
    if v.is_null() {
        bail!("no content script answered in a tab at {url_prefix}");
    }
    Ok(v)
}

/// Clicks the element with id `id` (through the DOM, as a user's click would dispatch).
pub async fn click(page: &Page, id: &str) -> Result<()> {
    let found: bool = js(page, &format!("(() => {{ const e = document.getElementById({}); if (!e) return false; e.click(); return true; }})()", serde_json::to_string(id)?)).await?;
    if !found {
        bail!("no element #{id} to click");
    }
    Ok(())
}

/// Emulates a viewport of `width` × `height` CSS pixels (the side panel is ~400 px wide).
pub async fn set_viewport(page: &Page, width: i64, height: i64) -> Result<()> {
    use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
    let params = SetDeviceMetricsOverrideParams::builder()
        .width(width)
        .height(height)
        .device_scale_factor(1.0)
        .mobile(false)
        .build()
        .map_err(anyhow::Error::msg)?;
    page.execute(params).await?;
    Ok(())
}

/// The shared persona (`../shared/data/personas/maya-okafor`).
pub fn persona_dir() -> std::path::PathBuf {
    secondself::repo_dir().join("../shared/data/personas/maya-okafor")
}

/// Every file under `dir`, sorted, as absolute paths.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())).flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.canonicalize().unwrap());
            }
        }
    }
    out.sort();
    out
}

/// Imports the persona's sources through the engine (`memory.import` per file, then
/// `memory.distil`) from an extension page, as the side panel does.
pub async fn import_persona_requests(ext_page: &Page) -> Result<()> {
    use base64::Engine as _;
    for f in files_under(&persona_dir().join("sources")) {
        let data = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&f)?);
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let expr = format!("SecondSelfProtocol.request({{ kind: 'memory.import', name: {}, data: {} }})", serde_json::to_string(&name)?, serde_json::to_string(&data)?);
        let r: serde_json::Value = js(ext_page, &expr).await?;
        if r["outcome"]["status"] == "failed" {
            bail!("import of {name} failed: {r}");
        }
    }
    let _: serde_json::Value = js(ext_page, "SecondSelfProtocol.request({ kind: 'memory.distil' })").await?;
    Ok(())
}

/// Sends a content-script request (`content.autofill`, …) through the router to the tab whose
/// URL starts with `url_prefix`, from an extension page.
pub async fn to_content_script(ext_page: &Page, url_prefix: &str, kind: &str) -> Result<serde_json::Value> {
    let pong = ping_content_script(ext_page, url_prefix).await?;
    let expr = format!(
        r#"(async () => {{
            const tabs = await chrome.tabs.query({{}});
            for (const t of tabs) {{
                try {{
                    const pong = await SecondSelfProtocol.request({{ kind: "content.ping", tabId: t.id }});
                    if (pong.url === {url}) return await SecondSelfProtocol.request({{ kind: {kind}, tabId: t.id }});
                }} catch (e) {{ if (e.kind !== "unavailable" && !String(e.message).includes("Receiving end")) throw e; }}
            }}
            return null;
        }})()"#,
        url = serde_json::to_string(pong["url"].as_str().unwrap_or_default())?,
        kind = serde_json::to_string(kind)?
    );
    js(ext_page, &expr).await
}

/// Puts `files` into the file input `selector` as a user picking them would.
pub async fn choose_files(page: &Page, selector: &str, files: Vec<String>) {
    use chromiumoxide::cdp::browser_protocol::dom::SetFileInputFilesParams;
    let input = page.find_element(selector).await.expect("file input exists");
    page.execute(SetFileInputFilesParams::builder().files(files).backend_node_id(input.backend_node_id).build().unwrap())
        .await
        .expect("files set on the input");
}
