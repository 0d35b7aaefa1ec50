//! Autofill in a real browser: the demo checkout filled from the persona's memory (values
//! checked, sensitive fields left alone, undo restores), a hostile page whose hidden, invisible,
//! disabled and read-only traps get nothing, and a React-style controlled form that keeps the
//! filled values after its framework re-renders. The inline icon: it appears in the focused field
//! and its menu fills the form (trusted clicks only, closed shadow root); "Never on this site"
//! silences the icon and the shortcut until the side panel allows the site again; a sensitive
//! fact is offered masked and filled only when picked. `secondself eval autofill` scores a small
//! directory of labelled pages (one with blocked third-party frames) end to end.

use crate::util::{
    ax_nodes, click_at, click_element, import_persona_requests, js, node_centre, press, settle_ui, to_content_script, wait_for, wait_for_ax, AxNode, Env,
};

/// The keyboard shortcut's fill (`content.autofill`, as the router sends it) after the user
/// clicked into `selector`: it fills the form of the field the user is in.
async fn shortcut_fill(ext: &chromiumoxide::Page, page: &chromiumoxide::Page, url: &str, selector: &str) -> serde_json::Value {
    click_element(page, selector).await.unwrap();
    to_content_script(ext, url, "content.autofill").await.unwrap()
}

