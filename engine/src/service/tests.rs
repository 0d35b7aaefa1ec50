//! The protocol served natively, as the extension sends it (JSON requests).

use super::*;
use crate::memory::native::{tests::temp_dir, NativeStore};

fn request(json: &str) -> Request {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn reply(service: &Service<NativeHost>, json: &str, from_page: bool) -> Result<Reply, EngineError> {
    match pollster::block_on(service.serve(request(json), from_page, &|_| {})) {
        Served::Reply(r) => r,
        Served::Elsewhere(r) => panic!("not served: {}", kind_of(&r)),
    }
}

fn import(service: &Service<NativeHost>, name: &str, text: &str) {
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD.encode(text);
    let r = reply(service, &format!(r#"{{"kind":"memory.import","name":"{name}","data":"{data}"}}"#), false).unwrap();
    assert!(matches!(r, Reply::MemoryImported { outcome: ImportOutcome::Imported { .. } }), "{r:?}");
}

const NOW: Timestamp = 1_760_000_000;

#[test]
fn pages_get_task_answers_never_memory() {
    let mut store = NativeStore::open(temp_dir("service-page")).unwrap();
    let service = Service::new(NativeHost::new(&mut store, NOW));
    for json in [r#"{"kind":"memory.overview"}"#, r#"{"kind":"memory.search","query":"address","k":5}"#, r#"{"kind":"memory.export"}"#, r#"{"kind":"chat.ask","question":"Where do I live?"}"#] {
        assert!(matches!(reply(&service, json, true), Err(EngineError::Forbidden(_))), "{json}");
    }
    assert!(reply(&service, r#"{"kind":"memory.overview"}"#, false).is_ok());
}

#[test]
fn an_imported_note_answers_with_its_source() {
    let mut store = NativeStore::open(temp_dir("service-ask")).unwrap();
    let service = Service::new(NativeHost::new(&mut store, NOW));
    import(&service, "notes/2025-03-02-pottery.md", "# Pottery\nThe pottery course starts on 14 April at the community hall, Mondays 18:00.\n");
    let r = reply(&service, r#"{"kind":"chat.ask","question":"When does the pottery course start?"}"#, false).unwrap();
    let Reply::ChatAnswered { answer, .. } = r else { panic!("{r:?}") };
    assert!(answer.text.contains("14 April"), "{}", answer.text);
    assert!(answer.citations.iter().any(|c| c.source.contains("pottery")), "{:?}", answer.citations);
    // Nothing in memory answers this one.
    let Ok(Reply::ChatAnswered { answer, .. }) = reply(&service, r#"{"kind":"chat.ask","question":"What is my dentist's name?"}"#, false) else { panic!() };
    assert!(answer.citations.is_empty(), "{}", answer.text);
}

/// A note with no date of its own was not written on the day it was imported: "when" of a
/// thing it tells without a date is not answered with that day (invented note).
#[test]
fn an_undated_note_is_not_dated_by_its_import() {
    let mut store = NativeStore::open(temp_dir("service-undated")).unwrap();
    let service = Service::new(NativeHost::new(&mut store, NOW));
    import(&service, "bells.md", "# Bells\nI joined the bell-ringing band at St Aldhelm with my neighbour Bram.\n");
    let Ok(Reply::ChatAnswered { answer, .. }) = reply(&service, r#"{"kind":"chat.ask","question":"When did I join the bell-ringing band?"}"#, false) else { panic!() };
    let today = crate::text::relative::render_day(NOW, "en");
    assert!(!answer.text.contains(&today), "{}", answer.text);
}

#[test]
fn a_value_the_user_pins_reaches_the_next_form() {
    let mut store = NativeStore::open(temp_dir("service-pin")).unwrap();
    let service = Service::new(NativeHost::new(&mut store, NOW));
    let form = r#"{"kind":"autofill.classify","fields":[{"index":0,"tag":"input","type":"email","name":"email","label":"E-mail"}]}"#;
    let fills = |r: Result<Reply, EngineError>| match r.unwrap() {
        Reply::AutofillPlan { fills, .. } => fills.into_iter().map(|f| f.value).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    reply(&service, r#"{"kind":"memory.pin","key":"email","value":"ana.lind@post.example"}"#, false).unwrap();
    assert_eq!(fills(reply(&service, form, true)), vec!["ana.lind@post.example".to_string()]);
    // The facts for pages are cached between forms, and dropped when memory changes.
    reply(&service, r#"{"kind":"memory.pin","key":"email","value":"ana@nytt.example"}"#, false).unwrap();
    assert_eq!(fills(reply(&service, form, true)), vec!["ana@nytt.example".to_string()]);
}

#[test]
fn platform_requests_go_back_to_the_host() {
    let mut store = NativeStore::open(temp_dir("service-else")).unwrap();
    let service = Service::new(NativeHost::new(&mut store, NOW));
    for json in [r#"{"kind":"model.status"}"#, r#"{"kind":"train.status"}"#, r#"{"kind":"engine.ping"}"#] {
        assert!(matches!(pollster::block_on(service.serve(request(json), false, &|_| {})), Served::Elsewhere(_)), "{json}");
    }
}
