//! The core flows in real Firefox (headless Firefox ESR through geckodriver, `dist/firefox`
//! installed as a temporary add-on): the engine answers from the background page (Firefox has no
//! offscreen documents) with its version and backend, the sidebar shows that status, a persona
//! import persists across a restart of the add-on, a checkout form fills and undo restores it,
//! pages learn nothing of the memory, and ✨ Enhance inserts on a replica chat site. The attack
//! pages of the Chromium suite (e2e/security.rs) run here too: Firefox has no
//! IntersectionObserver v2, so its guard is the top layer, the hit test at click time and the
//! 500 ms on screen (content/ui-guard.js).

use std::time::Duration;

use anyhow::{bail, Result};
use secondself::firefox::ExtensionFirefox;
use secondself::server::StaticServer;
use serde_json::Value;

use crate::util::{assert_nothing_of_memory_in, import_persona_expressions, LISTEN, PAGE_PROBE, PAGE_SEES};

struct Fx {
    fx: ExtensionFirefox,
    server: StaticServer,
}

impl Fx {
    async fn start(ext: &std::path::Path) -> Fx {
        let server = StaticServer::start(&secondself::fixtures_dir(), 0).expect("fixtures served");
        let fx = ExtensionFirefox::launch(ext).await.expect("Firefox starts with the add-on");
        Fx { fx, server }
    }

    /// Opens `url` in a new tab and makes it the current one; returns its handle.
    async fn open(&self, url: &str) -> fantoccini::wd::WindowHandle {
        let tab = self.fx.client.new_window(true).await.expect("a new tab");
        self.fx.client.switch_to_window(tab.handle.clone()).await.expect("switch to the new tab");
        self.fx.goto(url).await.unwrap();
        tab.handle
    }

    async fn to(&self, tab: &fantoccini::wd::WindowHandle) {
        self.fx.client.switch_to_window(tab.clone()).await.expect("switch tab");
    }

    async fn js<T: serde::de::DeserializeOwned>(&self, expr: &str) -> T {
        self.fx.eval(expr).await.unwrap()
    }

    async fn wait(&self, expr: &str, secs: u64) {
        self.fx.wait_until(expr, Duration::from_secs(secs)).await.unwrap()
    }

