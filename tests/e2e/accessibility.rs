//! Accessibility of the side panel: an axe-core audit of each of its views (0 serious or
//! critical violations; npm `axe-core`, pinned, installed once into `target/axe-core`), and its
//! actions from the keyboard alone (tabs by arrow keys, a note written and saved, a search, the
//! chat's mode).

use chromiumoxide::Page;

use crate::util::{js, press, set_viewport, wait_for, Env};

const AXE_VERSION: &str = "4.14.1";

/// axe-core's script, installed by npm on first use.
fn axe_source() -> String {
    use std::process::Command;
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let prefix = secondself::repo_dir().join("target").join("axe-core");
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let installed = std::fs::read_to_string(prefix.join("node_modules/axe-core/package.json")).ok().and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    if installed.as_ref().and_then(|p| p["version"].as_str()) != Some(AXE_VERSION) {
        std::fs::create_dir_all(&prefix).unwrap();
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
            .arg(&prefix)
            .arg(format!("axe-core@{AXE_VERSION}"))
            .status()
            .expect("npm runs (install Node.js and npm)");
        assert!(ok.success(), "npm install axe-core@{AXE_VERSION} failed");
    }
    std::fs::read_to_string(prefix.join("node_modules/axe-core/axe.min.js")).unwrap()
}

/// The serious and critical violations axe finds in what the page shows now.
async fn audit(page: &Page) -> Vec<String> {
    js(
        page,
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations \
           .filter(v => v.impact === 'serious' || v.impact === 'critical') \
           .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))",
    )
    .await
    .unwrap()
}

async fn key(page: &Page, k: &str) {
    let (code, vk) = match k {
        "ArrowRight" => ("ArrowRight", 39),
        "ArrowLeft" => ("ArrowLeft", 37),
        "Tab" => ("Tab", 9),
        "Enter" => ("Enter", 13),
        _ => unreachable!(),
    };
    press(page, k, code, vk, false).await.unwrap();
}

