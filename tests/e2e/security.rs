//! The attack suite (docs/SECURITY.md): pages that try to take the user's memory, each in real
//! headless Chromium with the store build of the extension, each asserting that nothing of the
//! memory reached the page (its fields, its DOM, its storage, its messages).
//!
//! - a page that sets the old eval-mode flag gets no fill and no marks;
//! - a fill stays in the form (or section) the user is in and skips every field the user cannot
//!   see: faint, tiny, clipped, covered by an overlay that lets clicks through;
//! - the injected menu cannot be restyled, summoned by `el.focus()`, covered by a decoy, or clicked
//!   twice quickly into picking a sensitive fact;
//! - Delete all leaves no conversation behind, and content scripts cannot read it;
//! - the router refuses a sender that is neither the extension nor a page in a tab;
//! - text a page wrote ("Remember this") does not become a value that forms get.

use crate::util::{
    assert_nothing_of_memory_in, ax_nodes, click_at, click_element, import_persona_requests, js, node_centre, press, settle_ui, to_content_script, wait_for, wait_for_ax, Env, LISTEN,
    PAGE_SEES,
};
use chromiumoxide::Page;
use serde_json::Value;

/// A browser whose memory holds the persona, its side panel, and fixture `path` open.
async fn persona_and_page(path: &str) -> (Env, Page, Page) {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    import_persona_requests(&ext).await.unwrap();
    let page = env.fixture_page(path).await.unwrap();
    (env, ext, page)
}

/// Everything a page script can see: its DOM (values included), its storage, and the messages
/// posted to it. Asserts that no memory value is in any of it.
async fn assert_page_learnt_nothing(page: &Page, except: &[&str]) {
    let seen: String = js(page, PAGE_SEES).await.unwrap();
    assert_nothing_of_memory_in(&seen, except);
}

