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

/// The requests that import the persona's sources through the engine (`memory.import` per file,
/// then `memory.distil`) from an extension page, as the side panel does: one JS expression each.
pub fn import_persona_expressions() -> Result<Vec<String>> {
    use base64::Engine as _;
    let mut out = Vec::new();
    for f in files_under(&persona_dir().join("sources")) {
        let data = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&f)?);
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        out.push(format!("SecondSelfProtocol.request({{ kind: 'memory.import', name: {}, data: {} }})", serde_json::to_string(&name)?, serde_json::to_string(&data)?));
    }
    out.push("SecondSelfProtocol.request({ kind: 'memory.distil' })".to_string());
    Ok(out)
}

/// Imports the persona's sources through the engine from an extension page.
pub async fn import_persona_requests(ext_page: &Page) -> Result<()> {
    for expr in import_persona_expressions()? {
        let r: serde_json::Value = js(ext_page, &expr).await?;
        if r["outcome"]["status"] == "failed" {
            bail!("import failed: {r}");
        }
    }
    Ok(())
}

/// Collects the messages posted to the page's window (a page listening for leaks).
pub const LISTEN: &str = "(window.__messages = [], addEventListener('message', e => window.__messages.push(e.data)), true)";

/// Everything a page script can see, as one text: its DOM (field values included), its storage,
/// and the messages posted to it since [`LISTEN`].
pub const PAGE_SEES: &str = r#"(() => {
    const values = [...document.querySelectorAll("input,textarea,select")].map(e => e.value);
    let store = "";
    try { for (let i = 0; i < localStorage.length; i++) store += localStorage.getItem(localStorage.key(i)); } catch (_) {}
    return [document.documentElement.outerHTML, values.join("\n"), store, JSON.stringify(window.__messages || [])].join("\n");
})()"#;