async fn value(page: &chromiumoxide::Page, id: &str) -> String {
    js(page, &format!("document.getElementById({}).value", serde_json::to_string(id).unwrap())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_is_filled_from_memory_and_undo_restores_it() {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    import_persona_requests(&ext).await.unwrap();
    let page = env.fixture_page("/demo/checkout.html").await.unwrap();
    let done = shortcut_fill(&ext, &page, &env.server.url("/demo/checkout.html"), "#first").await;
    assert_eq!(done["kind"], "content.autofilled", "{done}");
    assert!(done["filled"].as_u64().unwrap() >= 8, "{done}");

    assert_eq!(value(&page, "first").await, "Maya");
    assert_eq!(value(&page, "last").await, "Okafor");
    assert_eq!(value(&page, "email").await, "maya.okafor@mailbox.example");
    let tel = value(&page, "phone").await;
    assert!(tel.replace(' ', "").ends_with("7700900762"), "phone: {tel}");
    assert_eq!(value(&page, "ship1").await, "41 Larkhill Grove");
    assert_eq!(value(&page, "city").await, "Manchester");
    assert_eq!(value(&page, "postcode").await, "M19 3PL");
    assert_eq!(value(&page, "country").await, "GB", "the country select is matched by its option");
    let day: String = js(&page, "document.querySelector('[name=dob_day]').value").await.unwrap();
    let month: String = js(&page, "document.querySelector('[name=dob_month]').value").await.unwrap();
    assert_eq!((day.as_str(), month.as_str()), ("14", "3"));
    assert_eq!(value(&page, "dob_year").await, "1992");
    // Payment fields are never filled without the user picking them.
    for id in ["ccnum", "cvc", "ccexp"] {
        assert_eq!(value(&page, id).await, "", "{id} must stay empty");
    }

    let undone = to_content_script(&ext, &env.server.url("/demo/checkout.html"), "content.autofill-undo").await.unwrap();
    assert_eq!(undone["kind"], "content.autofill-undone");
    for id in ["first", "last", "email", "phone", "ship1", "city", "postcode", "country", "dob_year"] {
        assert_eq!(value(&page, id).await, "", "undo restores {id}");
    }
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_page_traps_get_nothing() {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    import_persona_requests(&ext).await.unwrap();
    let page = env.fixture_page("/autofill/attack.html").await.unwrap();
    let done = shortcut_fill(&ext, &page, &env.server.url("/autofill/attack.html"), "#email").await;
    assert_eq!(done["kind"], "content.autofilled", "{done}");
    assert_eq!(value(&page, "email").await, "maya.okafor@mailbox.example", "the one visible field is filled");
    let traps: Vec<(String, String)> =
        js(&page, "[...document.querySelectorAll('[id^=t-]')].map(e => [e.id, e.value])").await.unwrap();
    assert!(traps.len() >= 12, "{traps:?}");
    for (id, v) in &traps {
        assert_eq!(v, "", "trap {id} received a value");
    }
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controlled_inputs_keep_values_after_rerender() {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    import_persona_requests(&ext).await.unwrap();
    let page = env.fixture_page("/autofill/controlled.html").await.unwrap();
    let done = shortcut_fill(&ext, &page, &env.server.url("/autofill/controlled.html"), "#name").await;
    assert_eq!(done["filled"], 2, "{done}");
    let _: bool = js(&page, "(window.rerender(), true)").await.unwrap();
    assert_eq!(value(&page, "name").await, "Maya Okafor");
    assert_eq!(value(&page, "email").await, "maya.okafor@mailbox.example");
    env.close().await;
}

/// A browser whose memory holds the persona, the side panel page, and fixture `path` open.
async fn persona_and_page(path: &str) -> (Env, chromiumoxide::Page, chromiumoxide::Page) {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    import_persona_requests(&ext).await.unwrap();
    let page = env.fixture_page(path).await.unwrap();
    (env, ext, page)
}

/// The inline icon's host element (its contents sit in a closed shadow root).
const ICON_HOST: &str = "document.querySelector('secondself-autofill')";

/// Clicks `selector` as a user would and waits for the SecondSelf icon in it; returns the icon.
async fn focus_and_find_icon(page: &chromiumoxide::Page, selector: &str) -> AxNode {
    click_element(page, selector).await.unwrap();
    // The icon of the field focused before may still be in the tree while it is replaced: the
    // icon is the one that is laid out (on a busy machine the old one went away between being
    // found and being measured: "Could not compute box model").
    for _ in 0..40 {
        let icon = wait_for_ax(page, "button", "SecondSelf autofill", 20).await.unwrap();
        if node_centre(page, &icon).await.is_ok() {
            return icon;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the autofill icon never settled for {selector}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_icon_appears_on_focus_and_its_menu_fills_the_form() {
    let (env, _ext, page) = persona_and_page("/demo/checkout.html").await;
    let icon = focus_and_find_icon(&page, "#first").await;

    // At the field's right edge, inside it.
    let (x, y) = node_centre(&page, &icon).await.unwrap();
    let field: (f64, f64, f64, f64) = js(&page, "(() => { const r = document.getElementById('first').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()").await.unwrap();
    assert!(x > field.0 + (field.2 - field.0) * 0.75 && x < field.2 && y > field.1 && y < field.3, "icon at {x},{y}, field {field:?}");

    // Page scripts can neither look inside nor trigger it.
    let closed: bool = js(&page, &format!("{ICON_HOST}.shadowRoot === null")).await.unwrap();
    assert!(closed, "the icon's shadow root must be closed");
    let _: bool = js(&page, &format!("({ICON_HOST}.dispatchEvent(new MouseEvent('click', {{bubbles: true, composed: true}})), true)")).await.unwrap();
    let fake_key = "document.getElementById('first').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', code: 'ArrowDown', altKey: true, bubbles: true}))";
    let _: bool = js(&page, fake_key).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!ax_nodes(&page).await.unwrap().iter().any(|n| n.role == "menuitem"), "a synthetic click or key press opened the menu");
    assert_eq!(value(&page, "first").await, "");

    settle_ui().await;
    click_at(&page, x, y).await.unwrap();
    let fill_form = wait_for_ax(&page, "menuitem", "Fill this form", 20).await.unwrap();
    let names: Vec<String> = ax_nodes(&page).await.unwrap().into_iter().filter(|n| n.role == "menuitem").map(|n| n.name).collect();
    assert!(names.iter().any(|n| n == "Fill this field") && names.iter().any(|n| n == "Never on this site"), "{names:?}");
    let (mx, my) = node_centre(&page, &fill_form).await.unwrap();
    settle_ui().await;
    click_at(&page, mx, my).await.unwrap();

    wait_for(&page, "document.getElementById('first').value === 'Maya'", 20).await.unwrap();
    assert_eq!(value(&page, "last").await, "Okafor");
    assert_eq!(value(&page, "email").await, "maya.okafor@mailbox.example");
    assert_eq!(value(&page, "postcode").await, "M19 3PL");
    assert_eq!(value(&page, "ccnum").await, "", "card fields stay empty");
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_on_this_site_silences_icon_and_shortcut_until_allowed_again() {
    let (env, ext, page) = persona_and_page("/demo/checkout.html").await;
    let url = env.server.url("/demo/checkout.html");
    focus_and_find_icon(&page, "#email").await;

    // Keyboard only: Alt+ArrowDown opens the menu on its first entry; ArrowUp wraps to the last.
    press(&page, "ArrowDown", "ArrowDown", 40, true).await.unwrap();
    wait_for_ax(&page, "menuitem", "Never on this site", 20).await.unwrap();
    press(&page, "ArrowUp", "ArrowUp", 38, false).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(650)).await; // the menu acts after 500 ms on screen
    press(&page, "Enter", "Enter", 13, false).await.unwrap();
    wait_for(&page, &format!("{ICON_HOST} === null"), 10).await.unwrap();

    let origin = env.server.url("/").trim_end_matches('/').to_string();
    let stored: serde_json::Value = js(&ext, "chrome.storage.local.get('autofillBlocked').then(v => v.autofillBlocked || {})").await.unwrap();
    assert_eq!(stored[&origin], true, "{stored}");

    // No icon on another field, and the shortcut's / context menu's request fills nothing.
    click_element(&page, "#first").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(js::<bool>(&page, &format!("{ICON_HOST} === null")).await.unwrap(), "icon shown on a blocked site");
    let done = to_content_script(&ext, &url, "content.autofill").await.unwrap();
    assert_eq!(done["blocked"], true, "{done}");
    assert_eq!(value(&page, "first").await, "");

    // The side panel lists the site and lifts the block.
    wait_for(&ext, &format!("!!document.querySelector('#autofill-blocked li[data-origin=\"{origin}\"] button')"), 10).await.unwrap();
    let _: bool = js(&ext, "(document.querySelector('#autofill-blocked li[data-origin] button').click(), true)").await.unwrap();
    wait_for(&ext, "!document.querySelector('#autofill-blocked li[data-origin]')", 10).await.unwrap();
    let done = to_content_script(&ext, &url, "content.autofill").await.unwrap();
    assert!(done["filled"].as_u64().unwrap_or(0) >= 8, "{done}");
    assert_eq!(value(&page, "first").await, "Maya");
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitive_values_are_filled_only_when_picked_in_the_menu() {
    let (env, ext, page) = persona_and_page("/autofill/passport.html").await;
    let url = env.server.url("/autofill/passport.html");

    let done = shortcut_fill(&ext, &page, &url, "#email").await;
    assert_eq!(done["filled"], 2, "{done}");
    assert_eq!(value(&page, "fullname").await, "Maya Okafor");
    assert_eq!(value(&page, "passport").await, "", "a passport number is never filled unasked");

    let icon = focus_and_find_icon(&page, "#passport").await;
    let (x, y) = node_centre(&page, &icon).await.unwrap();
    settle_ui().await;
    click_at(&page, x, y).await.unwrap();
    let offer = wait_for_ax(&page, "menuitem", "Use Passport number", 20).await.unwrap();
    assert!(offer.name.contains("7206") && !offer.name.contains("531847206"), "masked in the menu: {:?}", offer.name);
    let html: String = js(&page, "document.documentElement.outerHTML").await.unwrap();
    assert!(!html.contains("531847206"), "the value reached the page before it was picked");
    assert_eq!(value(&page, "passport").await, "");

    let (mx, my) = node_centre(&page, &offer).await.unwrap();
    settle_ui().await;
    click_at(&page, mx, my).await.unwrap();
    wait_for(&page, "document.getElementById('passport').value === '531847206'", 20).await.unwrap();
    assert_eq!(value(&page, "email").await, "maya.okafor@mailbox.example", "the other fields keep their values");
    env.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_text_fields_get_a_draft_from_memory_inserted_only_when_confirmed() {
    let (env, _ext, page) = persona_and_page("/demo/dinner.html").await;
    let icon = focus_and_find_icon(&page, "#diet").await;
    let (x, y) = node_centre(&page, &icon).await.unwrap();
    settle_ui().await;
    click_at(&page, x, y).await.unwrap();
    let entry = wait_for_ax(&page, "menuitem", "Draft an answer from my memory", 20).await.unwrap();
    let (mx, my) = node_centre(&page, &entry).await.unwrap();
    settle_ui().await;
    click_at(&page, mx, my).await.unwrap();

    // The draft (the model runs in the engine) shows in the card with the memories it used;
    // nothing is written into the page before the user inserts it.
    let draft = wait_for_ax(&page, "textbox", "Draft", 240).await.unwrap();
    let text = draft.value.to_lowercase();
    assert!(text.contains("vegetarian") && text.contains("nut"), "draft: {:?}", draft.value);
    // The persona's sensitive values (its profile's `sensitive` list) never reach a page.
    let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(crate::util::persona_dir().join("profile.json")).unwrap()).unwrap();
    for secret in profile["sensitive"].as_array().unwrap().iter().filter_map(|v| v.as_str()) {
        assert!(!text.contains(&secret.to_lowercase()), "a sensitive fact ({secret}) in the draft: {:?}", draft.value);
    }
    let texts: Vec<String> = ax_nodes(&page).await.unwrap().into_iter().filter(|n| matches!(n.role.as_str(), "listitem" | "StaticText")).map(|n| n.name).collect();
    assert!(texts.iter().any(|t| t == "Based on:"), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("I'm vegetarian") || t.starts_with("I'm allergic")), "the memories used are listed: {texts:?}");
    assert_eq!(value(&page, "diet").await, "", "written before Insert");
    let hidden: bool = js(&page, "[...document.querySelectorAll('secondself-autofill')].every(h => h.shadowRoot === null)").await.unwrap();
    assert!(hidden, "the card's shadow root must be closed");
    // A synthetic click on the card's host does nothing.
    let _: bool = js(&page, "(document.querySelector('secondself-autofill').dispatchEvent(new MouseEvent('click', {bubbles: true, composed: true})), true)").await.unwrap();
    assert_eq!(value(&page, "diet").await, "");

    eprintln!("draft: {:?}", draft.value);
    secondself::browser::screenshot(&page, &secondself::repo_dir().join("docs/screenshots/autofill-draft.png")).await.unwrap();
    let insert = wait_for_ax(&page, "button", "Insert", 5).await.unwrap();
    let (ix, iy) = node_centre(&page, &insert).await.unwrap();
    settle_ui().await;
    click_at(&page, ix, iy).await.unwrap();
    wait_for(&page, "document.getElementById('diet').value.length > 0", 10).await.unwrap();
    assert_eq!(value(&page, "diet").await, draft.value, "the confirmed draft is what is inserted");
    env.close().await;
}

/// `secondself eval autofill DIR`, the interface the accuracy numbers come from: every page loads
/// (third-party frames blocked, one added by script), each is timed, and the last line is the
/// field accuracy against the stripped `data-moz-autofill-type` labels.
#[test]
fn eval_autofill_scores_every_page_of_a_directory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/autofill/eval");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_secondself"))
        .args(["eval", "autofill"])
        .arg(&dir)
        .args(["--jobs", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}\n{stdout}\n{stderr}", out.status);
    assert!(!stdout.contains("cannot load") && !stdout.contains("did not finish"), "{stdout}\n{stderr}");
    assert!(stdout.contains("(2 forms)"), "both pages timed:\n{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    let (right, all) = last
        .strip_prefix("field accuracy: ")
        .and_then(|r| r.split_once(' '))
        .and_then(|(frac, _)| frac.split_once('/'))
        .map(|(a, b)| (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap()))
        .unwrap_or_else(|| panic!("last line is not the accuracy: {last:?}\n{stdout}"));
    assert_eq!(all, 10, "the 10 labelled fields are scored (the search box has no label):\n{stdout}");
    assert!(right >= 9, "plain English and German forms are classified:\n{stdout}");
}