async fn focused(page: &Page) -> String {
    js(page, "document.activeElement ? (document.activeElement.id || document.activeElement.tagName) : ''").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn side_panel_passes_axe_and_works_from_the_keyboard() {
    let source = axe_source();
    let env = Env::start().await.unwrap();
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    set_viewport(&panel, 400, 640).await.unwrap();
    wait_for(&panel, "document.getElementById('engine-state').dataset.state === 'ready'", 60).await.unwrap();
    wait_for(&panel, "!document.getElementById('storage-usage').textContent.includes('…')", 20).await.unwrap();
    js::<bool>(&panel, &format!("{source};\ntrue")).await.unwrap();

    // Each view as the user sees it, and the note form and the confirm box open.
    let mut found = Vec::new();
    js::<bool>(&panel, "document.getElementById('note-open').click(); document.getElementById('delete-all').click(); true").await.unwrap();
    for tab in ["tab-memory", "tab-chat", "tab-engine"] {
        js::<bool>(&panel, &format!("document.getElementById('{tab}').click(); true")).await.unwrap();
        for v in audit(&panel).await {
            found.push(format!("{tab}: {v}"));
        }
    }
    assert!(found.is_empty(), "axe finds serious or critical violations:\n{}", found.join("\n"));

    // The keyboard alone: the tabs by arrow keys (one tab stop), Enter on a button, typing.
    js::<bool>(&panel, "document.getElementById('note-cancel').click(); document.getElementById('confirm-delete-no').click(); document.getElementById('tab-memory').click(); document.getElementById('tab-memory').focus(); true").await.unwrap();
    key(&panel, "ArrowRight").await;
    assert_eq!(focused(&panel).await, "tab-chat");
    assert!(js::<bool>(&panel, "!document.getElementById('view-chat').hidden").await.unwrap(), "the arrow key shows the Chat view");
    key(&panel, "ArrowRight").await;
    key(&panel, "ArrowRight").await;
    assert_eq!(focused(&panel).await, "tab-memory", "the arrows wrap around");
    let stops: Vec<bool> = js(&panel, "[...document.querySelectorAll('[role=tab]')].map(t => t.tabIndex === 0)").await.unwrap();
    assert_eq!(stops, [true, false, false], "only the selected tab is a tab stop");
    // Tab from the tab list reaches "Import files…" (a button for the hidden file input) and
    // "Write a note".
    key(&panel, "Tab").await;
    let opens: String = js(&panel, "document.activeElement.dataset.opens || ''").await.unwrap();
    assert_eq!(opens, "import-files", "Import files… is reached by Tab");
    key(&panel, "Tab").await;
    assert_eq!(focused(&panel).await, "note-open");
    key(&panel, "Enter").await;
    wait_for(&panel, "document.activeElement && document.activeElement.id === 'note-text'", 5).await.unwrap();
    panel.find_element("#note-text").await.unwrap().type_str("My library card number is 4411-20").await.unwrap();
    key(&panel, "Tab").await;
    key(&panel, "Enter").await;
    wait_for(&panel, "document.getElementById('note-form').hidden", 10).await.unwrap();
    env.close().await;
}

/// The first-run page opens on install, says what SecondSelf is and that nothing leaves the
/// device, takes a first note into memory, lists the shortcuts as the browser has them, and
/// passes the same audit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_run_page_opens_on_install_and_takes_a_first_note() {
    let source = axe_source();
    let env = Env::start().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let page = loop {
        let pages = env.browser.browser.pages().await.unwrap();
        let mut found = None;
        for p in pages {
            if p.url().await.ok().flatten().is_some_and(|u| u.ends_with("/onboarding/onboarding.html")) {
                found = Some(p);
            }
        }
        if let Some(p) = found {
            break p;
        }
        assert!(std::time::Instant::now() < deadline, "no first-run page opened on install");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    set_viewport(&page, 900, 1100).await.unwrap();
    wait_for(&page, "document.readyState === 'complete' && document.querySelectorAll('#shortcuts dd').length >= 3", 20).await.unwrap();
    let promise: String = js(&page, "document.querySelector('.promise').textContent").await.unwrap();
    assert!(promise.contains("stays on this device"), "{promise}");
    let keys: Vec<String> = js(&page, "[...document.querySelectorAll('#shortcuts dd')].map(d => d.dataset.command + '=' + d.textContent)").await.unwrap();
    for command in ["_execute_action", "enhance-prompt", "fill-form"] {
        assert!(keys.iter().any(|k| k.starts_with(&format!("{command}="))), "{command} is listed: {keys:?}");
    }
    js::<bool>(&page, &format!("{source};\ntrue")).await.unwrap();
    let found = audit(&page).await;
    assert!(found.is_empty(), "axe finds serious or critical violations on the first-run page:\n{}", found.join("\n"));
    // A first note, by keyboard: it is in memory afterwards.
    js::<bool>(&page, "document.getElementById('first-note').focus(); true").await.unwrap();
    page.find_element("#first-note").await.unwrap().type_str("My favourite tea is genmaicha").await.unwrap();
    key(&page, "Tab").await;
    assert_eq!(focused(&page).await, "first-note-save");
    key(&page, "Enter").await;
    wait_for(&page, "document.getElementById('first-status').textContent.startsWith('Remembered')", 30).await.unwrap();
    let hits: usize = js(&page, "SecondSelfProtocol.request({ kind: 'memory.search', query: 'genmaicha', k: 3 }).then(r => r.hits.length)").await.unwrap();
    assert!(hits >= 1, "the note is in memory");
    secondself::browser::screenshot(&page, &secondself::repo_dir().join("docs/screenshots/onboarding.png")).await.unwrap();
    crate::util::store_screenshot(&page, "first-run-1280x800").await.unwrap();
    env.close().await;
}