    /// Sends a content-script request through the router to the tab at `url`, from the extension
    /// page that is current.
    async fn to_content_script(&self, url: &str, kind: &str) -> Result<Value> {
        let expr = format!(
            r#"(async () => {{
                for (const t of await chrome.tabs.query({{}})) {{
                    if (t.url !== {url}) continue;
                    return await SecondSelfProtocol.request({{ kind: {kind}, tabId: t.id }});
                }}
                return null;
            }})()"#,
            url = serde_json::to_string(url)?,
            kind = serde_json::to_string(kind)?
        );
        let v: Value = self.fx.eval(&expr).await?;
        if v.is_null() {
            bail!("no tab at {url}");
        }
        Ok(v)
    }

    /// A real (trusted) click in the middle of the element matched by `selector`.
    async fn click(&self, selector: &str) {
        let el = self.fx.client.find(fantoccini::Locator::Css(selector)).await.expect("element to click");
        el.click().await.expect("click");
    }

    async fn close(self) {
        let _ = self.fx.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_engine_answers_from_the_background_page_and_the_sidebar_shows_it() {
    let env = Fx::start(&secondself::firefox_dir()).await;
    env.fx.goto(&env.server.url("/demo/index.html")).await.unwrap();
    env.fx.open_extension_page("sidepanel/sidepanel.html").await.unwrap();
    let pong: Value = env.js("SecondSelfProtocol.request({ kind: 'engine.ping' })").await;
    assert_eq!(pong["kind"], "engine.pong", "{pong}");
    assert_eq!(pong["version"], env!("CARGO_PKG_VERSION"), "the engine reports the crate's version");
    match pong["backend"]["type"].as_str() {
        Some("gpu") => assert!(pong["backend"]["adapter"].as_str().is_some_and(|a| a.starts_with("WebGPU")), "{pong}"),
        Some("cpu") => assert!(pong["backend"]["threads"].as_u64().is_some_and(|t| t >= 1), "{pong}"),
        other => panic!("unknown backend {other:?} in {pong}"),
    }
    // Firefox has no offscreen documents: the engine is served by the background page itself.
    let offscreen: bool = env.js("typeof chrome.offscreen !== 'undefined'").await;
    assert!(!offscreen, "the Firefox build must not rely on chrome.offscreen");
    env.wait("document.getElementById('engine-state').dataset.state === 'ready'", 60).await;
    let version: String = env.js("document.getElementById('engine-version').textContent").await;
    assert_eq!(version, format!("v{}", env!("CARGO_PKG_VERSION")));
    let backend: String = env.js("document.getElementById('engine-backend').textContent").await;
    assert!(backend.starts_with("WebGPU") || backend.starts_with("CPU"), "backend shown: {backend}");
    env.wait("document.getElementById('page-status').textContent.startsWith('Active on')", 20).await;
    let page_status: String = env.js("document.getElementById('page-status').textContent").await;
    assert!(page_status.contains("127.0.0.1"), "the sidebar sees SecondSelf active on the demo page: {page_status}");
    // Unknown kinds are refused before they reach the engine.
    let refused: bool = env.js("SecondSelfProtocol.request({ kind: 'engine.nope' }).then(() => false, () => true)").await;
    assert!(refused);
    // As wide as Firefox's sidebar, for the README.
    env.fx.client.set_window_size(440, 820).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = env.fx.client.screenshot().await.unwrap();
    std::fs::write(secondself::repo_dir().join("docs/screenshots/firefox-sidebar.png"), png).unwrap();
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_persona_import_persists_fills_the_checkout_with_undo_and_pages_learn_nothing() {
    let env = Fx::start(&secondself::firefox_dir()).await;
    let checkout = env.server.url("/demo/checkout.html");
    let first_panel = env.fx.open_extension_page("sidepanel/sidepanel.html").await.unwrap();
    for expr in import_persona_expressions().unwrap() {
        let r: Value = env.js(&expr).await;
        assert_ne!(r["outcome"]["status"], "failed", "import failed: {r}");
    }
    let before: Value = env.js("SecondSelfProtocol.request({ kind: 'memory.overview' })").await;
    let facts = before["facts"].as_array().map(Vec::len).unwrap_or(0);
    assert!(facts >= 10, "the persona's profile was distilled: {before}");

    // Persists: the add-on restarts (engine and all), and the memory is still there.
    let _ = env.fx.eval::<Value>("setTimeout(() => chrome.runtime.reload(), 50)").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let tabs = env.fx.client.windows().await.unwrap();
    assert!(!tabs.contains(&first_panel), "the restart closed the add-on's page (so the engine restarted too)");
    env.to(&tabs[0]).await;
    let mut after = Value::Null;
    for _ in 0..60 {
        if env.fx.open_extension_page("sidepanel/sidepanel.html").await.is_ok() {
            if let Ok(v) = env.fx.eval::<Value>("SecondSelfProtocol.request({ kind: 'memory.overview' })").await {
                after = v;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(after["facts"].as_array().map(Vec::len), Some(facts), "the memory outlived the restart: {after}");
    let ext_tab = env.fx.client.window().await.unwrap();

    // The checkout: the user clicks into the first name, the shortcut fills the form, undo restores.
    let page_tab = env.open(&checkout).await;
    env.wait("document.readyState === 'complete'", 20).await;
    env.click("#first").await;
    env.to(&ext_tab).await;
    let done = env.to_content_script(&checkout, "content.autofill").await.unwrap();
    assert_eq!(done["kind"], "content.autofilled", "{done}");
    assert!(done["filled"].as_u64().unwrap_or(0) >= 8, "{done}");
    env.to(&page_tab).await;
    let values: Value = env.js("['first', 'last', 'email', 'city', 'postcode', 'country', 'ccnum', 'cvc'].map((id) => document.getElementById(id).value)").await;
    assert_eq!(values, serde_json::json!(["Maya", "Okafor", "maya.okafor@mailbox.example", "Manchester", "M19 3PL", "GB", "", ""]));
    env.to(&ext_tab).await;
    let undone = env.to_content_script(&checkout, "content.autofill-undo").await.unwrap();
    assert_eq!(undone["kind"], "content.autofill-undone", "{undone}");
    env.to(&page_tab).await;
    let values: Value = env.js("['first', 'last', 'email', 'city', 'postcode', 'country'].map((id) => document.getElementById(id).value)").await;
    assert_eq!(values, serde_json::json!(["", "", "", "", "", ""]), "undo restores the form");

    // The page's own scripts cannot reach the engine or see the memory.
    let found: Value = env.js(PAGE_PROBE).await;
    assert_eq!(found["answers"], 0, "the content script answered the page: {found}");
    assert_eq!(found["runtime"], false, "the page can message the extension: {found}");
    let text = found["text"].as_str().unwrap_or_default();
    for secret in ["Okafor", "mailbox.example", "Larkhill"] {
        assert!(!text.contains(secret), "{secret} reached the page after undo: {found}");
    }
    assert!(!found["idb"].to_string().contains("secondself"), "the page sees the extension's database: {found}");
    env.close().await;
}

impl Fx {
    /// The first element marked `data-ss=<ss>` inside SecondSelf's closed shadow roots (WebDriver's
    /// Get Element Shadow Root reaches closed roots, which page scripts cannot).
    async fn shadow(&self, ss: &str) -> Option<fantoccini::elements::Element> {
        self.in_shadow(&format!("[data-ss={ss}]")).await
    }

    /// The first element matching `css` inside SecondSelf's closed shadow roots.
    async fn in_shadow(&self, css: &str) -> Option<fantoccini::elements::Element> {
        let hosts = self.fx.client.find_all(fantoccini::Locator::Css("div, secondself-autofill")).await.ok()?;
        for host in hosts {
            let Ok(root) = host.shadow_root().await else { continue };
            if let Ok(found) = root.find_all(fantoccini::Locator::Css(css)).await {
                if let Some(e) = found.into_iter().next() {
                    return Some(e);
                }
            }
        }
        None
    }

    async fn wait_shadow(&self, ss: &str, secs: u64) -> fantoccini::elements::Element {
        let start = std::time::Instant::now();
        loop {
            if let Some(e) = self.shadow(ss).await {
                return e;
            }
            assert!(start.elapsed().as_secs() < secs, "no data-ss={ss} within {secs}s");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_enhance_inserts_on_a_replica_chat_site_and_undo_restores() {
    // The replicas are served on 127.0.0.1, which only the test copy of the build matches.
    let ext = secondself::test_build::derive(&secondself::firefox_dir(), &secondself::repo_dir().join("target").join("e2e").join("firefox-sites")).unwrap();
    let env = Fx::start(&ext).await;
    env.fx.open_extension_page("sidepanel/sidepanel.html").await.unwrap();
    env.wait("document.getElementById('engine-state')?.dataset.state === 'ready'", 60).await;
    for (k, v) in crate::chat_sites::FACTS {
        let expr = format!("SecondSelfProtocol.request({{ kind: 'memory.pin', key: {}, value: {} }})", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap());
        let r: Value = env.js(&expr).await;
        assert_eq!(r["kind"], "memory.profile", "pin failed: {r}");
    }
    env.open(&env.server.url("/sites/chatgpt.html")).await;
    let enhance = env.wait_shadow("enhance", 20).await;
    let prompt = "Plan a week of dinners for me";
    // Real typing, through the browser's own editing path.
    let editor = env.fx.client.find(fantoccini::Locator::Css("[data-replica-editor]")).await.unwrap();
    editor.send_keys(prompt).await.unwrap();
    env.wait(&format!("replica.value() === {}", serde_json::to_string(prompt).unwrap()), 5).await;
    // Longer than the 500 ms SecondSelf's buttons must be on screen before they act.
    tokio::time::sleep(Duration::from_millis(650)).await;
    enhance.click().await.unwrap();
    let added = env.wait_shadow("added", 20).await.text().await.unwrap();
    assert!(added.starts_with("For context:") && added.contains("I'm vegetarian") && added.contains("tree nuts"), "preview: {added}");
    assert!(!added.contains("P4471902") && !added.contains("migraine"), "a sensitive fact in the preview: {added}");
    tokio::time::sleep(Duration::from_millis(650)).await;
    env.wait_shadow("insert", 5).await.click().await.unwrap();
    env.wait_shadow("inserted", 10).await;
    let model: String = env.js("replica.value()").await;
    assert_eq!(model, format!("{prompt}\n\n{added}"), "the editor's own model holds the enhanced prompt");
    tokio::time::sleep(Duration::from_millis(650)).await;
    env.wait_shadow("undo", 5).await.click().await.unwrap();
    env.wait(&format!("replica.value() === {}", serde_json::to_string(prompt).unwrap()), 10).await;
    env.close().await;
}

impl Fx {
    /// A real (trusted) click where the user would click: the pointer moves to the middle of
    /// `element` and presses there, whatever the page laid over it.
    async fn click_over(&self, element: &fantoccini::elements::Element) {
        use fantoccini::actions::{InputSource, MouseActions, PointerAction};
        let mouse = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement { element: element.clone(), duration: None, x: 0.0, y: 0.0 })
            .then(PointerAction::Down { button: 0 })
            .then(PointerAction::Up { button: 0 });
        self.fx.client.perform_actions(mouse).await.expect("pointer actions");
        let _ = self.fx.client.release_actions().await;
    }

    /// The menu item whose text starts with `prefix`, if the menu shows it.
    async fn menu_item(&self, prefix: &str) -> Option<fantoccini::elements::Element> {
        let hosts = self.fx.client.find_all(fantoccini::Locator::Css("secondself-autofill")).await.ok()?;
        for host in hosts {
            let Ok(root) = host.shadow_root().await else { continue };
            for item in root.find_all(fantoccini::Locator::Css("[role=menuitem]")).await.unwrap_or_default() {
                if item.text().await.is_ok_and(|t| t.starts_with(prefix)) {
                    return Some(item);
                }
            }
        }
        None
    }

    async fn value(&self, id: &str) -> String {
        self.js(&format!("document.getElementById({}).value", serde_json::to_string(id).unwrap())).await
    }

    async fn learnt_nothing(&self, except: &[&str]) {
        let seen: String = self.js(PAGE_SEES).await;
        assert_nothing_of_memory_in(&seen, except);
    }

    /// The autofill icon of the field `selector`, after the user's real click into it.
    async fn icon_of(&self, selector: &str) -> fantoccini::elements::Element {
        self.click(selector).await;
        let start = std::time::Instant::now();
        loop {
            if let Some(icon) = self.in_shadow("button[aria-label^='SecondSelf autofill'], button[title^='SecondSelf autofill']").await {
                return icon;
            }
            assert!(start.elapsed().as_secs() < 20, "no autofill icon in {selector}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_attack_pages_get_nothing() {
    let env = Fx::start(&secondself::firefox_dir()).await;
    let ext_tab = env.fx.open_extension_page("sidepanel/sidepanel.html").await.unwrap();
    for expr in import_persona_expressions().unwrap() {
        let _: Value = env.js(&expr).await;
    }

    // The old eval-mode flag: no fill, no marks.
    env.open(&env.server.url("/security/eval-bait.html")).await;
    let _: bool = env.js(LISTEN).await;
    tokio::time::sleep(Duration::from_millis(4500)).await;
    for id in ["name", "email", "tel", "street"] {
        assert_eq!(env.value(id).await, "", "{id} was filled with no gesture");
    }
    env.learnt_nothing(&[]).await;

    // A fill stays in the user's field's form and skips every field the user cannot see.
    let url = env.server.url("/security/visibility.html");
    let page = env.open(&url).await;
    let _: bool = env.js(LISTEN).await;
    env.click("#email").await;
    env.to(&ext_tab).await;
    let done = env.to_content_script(&url, "content.autofill").await.unwrap();
    assert_eq!(done["kind"], "content.autofilled", "{done}");
    env.to(&page).await;
    assert_eq!(env.value("email").await, "maya.okafor@mailbox.example", "the field the user is in is filled");
    let traps: Vec<(String, String)> = env.js("[...document.querySelectorAll('[id^=t-]')].map(e => [e.id, e.value])").await;
    assert!(traps.len() >= 10, "{traps:?}");
    for (id, v) in &traps {
        assert_eq!(v, "", "{id} received a value in Firefox");
    }
    env.learnt_nothing(&["maya.okafor@mailbox.example"]).await;

    // el.focus() from the page, with no input from the user: no icon.
    env.open(&env.server.url("/security/clickjack.html?attack=focus")).await;
    env.wait("document.activeElement && document.activeElement.id === 'passport'", 10).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(env.js::<bool>("document.querySelector('secondself-autofill') === null").await, "a page's focus() summoned the icon");

    // A decoy raised above the menu (clicks pass through it), or the host's style written by the
    // page: the icon does not open, nothing is picked.
    for attack in ["cover", "tamper"] {
        env.open(&env.server.url(&format!("/security/clickjack.html?attack={attack}"))).await;
        let _: bool = env.js(LISTEN).await;
        let icon = env.icon_of("#passport").await;
        tokio::time::sleep(Duration::from_millis(650)).await;
        for _ in 0..2 {
            env.click_over(&icon).await;
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        assert!(env.menu_item("").await.is_none(), "{attack}: the menu opened under the page's trick");
        assert_eq!(env.value("passport").await, "", "{attack}");
        env.learnt_nothing(&[]).await;
    }

    // Page CSS on the host: overruled. A decoy's "click twice quickly" (the icon, then the
    // offer's place 60 ms later, in one input sequence) picks nothing; the user's own unhurried
    // pick works (so the refusals above are the guard's, not a menu that never works in Firefox).
    env.open(&env.server.url("/security/clickjack.html?attack=style")).await;
    let _: bool = env.js(LISTEN).await;
    let icon = env.icon_of("#passport").await;
    tokio::time::sleep(Duration::from_millis(650)).await;
    env.click_over(&icon).await;
    let offer = env.menu_item("Use Passport number").await.expect("the menu opened on the user's click");
    let opacity: String = env.js("window.hostStyle()").await;
    assert_eq!(opacity, "1", "the page's CSS made the host transparent");
    let (ox, oy, ow, oh) = offer.rectangle().await.unwrap();
    // Escape closes the menu and the icon; a click into the field brings a fresh icon.
    {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let esc = KeyActions::new("keys".into()).then(KeyAction::Down { value: '\u{E00C}' }).then(KeyAction::Up { value: '\u{E00C}' });
        env.fx.client.perform_actions(esc).await.unwrap();
        let _ = env.fx.client.release_actions().await;
    }
    env.wait("document.querySelector('secondself-autofill') === null", 5).await;
    let icon = env.icon_of("#passport").await;
    tokio::time::sleep(Duration::from_millis(650)).await;
    {
        use fantoccini::actions::{InputSource, MouseActions, PointerAction};
        let twice = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement { element: icon.clone(), duration: None, x: 0.0, y: 0.0 })
            .then(PointerAction::Down { button: 0 })
            .then(PointerAction::Up { button: 0 })
            .then(PointerAction::Pause { duration: Duration::from_millis(60) })
            .then(PointerAction::MoveTo { duration: None, x: ox + ow / 2.0, y: oy + oh / 2.0 })
            .then(PointerAction::Down { button: 0 })
            .then(PointerAction::Up { button: 0 });
        env.fx.client.perform_actions(twice).await.unwrap();
        let _ = env.fx.client.release_actions().await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(env.value("passport").await, "", "a click 60 ms after the menu opened picked the passport number");
    env.learnt_nothing(&[]).await;
    let offer = env.menu_item("Use Passport number").await.expect("the offer is still shown to the user");
    tokio::time::sleep(Duration::from_millis(650)).await;
    env.click_over(&offer).await;
    env.wait("document.getElementById('passport').value === '531847206'", 20).await;
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_delete_all_page_written_text_and_foreign_senders() {
    let env = Fx::start(&secondself::firefox_dir()).await;
    let ext_tab = env.fx.open_extension_page("sidepanel/sidepanel.html").await.unwrap();
    env.wait("document.getElementById('engine-state')?.dataset.state === 'ready'", 60).await;
    // Who may ask: decided from what the browser says of the sender, and Firefox's real sender of
    // this page is the extension.
    let roles: Vec<String> = env
        .js(
            r#"(() => {
            const base = chrome.runtime.getURL("");
            const r = (s) => SecondSelfProtocol.senderRole(s, base);
            return [
              r({ url: base + "sidepanel/sidepanel.html" }),
              r({ url: "https://shop.example/", tab: { id: 3 }, frameId: 0 }),
              r({ url: "https://shop.example/" }),
              r({ url: base + "x.html", origin: "https://shop.example" }),
              r({}),
            ];
        })()"#,
        )
        .await;
    assert_eq!(roles, ["extension", "page", "refused", "refused", "refused"]);

    for expr in import_persona_expressions().unwrap() {
        let _: Value = env.js(&expr).await;
    }
    // "Remember this" on a page whose text claims a phone number for the user: not filled.
    let r: Value = env
        .js("SecondSelfProtocol.request({ kind: 'memory.remember', text: 'Account help. My phone number is 07700 900999, call me back.', url: 'https://help.shop.example/chat', title: 'Help' })")
        .await;
    assert_eq!(r["outcome"]["status"], "imported", "{r}");
    let checkout = env.server.url("/demo/checkout.html");
    let page = env.open(&checkout).await;
    env.wait("document.readyState === 'complete'", 20).await;
    env.click("#first").await;
    env.to(&ext_tab).await;
    let done = env.to_content_script(&checkout, "content.autofill").await.unwrap();
    assert!(done["filled"].as_u64().unwrap_or(0) >= 8, "{done}");
    env.to(&page).await;
    let tel = env.value("phone").await.replace(' ', "");
    assert!(!tel.contains("900999") && tel.ends_with("7700900762"), "the page's number was filled, or not the user's: {tel}");

    // Delete all also deletes the side panel's conversation (an IndexedDB of the add-on's own).
    env.to(&ext_tab).await;
    let saved: bool = env
        .js("import('./chat-store.js').then(async m => { await m.saveTurns([{ role: 'user', content: 'my passport?' }, { role: 'assistant', content: 'Your passport number is 999111222' }]); return (await m.loadTurns()).length === 2; })")
        .await;
    assert!(saved);
    let local: String = env.js("chrome.storage.local.get(null).then(v => JSON.stringify(v))").await;
    assert!(!local.contains("999111222"), "the conversation is in storage.local, which content scripts read: {local}");
    let _: Value = env.js("SecondSelfProtocol.request({ kind: 'memory.clear' })").await;
    let left: usize = env.js("import('./chat-store.js').then(m => m.loadTurns()).then(t => t.length)").await;
    assert_eq!(left, 0, "the conversation survived Delete all");
    let overview: Value = env.js("SecondSelfProtocol.request({ kind: 'memory.overview' })").await;
    assert_eq!(overview["facts"].as_array().map(Vec::len), Some(0), "facts survived Delete all: {overview}");
    env.close().await;
}

/// The browser's own bookmarks, read at the user's click on "Import bookmarks" (the optional
/// permission asked then, granted as a user would), become memory with their folders; a second
/// click changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_imports_the_browsers_bookmarks_at_the_users_click() {
    let env = Fx::start(&secondself::firefox_dir()).await;
    let made = env
        .fx
        .browser_script(
            "const done = arguments[arguments.length - 1]; \
             const { PlacesUtils } = ChromeUtils.importESModule('resource://gre/modules/PlacesUtils.sys.mjs'); \
             PlacesUtils.bookmarks.insert({ parentGuid: PlacesUtils.bookmarks.toolbarGuid, type: PlacesUtils.bookmarks.TYPE_FOLDER, title: 'Ceramics' }) \
               .then(f => PlacesUtils.bookmarks.insert({ parentGuid: f.guid, url: 'https://example.org/kiln-hire', title: 'Kiln hire by the hour' })) \
               .then(() => done(true), e => done(String(e)));",
        )
        .await
        .unwrap();
    assert_eq!(made, Value::Bool(true), "{made}");
    env.fx.open_extension_page("sidepanel/sidepanel.html").await.unwrap();
    env.wait("document.getElementById('engine-state').dataset.state === 'ready'", 60).await;
    let before: bool = env.js("chrome.permissions.contains({ permissions: ['bookmarks'] })").await;
    assert!(!before, "the bookmarks permission is not held before the click");
    env.click("#import-bookmarks").await;
    env.wait("document.getElementById('import-label').textContent === 'Imported 1 of 1 file'", 60).await;
    let hit: String = env.js("SecondSelfProtocol.request({ kind: 'memory.search', query: 'kiln hire', k: 3 }).then(r => r.hits.map(h => h.text || '').join('\\n'))").await;
    assert!(hit.contains("Kiln hire by the hour — https://example.org/kiln-hire (saved "), "{hit}");
    assert!(hit.contains("Ceramics"), "{hit}");
    env.click("#import-bookmarks").await;
    env.wait("[...document.querySelectorAll('#import-results li')].some(l => l.textContent.includes('already in memory'))", 60).await;
    let sources: usize = env.js("SecondSelfProtocol.request({ kind: 'memory.overview' }).then(p => p.sources.length)").await;
    assert_eq!(sources, 1, "the same bookmarks again change nothing");
    env.close().await;
}