async fn value(page: &Page, id: &str) -> String {
    js(page, &format!("document.getElementById({}).value", serde_json::to_string(id).unwrap())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eval_flag_triggers_nothing_in_the_shipped_build() {
    let (env, _ext, page) = persona_and_page("/security/eval-bait.html").await;
    let _: bool = js(&page, LISTEN).await.unwrap();
    // The old eval mode filled 3 s after load at the latest: wait past it.
    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    for id in ["name", "email", "tel", "street"] {
        assert_eq!(value(&page, id).await, "", "{id} was filled with no gesture");
    }
    let marks: usize = js(&page, "document.querySelectorAll('[data-secondself-token]').length + [...document.documentElement.attributes].filter(a => a.name.startsWith('data-secondself-eval-')).length").await.unwrap();
    assert_eq!(marks, 0, "the extension marked the page");
    assert_page_learnt_nothing(&page, &[]).await;
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fill_stays_in_the_users_form_and_skips_what_the_user_cannot_see() {
    let (env, ext, page) = persona_and_page("/security/visibility.html").await;
    let url = env.server.url("/security/visibility.html");
    let _: bool = js(&page, LISTEN).await.unwrap();
    click_element(&page, "#email").await.unwrap();
    let done = to_content_script(&ext, &url, "content.autofill").await.unwrap();
    assert_eq!(done["kind"], "content.autofilled", "{done}");
    assert_eq!(value(&page, "email").await, "maya.okafor@mailbox.example", "the field the user is in is filled");
    let traps: Vec<(String, String)> = js(&page, "[...document.querySelectorAll('[id^=t-]')].map(e => [e.id, e.value])").await.unwrap();
    assert!(traps.len() >= 10, "{traps:?}");
    for (id, v) in &traps {
        assert_eq!(v, "", "{id} received a value");
    }
    assert_page_learnt_nothing(&page, &["maya.okafor@mailbox.example"]).await;

    // No field acted in (the shortcut with focus nowhere): nothing at all.
    let page2 = env.fixture_page("/security/sections.html").await.unwrap();
    let url2 = env.server.url("/security/sections.html");
    let done = to_content_script(&ext, &url2, "content.autofill").await.unwrap();
    assert_eq!(done["filled"], 0, "{done}");
    // Without a <form>: the section of the field the user is in, not the other one.
    click_element(&page2, "#email").await.unwrap();
    let done = to_content_script(&ext, &url2, "content.autofill").await.unwrap();
    assert_eq!(done["filled"], 2, "{done}");
    assert_eq!(value(&page2, "name").await, "Maya Okafor");
    assert_eq!(value(&page2, "g-name").await, "", "the other section was filled");
    assert_eq!(value(&page2, "g-email").await, "");
    env.close().await;
}

/// The icon of the passport field, its menu opened with a real click; returns the offer's centre.
async fn open_offer(page: &Page) -> (f64, f64) {
    click_element(page, "#passport").await.unwrap();
    let icon = wait_for_ax(page, "button", "SecondSelf autofill", 20).await.unwrap();
    let (x, y) = node_centre(page, &icon).await.unwrap();
    settle_ui().await;
    click_at(page, x, y).await.unwrap();
    let offer = wait_for_ax(page, "menuitem", "Use Passport number", 20).await.unwrap();
    node_centre(page, &offer).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_cannot_be_restyled_or_clicked_twice_into_a_pick() {
    let (env, _ext, page) = persona_and_page("/security/clickjack.html?attack=style").await;
    let _: bool = js(&page, LISTEN).await.unwrap();
    // Page CSS on the host is overruled: the page itself reads it as fully opaque.
    let (ox, oy) = open_offer(&page).await;
    let opacity: String = js(&page, "window.hostStyle()").await.unwrap();
    assert_eq!(opacity, "1", "the page's CSS made the host transparent");
    // Close it (Escape removes the icon), click into the field again for a fresh icon, then the
    // decoy's "click twice quickly": the icon, then the offer's place 60 ms later.
    press(&page, "Escape", "Escape", 27, false).await.unwrap();
    wait_for(&page, "document.querySelector('secondself-autofill') === null", 5).await.unwrap();
    click_element(&page, "#passport").await.unwrap();
    let icon = wait_for_ax(&page, "button", "SecondSelf autofill", 20).await.unwrap();
    let (x, y) = node_centre(&page, &icon).await.unwrap();
    settle_ui().await;
    click_at(&page, x, y).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    click_at(&page, ox, oy).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(value(&page, "passport").await, "", "a click 60 ms after the menu opened picked the passport number");
    assert_page_learnt_nothing(&page, &[]).await;
    // The user's own, unhurried click on the visible menu still works.
    let offer = wait_for_ax(&page, "menuitem", "Use Passport number", 5).await.unwrap();
    let (mx, my) = node_centre(&page, &offer).await.unwrap();
    settle_ui().await;
    click_at(&page, mx, my).await.unwrap();
    wait_for(&page, "document.getElementById('passport').value === '531847206'", 20).await.unwrap();
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_cannot_be_summoned_covered_or_tampered_with() {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    import_persona_requests(&ext).await.unwrap();

    // el.focus() from the page, with no input from the user: no icon.
    let page = env.fixture_page("/security/clickjack.html?attack=focus").await.unwrap();
    wait_for(&page, "document.activeElement && document.activeElement.id === 'passport'", 10).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(js::<bool>(&page, "document.querySelector('secondself-autofill') === null").await.unwrap(), "a page's focus() summoned the icon");

    // A decoy raised above the icon (clicks pass through it), or the host's style written by the
    // page: the icon does not open, nothing is picked.
    for attack in ["cover", "tamper"] {
        let page = env.fixture_page(&format!("/security/clickjack.html?attack={attack}")).await.unwrap();
        let _: bool = js(&page, LISTEN).await.unwrap();
        click_element(&page, "#passport").await.unwrap();
        let icon = wait_for_ax(&page, "button", "SecondSelf autofill", 20).await.unwrap();
        let (x, y) = node_centre(&page, &icon).await.unwrap();
        settle_ui().await;
        for _ in 0..2 {
            click_at(&page, x, y).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        }
        let items = ax_nodes(&page).await.unwrap().into_iter().filter(|n| n.role == "menuitem").count();
        assert_eq!(items, 0, "{attack}: the menu opened under the page's trick");
        assert_eq!(value(&page, "passport").await, "", "{attack}");
        assert_page_learnt_nothing(&page, &[]).await;
    }
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_all_removes_the_conversation_which_pages_cannot_read() {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    wait_for(&ext, "document.getElementById('engine-state')?.dataset.state === 'ready'", 60).await.unwrap();
    let secret = "Your passport number is 999111222";
    let saved: bool = js(
        &ext,
        &format!(
            "import('./chat-store.js').then(async m => {{ await m.saveTurns([{{ role: 'user', content: 'my passport?' }}, {{ role: 'assistant', content: {} }}]); return (await m.loadTurns()).length === 2; }})",
            serde_json::to_string(secret).unwrap()
        ),
    )
    .await
    .unwrap();
    assert!(saved);
    // Not where content scripts can read (chrome.storage.local is shared with them).
    let local: String = js(&ext, "chrome.storage.local.get(null).then(v => JSON.stringify(v))").await.unwrap();
    assert!(!local.contains("999111222"), "the conversation is in chrome.storage.local: {local}");

    let _: Value = js(&ext, "SecondSelfProtocol.request({ kind: 'memory.clear' })").await.unwrap();
    let dbs: Vec<String> = js(&ext, "indexedDB.databases().then(l => l.map(d => d.name))").await.unwrap();
    assert!(!dbs.iter().any(|d| d == "secondself-chat"), "the conversation database survived Delete all: {dbs:?}");
    let left: usize = js(&ext, "import('./chat-store.js').then(m => m.loadTurns()).then(t => t.length)").await.unwrap();
    assert_eq!(left, 0);
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_refuses_senders_that_are_neither_extension_nor_a_tab() {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    let roles: Vec<String> = js(
        &ext,
        r#"(() => {
            const base = chrome.runtime.getURL("");
            const own = base.slice(0, -1);
            const r = (s) => SecondSelfProtocol.senderRole(s, base);
            return [
              r({ url: base + "sidepanel/sidepanel.html", origin: own }),
              r({ url: base + "sidepanel/sidepanel.html", origin: own, tab: { id: 3 } }),
              r({ url: "https://shop.example/", origin: "https://shop.example", tab: { id: 3 }, frameId: 0 }),
              r({ url: "https://shop.example/", origin: "https://shop.example" }),
              r({ url: base + "x.html", origin: "https://shop.example" }),
              r({}),
              r({ url: "https://shop.example/", tab: { id: -1 } }),
            ];
        })()"#,
    )
    .await
    .unwrap();
    assert_eq!(roles, ["extension", "extension", "page", "refused", "refused", "refused", "refused"]);
    // The real router answers an extension page, and the engine serves it.
    let pong: Value = js(&ext, "SecondSelfProtocol.request({ kind: 'engine.ping' })").await.unwrap();
    assert_eq!(pong["kind"], "engine.pong", "{pong}");
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_a_page_wrote_is_not_filled_until_the_user_confirms_it() {
    let (env, ext, page) = persona_and_page("/demo/checkout.html").await;
    // "Remember this" on a page whose text claims a phone number for the user.
    let r: Value = js(
        &ext,
        "SecondSelfProtocol.request({ kind: 'memory.remember', text: 'Account help. My phone number is 07700 900999, call me back.', url: 'https://help.shop.example/chat', title: 'Help' })",
    )
    .await
    .unwrap();
    assert_eq!(r["outcome"]["status"], "imported", "{r}");
    let url = env.server.url("/demo/checkout.html");
    click_element(&page, "#first").await.unwrap();
    let done = to_content_script(&ext, &url, "content.autofill").await.unwrap();
    assert!(done["filled"].as_u64().unwrap_or(0) >= 8, "{done}");
    let tel = value(&page, "phone").await;
    assert!(!tel.replace(' ', "").contains("900999"), "the page's number was filled: {tel}");
    assert!(tel.replace(' ', "").ends_with("7700900762"), "the user's own number is filled: {tel}");
    // The memory manager shows it marked, with Confirm.
    let _ = ext.reload().await;
    wait_for(&ext, "!!document.querySelector('.fact[data-from-page=\"1\"] .badge.from-page')", 30).await.unwrap();
    env.close().await;
}

/// Two panels writing at once — two imports, a forget and a distil from one, a pin from the
/// other — end as some serial order of them would: every import whole, the forgotten fact gone
/// (the cached facts for forms too), the pin in place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_end_as_a_serial_order_would() {
    use base64::Engine as _;
    let env = Env::start().await.unwrap();
    let a = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    let b = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    wait_for(&a, "document.getElementById('engine-state')?.dataset.state === 'ready'", 60).await.unwrap();
    let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let first = enc("# Me\n\nMy name is Ines Duarte. My phone number is 07700 900321.\n");
    let r: Value = js(&a, &format!("SecondSelfProtocol.request({{ kind: 'memory.import', name: 'me.md', data: '{first}' }}).then(() => SecondSelfProtocol.request({{ kind: 'memory.distil' }}))")).await.unwrap();
    let tel = r["facts"].as_array().unwrap().iter().find(|f| f["key"] == "tel").cloned().unwrap_or_else(|| panic!("no tel fact: {r}"));
    let (two, three) = (enc("# Garden\n\nI grow tomatoes and basil on the balcony.\n"), enc("# Work\n\nI work as a surveyor in Porto.\n"));
    let started = format!(
        "window.__done = Promise.all([
            SecondSelfProtocol.request({{ kind: 'memory.import', name: 'garden.md', data: '{two}' }}),
            SecondSelfProtocol.request({{ kind: 'memory.forget', fact_id: {id} }}),
            SecondSelfProtocol.request({{ kind: 'memory.import', name: 'work.md', data: '{three}' }}),
            SecondSelfProtocol.request({{ kind: 'memory.distil' }}),
        ]).then(() => true, e => String(e)), true",
        id = tel["id"]
    );
    let _: bool = js(&a, &started).await.unwrap();
    let pinned: Value = js(&b, "SecondSelfProtocol.request({ kind: 'memory.pin', key: 't-shirt-size', value: 'M' })").await.unwrap();
    assert_eq!(pinned["kind"], "memory.profile", "{pinned}");
    let done: Value = js(&a, "window.__done").await.unwrap();
    assert_eq!(done, true, "{done}");
    let end: Value = js(&b, "SecondSelfProtocol.request({ kind: 'memory.distil' })").await.unwrap();
    let names: Vec<&str> = end["sources"].as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
    for n in ["me.md", "garden.md", "work.md"] {
        assert!(names.iter().any(|x| x.ends_with(n)), "{n} missing: {names:?}");
    }
    let facts = end["facts"].as_array().unwrap();
    assert!(!facts.iter().any(|f| f["key"] == "tel"), "the forgotten phone came back: {facts:?}");
    assert!(facts.iter().any(|f| f["key"] == "t-shirt-size" && f["value"] == "M"), "the pin was lost: {facts:?}");
    env.close().await;
}

/// Delete all while a page is being filled: whatever order the two land in, once Delete all has
/// answered, no fill gives anything (no facts cached from before the deletion).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_all_while_a_page_fills_leaves_nothing_to_fill() {
    let (env, ext, page) = persona_and_page("/demo/checkout.html").await;
    let url = env.server.url("/demo/checkout.html");
    click_element(&page, "#first").await.unwrap();
    let before = to_content_script(&ext, &url, "content.autofill").await.unwrap();
    assert!(before["filled"].as_u64().unwrap_or(0) >= 8, "the persona fills the form first: {before}");
    let _ = to_content_script(&ext, &url, "content.autofill-undo").await.unwrap();
    // A fill (classify, plan, fill) and Delete all, sent at once.
    let raced: Value = js(
        &ext,
        &format!(
            r#"(async () => {{
                let tab = null;
                for (const t of await chrome.tabs.query({{}})) {{
                    const pong = await SecondSelfProtocol.request({{ kind: "content.ping", tabId: t.id }}).catch(() => null);
                    if (pong && pong.url === {url}) tab = t;
                }}
                const fill = SecondSelfProtocol.request({{ kind: "content.autofill", tabId: tab.id }}).then((r) => r.filled, (e) => String(e));
                const clear = SecondSelfProtocol.request({{ kind: "memory.clear" }}).then((r) => r.kind, (e) => String(e));
                return await Promise.all([fill, clear]);
            }})()"#,
            url = serde_json::to_string(&url).unwrap()
        ),
    )
    .await
    .unwrap();
    assert_eq!(raced[1], "memory.profile", "Delete all answered: {raced}");
    let _ = to_content_script(&ext, &url, "content.autofill-undo").await;
    click_element(&page, "#first").await.unwrap();
    let after = to_content_script(&ext, &url, "content.autofill").await.unwrap();
    assert_eq!(after["filled"], 0, "a fill after Delete all used deleted facts: {after}");
    for id in ["first", "last", "email", "city"] {
        assert_eq!(value(&page, id).await, "", "{id} was filled after Delete all");
    }
    env.close().await;
}
