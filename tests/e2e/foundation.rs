//! The foundation in a real browser: the service worker starts, the offscreen engine loads the
//! wasm and answers `engine.ping`, the side panel shows that status, and the content script is
//! present on pages yet unreachable from their scripts.

use crate::util::{click, js, ping_content_script, set_viewport, wait_for, Env};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_worker_starts_and_names_the_extension() {
    let env = Env::start().await.expect("browser with the extension starts");
    let id = &env.browser.extension_id;
    assert_eq!(id.len(), 32, "extension ids are 32 letters: {id}");
    assert!(id.chars().all(|c| ('a'..='p').contains(&c)), "extension ids use a–p: {id}");
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offscreen_engine_answers_ping_with_version_and_backend() {
    let env = Env::start().await.unwrap();
    let page = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    let pong: serde_json::Value = js(&page, "SecondSelfProtocol.request({ kind: 'engine.ping' })").await.unwrap();
    assert_eq!(pong["kind"], "engine.pong");
    assert_eq!(pong["version"], env!("CARGO_PKG_VERSION"), "the engine reports the crate's version");
    match pong["backend"]["type"].as_str() {
        Some("gpu") => assert!(pong["backend"]["adapter"].as_str().is_some_and(|a| a.starts_with("WebGPU")), "{pong}"),
        Some("cpu") => assert!(pong["backend"]["threads"].as_u64().is_some_and(|t| t >= 1), "{pong}"),
        other => panic!("unknown backend {other:?} in {pong}"),
    }
    // The engine lives in exactly one offscreen document, not in the service worker.
    let offscreen: usize =
        js(&page, "chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] }).then(c => c.length)").await.unwrap();
    assert_eq!(offscreen, 1);
    // A second ping reuses the same engine host.
    let again: serde_json::Value = js(&page, "SecondSelfProtocol.request({ kind: 'engine.ping' })").await.unwrap();
    assert_eq!(again["version"], pong["version"]);
    let offscreen: usize =
        js(&page, "chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] }).then(c => c.length)").await.unwrap();
    assert_eq!(offscreen, 1);
    // Unknown kinds are refused by the protocol helper before they reach the engine.
    let refused: bool = js(&page, "SecondSelfProtocol.request({ kind: 'engine.nope' }).then(() => false, () => true)").await.unwrap();
    assert!(refused);
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_racing_the_engine_start_all_get_replies() {
    // A request sent while the offscreen host is starting must not be lost: a side panel that
    // waits for events has its own message listener, and a message that reaches only that
    // listener gets no reply (no error either). Each round closes the engine host and sends
    // requests at once, each with an event listener, as the side panel's chat does.
    let env = Env::start().await.unwrap();
    let page = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    let outcomes: Vec<String> = js(
        &page,
        r#"(async () => {
            const out = [];
            for (let round = 0; round < 6; round++) {
                await chrome.offscreen.closeDocument().catch(() => {});
                const kinds = ["engine.ping", "model.status", "memory.overview"];
                const replies = await Promise.all(kinds.map((kind) =>
                    SecondSelfProtocol.request({ kind }, { onEvent: () => {} }).then((r) => r.kind, (e) => `error: ${e.message}`)));
                out.push(...replies);
            }
            return out;
        })()"#,
    )
    .await
    .unwrap();
    assert_eq!(outcomes.len(), 18);
    for (i, got) in outcomes.iter().enumerate() {
        let want = ["engine.pong", "model.state", "memory.profile"][i % 3];
        assert_eq!(got, want, "request {i} of {outcomes:?}");
    }
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn side_panel_shows_engine_status() {
    let env = Env::start().await.unwrap();
    let demo = env.fixture_page("/demo/index.html").await.unwrap();
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    set_viewport(&panel, 400, 640).await.unwrap();
    wait_for(&panel, "document.getElementById('engine-state').dataset.state === 'ready'", 60).await.unwrap();
    let version: String = js(&panel, "document.getElementById('engine-version').textContent").await.unwrap();
    assert_eq!(version, format!("v{}", env!("CARGO_PKG_VERSION")));
    let backend: String = js(&panel, "document.getElementById('engine-backend').textContent").await.unwrap();
    assert!(backend.starts_with("WebGPU") || backend.starts_with("CPU"), "backend shown: {backend}");
    wait_for(&panel, "document.getElementById('engine-model').textContent !== '—'", 20).await.unwrap();
    let model: String = js(&panel, "document.getElementById('engine-model').textContent").await.unwrap();
    assert!(model.starts_with("SmolLM2-135M-Instruct · Q4_1"), "the bundled model is shown: {model}");
    wait_for(&panel, "document.getElementById('page-status').textContent.startsWith('Active on')", 20).await.unwrap();
    let page_status: String = js(&panel, "document.getElementById('page-status').textContent").await.unwrap();
    assert!(page_status.contains("127.0.0.1"), "the panel sees SecondSelf active on the demo page: {page_status}");
    let error_hidden: bool = js(&panel, "document.getElementById('engine-error').hidden").await.unwrap();
    assert!(error_hidden);
    click(&panel, "tab-engine").await.unwrap();
    let engine_visible: bool = js(&panel, "!document.getElementById('view-engine').hidden && document.getElementById('view-memory').hidden").await.unwrap();
    assert!(engine_visible, "the Engine tab shows its view");
    secondself::browser::screenshot(&panel, &secondself::repo_dir().join("docs/screenshots/side-panel-engine.png")).await.unwrap();
    drop(demo);
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_script_is_present_but_unreachable_from_page_scripts() {
    let env = Env::start().await.unwrap();
    let page = env.fixture_page("/demo/checkout.html").await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    let pong = ping_content_script(&ext, &env.server.origin()).await.unwrap();
    assert_eq!(pong["kind"], "content.pong");
    assert_eq!(pong["frame"], "top");

    // The page's own scripts see no trace of the extension and cannot message it.
    let probe = format!(
        r#"(async () => {{
            const seen = {{}};
            seen.chromeRuntime = typeof chrome !== "undefined" && !!chrome.runtime && typeof chrome.runtime.sendMessage === "function";
            if (seen.chromeRuntime) {{
                seen.reply = await new Promise(res => {{
                    try {{ chrome.runtime.sendMessage({id}, {{ to: "router", id: "x", request: {{ kind: "engine.ping" }} }}, r => res(r ?? null)); }}
                    catch (e) {{ res("threw: " + e.message); }}
                }});
            }}
            seen.bridgeGlobal = typeof window.__secondselfBridge !== "undefined" || typeof window.SecondSelfProtocol !== "undefined";
            const answers = [];
            window.addEventListener("message", e => {{ if (e.data && e.data.reply) answers.push(e.data); }});
            window.postMessage({{ to: "router", id: "p1", request: {{ kind: "engine.ping" }} }}, "*");
            window.postMessage({{ to: "content", id: "p2", request: {{ kind: "content.ping" }} }}, "*");
            await new Promise(r => setTimeout(r, 500));
            seen.postMessageAnswers = answers.length;
            seen.domMentions = /secondself/i.test(document.documentElement.outerHTML);
            return seen;
        }})()"#,
        id = serde_json::to_string(&env.browser.extension_id).unwrap()
    );
    let seen: serde_json::Value = js(&page, &probe).await.unwrap();
    assert_ne!(seen["reply"]["reply"]["kind"], "engine.pong", "a page reached the engine: {seen}");
    assert_eq!(seen["bridgeGlobal"], false, "content-script globals leaked into the page: {seen}");
    assert_eq!(seen["postMessageAnswers"], 0, "the content script answered window.postMessage: {seen}");
    assert_eq!(seen["domMentions"], false, "the extension wrote into the page's DOM: {seen}");
    env.close().await;
}

