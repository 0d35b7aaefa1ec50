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