/// The persona's values that must never reach a hostile page (profile.json: every string value).
pub fn memory_values() -> Vec<String> {
    let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(persona_dir().join("profile.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    let mut stack = vec![profile];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) if s.trim().len() >= 4 => out.push(s),
            serde_json::Value::Array(a) => stack.extend(a),
            serde_json::Value::Object(o) => stack.extend(o.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    out
}

/// Asserts that no memory value is in `seen` (what [`PAGE_SEES`] returned), but those in `except`
/// (what the user chose to fill is theirs to give).
pub fn assert_nothing_of_memory_in(seen: &str, except: &[&str]) {
    let mut seen = seen.to_lowercase();
    for e in except {
        seen = seen.replace(&e.to_lowercase(), "");
    }
    for v in memory_values() {
        if except.iter().any(|e| e.eq_ignore_ascii_case(&v)) {
            continue;
        }
        assert!(!seen.contains(&v.to_lowercase()), "the page learnt {v:?}");
    }
}

/// What a page's own script can learn of SecondSelf: whether it can message the extension, how
/// many answers its `postMessage` requests got, its DOM, storage and cookie text, and the
/// IndexedDB names it sees. (Run in the page; the browser-neutral part of the attack suite.)
pub const PAGE_PROBE: &str = r#"(async () => {
    const found = {};
    found.runtime = typeof chrome !== "undefined" && !!chrome.runtime && typeof chrome.runtime.sendMessage === "function";
    let answers = 0;
    window.addEventListener("message", (e) => { if (e.data && (e.data.reply || e.data.event)) answers++; });
    window.postMessage({ to: "router", id: "m1", request: { kind: "memory.overview" } }, "*");
    window.postMessage({ to: "engine", id: "m2", request: { kind: "memory.search", query: "email", k: 5 } }, "*");
    window.postMessage({ to: "content", id: "m3", request: { kind: "content.ping" } }, "*");
    await new Promise((r) => setTimeout(r, 500));
    found.answers = answers;
    found.text = document.documentElement.outerHTML + JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie;
    found.idb = (await indexedDB.databases()).map((d) => d.name);
    return found;
})()"#;

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

/// One node of a page's accessibility tree — what the user (and assistive tech) sees, closed
/// shadow roots included, which page scripts cannot read.
#[derive(Debug, Clone)]
pub struct AxNode {
    pub role: String,
    pub name: String,
    /// The value of a text box (or of a range control).
    pub value: String,
    pub backend: Option<chromiumoxide::cdp::browser_protocol::dom::BackendNodeId>,
}

/// The page's accessibility tree, flattened (ignored nodes left out).
pub async fn ax_nodes(page: &Page) -> Result<Vec<AxNode>> {
    use chromiumoxide::cdp::browser_protocol::accessibility::GetFullAxTreeParams;
    let tree = page.execute(GetFullAxTreeParams::default()).await?;
    let text = |v: &Option<chromiumoxide::cdp::browser_protocol::accessibility::AxValue>| {
        v.as_ref().and_then(|v| v.value.as_ref()).and_then(|v| v.as_str()).unwrap_or_default().to_string()
    };
    Ok(tree
        .result
        .nodes
        .iter()
        .filter(|n| !n.ignored)
        .map(|n| AxNode { role: text(&n.role), name: text(&n.name), value: text(&n.value), backend: n.backend_dom_node_id })
        .collect())
}

/// Waits up to `secs` for an accessibility node with `role` whose name starts with `name`.
pub async fn wait_for_ax(page: &Page, role: &str, name: &str, secs: u64) -> Result<AxNode> {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let nodes = ax_nodes(page).await?;
        if let Some(n) = nodes.iter().find(|n| n.role == role && n.name.starts_with(name)) {
            return Ok(n.clone());
        }
        if std::time::Instant::now() > deadline {
            let seen: Vec<String> = nodes.iter().filter(|n| !n.name.is_empty()).map(|n| format!("{}:{}", n.role, n.name)).collect();
            bail!("no {role} named {name:?} within {secs}s; saw {seen:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The centre of a node's box, in CSS pixels of the viewport.
pub async fn node_centre(page: &Page, node: &AxNode) -> Result<(f64, f64)> {
    use chromiumoxide::cdp::browser_protocol::dom::GetBoxModelParams;
    let Some(backend) = node.backend else { bail!("{node:?} has no DOM node") };
    let model = page.execute(GetBoxModelParams::builder().backend_node_id(backend).build()).await?;
    let q = model.result.model.border.inner().clone();
    Ok(((q[0] + q[2] + q[4] + q[6]) / 4.0, (q[1] + q[3] + q[5] + q[7]) / 4.0))
}

/// Waits longer than SecondSelf's injected UI takes before it acts on a click (500 ms on screen,
/// as browsers' own permission prompts: content/ui-guard.js), as a user reading it does.
pub async fn settle_ui() {
    tokio::time::sleep(Duration::from_millis(650)).await;
}

/// A real (trusted) mouse click at `(x, y)`, as the user's would be.
pub async fn click_at(page: &Page, x: f64, y: f64) -> Result<()> {
    page.click(chromiumoxide::layout::Point { x, y }).await?;
    Ok(())
}

/// A real (trusted) click in the middle of the element matched by `selector` (focuses it).
pub async fn click_element(page: &Page, selector: &str) -> Result<()> {
    let (x, y): (f64, f64) = js(
        page,
        &format!("(() => {{ const r = document.querySelector({}).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()", serde_json::to_string(selector)?),
    )
    .await?;
    click_at(page, x, y).await
}

/// A real (trusted) key press: `key` as in `KeyboardEvent.key`, its `code` and Windows key
/// code, with Alt held when `alt`.
pub async fn press(page: &Page, key: &str, code: &str, key_code: i64, alt: bool) -> Result<()> {
    use chromiumoxide::cdp::browser_protocol::input::{DispatchKeyEventParams, DispatchKeyEventType};
    // Enter needs a keypress (text) to activate a button; other keys are raw key downs.
    let down = if key == "Enter" { DispatchKeyEventType::KeyDown } else { DispatchKeyEventType::RawKeyDown };
    for kind in [down, DispatchKeyEventType::KeyUp] {
        let mut p = DispatchKeyEventParams::builder()
            .r#type(kind.clone())
            .key(key)
            .code(code)
            .windows_virtual_key_code(key_code)
            .native_virtual_key_code(key_code)
            .modifiers(if alt { 1 } else { 0 });
        if key == "Enter" && kind == DispatchKeyEventType::KeyDown {
            p = p.text("\r");
        }
        page.execute(p.build().map_err(anyhow::Error::msg)?).await?;
    }
    Ok(())
}

/// A screenshot at the size both extension stores take (1280×800), into `docs/store/NAME.png`;
/// checks the file is that size. Call it last in a test: the viewport changes.
pub async fn store_screenshot(page: &Page, name: &str) -> Result<()> {
    set_viewport(page, 1280, 800).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = secondself::repo_dir().join("docs/store").join(format!("{name}.png"));
    browser::screenshot(page, &path).await?;
    let png = std::fs::read(&path)?;
    let size = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    if png.len() < 24 || &png[12..16] != b"IHDR" || (size(16), size(20)) != (1280, 800) {
        bail!("{} is not a 1280×800 PNG", path.display());
    }
    Ok(())
}
