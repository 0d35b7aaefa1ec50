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
    // The same views in the dark colour scheme (the panel follows the system's).
    use chromiumoxide::cdp::browser_protocol::emulation::{MediaFeature, SetEmulatedMediaParams};
    panel.execute(SetEmulatedMediaParams::builder().features(vec![MediaFeature::new("prefers-color-scheme", "dark")]).build()).await.unwrap();
    let dark: bool = js(&panel, "matchMedia('(prefers-color-scheme: dark)').matches").await.unwrap();
    assert!(dark, "the dark scheme is emulated");
    for tab in ["tab-memory", "tab-chat", "tab-engine"] {
        js::<bool>(&panel, &format!("document.getElementById('{tab}').click(); true")).await.unwrap();
        for v in audit(&panel).await {
            found.push(format!("{tab} (dark): {v}"));
        }
    }
    panel.execute(SetEmulatedMediaParams::builder().features(vec![MediaFeature::new("prefers-color-scheme", "light")]).build()).await.unwrap();
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

/// The UI SecondSelf puts into pages — the autofill menu on a checkout, the ✨ preview and the
/// Critique verdict on a chat site — passes the same audit. Its shadow roots are closed in the
/// product, so the audit runs on a test build that opens them (`test_build::derive_audit`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_autofill_menu_and_chat_cards_pass_axe() {
    use crate::util::{click_at, settle_ui, wait_for_ax};
    let source = axe_source();
    let dir = secondself::test_build::derive_audit(&secondself::extension_dir(), &secondself::repo_dir().join("target/e2e/extension-audit")).unwrap();
    let server = secondself::server::StaticServer::start(&secondself::fixtures_dir(), 0).unwrap();
    let browser = secondself::browser::ExtensionBrowser::launch(&dir, &Default::default()).await.unwrap();
    let env = Env { browser, server };
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    wait_for(&ext, "document.getElementById('engine-state').dataset.state === 'ready'", 60).await.unwrap();
    for (k, v) in [("given-name", "Ines"), ("family-name", "Varela"), ("email", "ines.varela@mailbox.example"), ("diet", "vegetarian"), ("allergies", "tree nuts (cashew, walnut)")] {
        js::<serde_json::Value>(&ext, &format!("SecondSelfProtocol.request({{ kind: 'memory.pin', key: '{k}', value: '{v}' }})")).await.unwrap();
    }
    // Only SecondSelf's own hosts are audited (the fixture pages are not the product).
    let hosts_audit = "(() => { const hosts = [...document.querySelectorAll('*')].filter(e => e.shadowRoot && (e.localName === 'secondself-autofill' || e.shadowRoot.querySelector('[data-ss]'))); \
        return axe.run({ include: hosts }).then(r => ({ hosts: hosts.length, passed: r.passes.length, violations: r.violations \
        .filter(v => v.impact === 'serious' || v.impact === 'critical') \
        .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`) })); })()";
    // What the audit saw: SecondSelf's hosts, rules they passed, violations.
    let audited = |r: serde_json::Value, what: &str, out: &mut Vec<String>| {
        assert!(r["hosts"].as_u64().unwrap_or(0) >= 1 && r["passed"].as_u64().unwrap_or(0) >= 3, "the audit of the {what} saw SecondSelf's UI: {r}");
        out.extend(r["violations"].as_array().unwrap().iter().map(|v| format!("{what}: {}", v.as_str().unwrap_or_default())));
    };
    let centre = |sel: &str| format!("(() => {{ for (const h of document.querySelectorAll('*')) {{ const e = h.shadowRoot && h.shadowRoot.querySelector('{sel}'); if (e) {{ const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }} }} return null; }})()");
    let mut found = Vec::new();

    // The autofill menu, opened from the keyboard on a checkout field.
    let page = env.fixture_page("/demo/checkout.html").await.unwrap();
    crate::util::click_element(&page, "#email").await.unwrap();
    wait_for_ax(&page, "button", "SecondSelf autofill", 20).await.unwrap();
    press(&page, "ArrowDown", "ArrowDown", 40, true).await.unwrap();
    wait_for_ax(&page, "menuitem", "Fill this form", 20).await.unwrap();
    js::<bool>(&page, &format!("{source};\ntrue")).await.unwrap();
    audited(js(&page, hosts_audit).await.unwrap(), "autofill menu", &mut found);

    // The ✨ preview and the Critique verdict on the ChatGPT replica.
    let chat = env.fixture_page("/sites/chatgpt.html").await.unwrap();
    wait_for(&chat, &format!("{} !== null", centre("[data-ss=enhance]")), 20).await.unwrap();
    js::<bool>(&chat, "(() => { const e = document.querySelector('[data-replica-editor]'); e.focus(); return true; })()").await.unwrap();
    chat.execute(chromiumoxide::cdp::browser_protocol::input::InsertTextParams::new("Suggest a dinner for tonight")).await.unwrap();
    for (button, shown) in [("[data-ss=enhance]", "[data-ss=added]"), ("[data-ss=critique]", "[data-ss=problem], [data-ss=fits]")] {
        settle_ui().await;
        let (x, y): (f64, f64) = js(&chat, &centre(button)).await.unwrap();
        click_at(&chat, x, y).await.unwrap();
        wait_for(&chat, &format!("{} !== null", centre(shown)), 30).await.unwrap();
    }
    js::<bool>(&chat, &format!("{source};\ntrue")).await.unwrap();
    audited(js(&chat, hosts_audit).await.unwrap(), "chat cards", &mut found);
    assert!(found.is_empty(), "axe finds serious or critical violations in the injected UI:\n{}", found.join("\n"));
    env.close().await;
}