/// In a browser set to German, every word of the side panel is German: the page's own text, the
/// words its scripts write (engine state, storage use, the empty profile), placeholders and
/// accessible names; no English message of three words or more is left anywhere in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn side_panel_speaks_the_browsers_language() {
    let chrome = secondself::browser::find_chromium().unwrap();
    secondself::browser::ensure_languages(&chrome).unwrap();
    let opts = secondself::browser::LaunchOptions { lang: Some("de".into()), ..Default::default() };
    let browser = secondself::browser::ExtensionBrowser::launch(&secondself::extension_dir(), &opts).await.unwrap();
    let panel = browser.open(&browser.extension_url("sidepanel/sidepanel.html")).await.unwrap();
    set_viewport(&panel, 400, 640).await.unwrap();
    wait_for(&panel, "document.getElementById('engine-state').dataset.state === 'ready'", 60).await.unwrap();
    wait_for(&panel, "!document.getElementById('storage-usage').textContent.includes('…')", 20).await.unwrap();
    let lang: String = js(&panel, "document.documentElement.lang").await.unwrap();
    assert!(lang.starts_with("de"), "the page says its language: {lang}");
    let seen: serde_json::Value = js(
        &panel,
        "({ tab: document.getElementById('tab-memory').textContent, state: document.getElementById('engine-state').textContent, \
           storage: document.getElementById('storage-usage').textContent, note: document.getElementById('note-text').placeholder, \
           role: document.getElementById('chat-role').getAttribute('aria-label') })",
    )
    .await
    .unwrap();
    assert_eq!(seen["tab"], "Erinnerungen", "{seen}");
    assert_eq!(seen["state"], "bereit", "{seen}");
    assert!(seen["storage"].as_str().unwrap().contains("auf diesem Gerät belegt"), "{seen}");
    assert!(seen["note"].as_str().unwrap().starts_with("Etwas zum Merken"), "{seen}");
    assert_eq!(seen["role"], "Wer fragt", "{seen}");
    // No English sentence anywhere: the text of every view, and every placeholder, title and
    // accessible name.
    let leftovers: Vec<String> = js(
        &panel,
        "(async () => { \
           const en = await (await fetch('../_locales/en/messages.json')).json(); \
           const de = await (await fetch('../_locales/de/messages.json')).json(); \
           for (const v of document.querySelectorAll('main')) v.hidden = false; \
           let text = document.body.innerText; \
           for (const n of document.querySelectorAll('[placeholder],[title],[aria-label]')) text += '\\n' + ['placeholder','title','aria-label'].map(a => n.getAttribute(a) || '').join('\\n'); \
           return Object.entries(en).map(([k, m]) => m.message).filter((m, i) => m.split(/\\s+/).length >= 3 && !m.includes('{') && !Object.values(de).some(d => d.message === m) && text.includes(m)); \
         })()",
    )
    .await
    .unwrap();
    assert!(leftovers.is_empty(), "English left in the German side panel: {leftovers:?}");
    js::<bool>(&panel, "(() => { for (const v of document.querySelectorAll('main')) v.hidden = v.id !== 'view-memory'; return true; })()").await.unwrap();
    secondself::browser::screenshot(&panel, &secondself::repo_dir().join("docs/screenshots/side-panel-de.png")).await.unwrap();
    // What the engine finds wrong with a file is said in German too, with the file's name.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("kaputt.pdf");
    std::fs::write(&broken, b"%PDF-1.7\nnot really a PDF").unwrap();
    crate::util::choose_files(&panel, "#import-files", vec![broken.display().to_string()]).await;
    wait_for(&panel, "document.querySelector('#import-results li.failed') !== null", 60).await.unwrap();
    let said: String = js(&panel, "document.querySelector('#import-results li.failed').textContent").await.unwrap();
    assert!(said.contains("kaputt.pdf: die Datei ist beschädigt"), "{said}");
    let _ = browser.close().await;
}
