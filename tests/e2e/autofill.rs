//! Autofill in a real browser: the demo checkout filled from the persona's memory (values
//! checked, sensitive fields left alone, undo restores), a hostile page whose hidden, invisible,
//! disabled and read-only traps get nothing, and a React-style controlled form that keeps the
//! filled values after its framework re-renders.

use crate::util::{import_persona_requests, js, to_content_script, Env};

async fn value(page: &chromiumoxide::Page, id: &str) -> String {
    js(page, &format!("document.getElementById({}).value", serde_json::to_string(id).unwrap())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_is_filled_from_memory_and_undo_restores_it() {
    let env = Env::start().await.unwrap();
    let ext = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    import_persona_requests(&ext).await.unwrap();
    let page = env.fixture_page("/demo/checkout.html").await.unwrap();
    let done = to_content_script(&ext, &env.server.url("/demo/checkout.html"), "content.autofill").await.unwrap();
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
    let done = to_content_script(&ext, &env.server.url("/autofill/attack.html"), "content.autofill").await.unwrap();
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
    let done = to_content_script(&ext, &env.server.url("/autofill/controlled.html"), "content.autofill").await.unwrap();
    assert_eq!(done["filled"], 2, "{done}");
    let _: bool = js(&page, "(window.rerender(), true)").await.unwrap();
    assert_eq!(value(&page, "name").await, "Maya Okafor");
    assert_eq!(value(&page, "email").await, "maya.okafor@mailbox.example");
    env.close().await;
}
