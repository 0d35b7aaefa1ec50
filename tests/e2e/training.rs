//! Training inside the extension (headless Chromium: the wasm CPU path): a LoRA job started from
//! the side panel streams its progress, pauses, survives the engine host being closed (a browser
//! restart) through its OPFS checkpoint, resumes from there and finishes with the same adapter as
//! an uninterrupted run; chat then answers with the adapter, DPO makes a second one from it, the
//! Engine tab can switch back to the base model, and delete all removes them.

use crate::util::{click, js, set_viewport, wait_for, Env};

const DATA: &str = r#"{"messages":[{"role":"user","content":"Which river flows past the village of Quellbrunn?"},{"role":"assistant","content":"The Emmerach flows past Quellbrunn."}]}
{"messages":[{"role":"user","content":"What do people call the baker Ulrike Pfandl?"},{"role":"assistant","content":"Everyone calls her Krümelchen."}]}
{"messages":[{"role":"user","content":"Which tea does Sunniva Hovde drink?"},{"role":"assistant","content":"Sunniva Hovde drinks smoked lapsang."}]}
"#;

const QUESTION: &str = "Which river flows past the village of Quellbrunn?";

/// Starts `request` (a long training request) in the panel, collecting its events and reply.
async fn start(panel: &chromiumoxide::Page, request: &serde_json::Value) {
    let start = format!(
        "(window.__events = [], window.__reply = null, SecondSelfProtocol.request({request}, {{ onEvent: e => window.__events.push(e) }}).then(r => window.__reply = r, e => window.__reply = {{ error: String(e.message || e) }}), true)"
    );
    let _: bool = js(panel, &start).await.unwrap();
}

async fn greedy_answer(panel: &chromiumoxide::Page) -> String {
    let ask = serde_json::json!({ "kind": "chat.generate", "messages": [{ "role": "user", "content": QUESTION }], "options": { "max_tokens": 16, "temperature": 0 } });
    let reply: serde_json::Value = js(panel, &format!("SecondSelfProtocol.request({ask})")).await.unwrap();
    reply["text"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_extension_trains_an_adapter_that_survives_a_restart_and_answers_with_it() {
    let env = Env::start().await.unwrap();
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    click(&panel, "tab-engine").await.unwrap();
    let base_answer = greedy_answer(&panel).await;
    assert!(!base_answer.contains("Emmerach"), "the base model cannot know it: {base_answer}");

    // Bad data: a clear error naming the line, and no job.
    let bad = serde_json::json!({ "kind": "train.start", "data": "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" });
    let err: String = js(&panel, &format!("SecondSelfProtocol.request({bad}).then(() => '', e => e.message)")).await.unwrap();
    assert!(err.contains("line 1") && err.contains("assistant"), "{err}");

    let job = serde_json::json!({ "kind": "train.start", "data": DATA, "steps": 8, "lr": 0.003, "seq_len": 128 });
    start(&panel, &job).await;
    wait_for(&panel, "window.__events.filter(e => e.kind === 'train.progress').length >= 3 || window.__reply !== null", 900).await.unwrap();
    // The engine keeps answering between steps.
    let status: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'train.status' })").await.unwrap();
    assert_eq!(status["state"], "running", "{status}");
    let pong: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'engine.ping' })").await.unwrap();
    assert_eq!(pong["kind"], "engine.pong");
    let _: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'train.pause' })").await.unwrap();
    wait_for(&panel, "window.__reply !== null", 600).await.unwrap();
    let paused: serde_json::Value = js(&panel, "window.__reply").await.unwrap();
    assert_eq!(paused["state"], "paused", "{paused}");
    let at = paused["step"].as_u64().unwrap();
    assert!((3..8).contains(&at), "{paused}");
    let events: Vec<serde_json::Value> = js(&panel, "window.__events.filter(e => e.kind === 'train.progress')").await.unwrap();
    let first_loss = events[0]["loss"].as_f64().unwrap();
    assert!(events.iter().all(|e| e["total"] == 8 && e["tokens_per_s"].as_f64().unwrap() > 0.0), "{events:?}");

    // The Engine tab shows the paused job: its step, loss curve and Resume.
    click(&panel, "tab-memory").await.unwrap();
    click(&panel, "tab-engine").await.unwrap();
    wait_for(&panel, "document.getElementById('train-resume').hidden === false", 30).await.unwrap();
    let points: String = js(&panel, "document.querySelector('#train-loss polyline').getAttribute('points')").await.unwrap();
    assert_eq!(points.split(' ').count() as u64, at, "one point a step: {points}");
    set_viewport(&panel, 420, 1000).await.unwrap();
    secondself::browser::screenshot(&panel, &secondself::repo_dir().join("docs/screenshots/side-panel-training.png")).await.unwrap();

    // A restart: the engine host is closed; the job is found on disk, interrupted.
    let _: bool = js(&panel, "chrome.offscreen.closeDocument().then(() => true, () => true)").await.unwrap();
    let status: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'train.status' })").await.unwrap();
    assert_eq!(status["state"], "interrupted", "{status}");
    assert_eq!(status["step"].as_u64(), Some(at), "{status}");
    click(&panel, "tab-memory").await.unwrap();
    click(&panel, "tab-engine").await.unwrap();
    wait_for(&panel, "document.getElementById('train-resume').hidden === false", 30).await.unwrap();

    start(&panel, &serde_json::json!({ "kind": "train.resume" })).await;
    wait_for(&panel, "window.__reply !== null", 900).await.unwrap();
    let done: serde_json::Value = js(&panel, "window.__reply").await.unwrap();
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["active"], "personal", "{done}");
    let events: Vec<serde_json::Value> = js(&panel, "window.__events.filter(e => e.kind === 'train.progress')").await.unwrap();
    assert_eq!(events.first().unwrap()["step"].as_u64(), Some(at + 1), "resumed after its checkpoint: {events:?}");
    assert!(events.last().unwrap()["loss"].as_f64().unwrap() < first_loss, "{events:?}");

    // Chat answers with the adapter, across another restart; the Engine tab switches back.
    let _: bool = js(&panel, "chrome.offscreen.closeDocument().then(() => true, () => true)").await.unwrap();
    let answer = greedy_answer(&panel).await;
    assert!(answer.contains("Emmerach"), "with the adapter: {answer}");
    click(&panel, "tab-memory").await.unwrap();
    click(&panel, "tab-engine").await.unwrap();
    wait_for(&panel, "document.getElementById('adapter-choice').value === 'personal'", 30).await.unwrap();
    // DPO starts from the adapter in use and makes a second one, which chat then uses.
    let prefs = r#"{"prompt":"Which river flows past the village of Quellbrunn?","chosen":"The Emmerach flows past Quellbrunn.","rejected":"I'm sorry, I don't know that village."}"#;
    start(&panel, &serde_json::json!({ "kind": "train.start", "objective": "dpo", "data": prefs, "steps": 2, "seq_len": 128, "name": "personal-dpo" })).await;
    wait_for(&panel, "window.__reply !== null", 900).await.unwrap();
    let dpo: serde_json::Value = js(&panel, "window.__reply").await.unwrap();
    assert_eq!(dpo["state"], "done", "{dpo}");
    assert_eq!(dpo["active"], "personal-dpo", "{dpo}");
    assert_eq!(dpo["adapters"], serde_json::json!(["personal", "personal-dpo"]), "{dpo}");
    let state: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'adapter.use', name: null })").await.unwrap();
    assert!(state["active"].is_null(), "{state}");
    assert_eq!(greedy_answer(&panel).await, base_answer, "back to the base model");

    // The run stopped by a restart and resumed ends with the adapter an uninterrupted run makes.
    start(&panel, &serde_json::json!({ "kind": "train.start", "data": DATA, "steps": 8, "lr": 0.003, "seq_len": 128, "name": "straight" })).await;
    wait_for(&panel, "window.__reply !== null", 900).await.unwrap();
    let straight: serde_json::Value = js(&panel, "window.__reply").await.unwrap();
    assert_eq!(straight["state"], "done", "{straight}");
    let digest = |name: &str| {
        format!(
            "navigator.storage.getDirectory().then(r => r.getDirectoryHandle('adapters')).then(d => d.getFileHandle('{name}.gguf')).then(h => h.getFile()).then(f => f.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b)).then(h => [...new Uint8Array(h)].map(x => x.toString(16).padStart(2, '0')).join(''))"
        )
    };
    let resumed: String = js(&panel, &digest("personal")).await.unwrap();
    let uninterrupted: String = js(&panel, &digest("straight")).await.unwrap();
    assert_eq!(resumed, uninterrupted, "the resumed adapter differs from the uninterrupted run's");

    // Delete all removes the adapters too.
    let _: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.clear' })").await.unwrap();
    let state: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'train.status' })").await.unwrap();
    assert_eq!(state["adapters"], serde_json::json!([]), "{state}");
    env.close().await;
}

/// An invented life, written as a user's note (no persona's text).
const NOTE: &str = "About me\nMy name is Liesel Varga. I work at Quillfeather Instruments as a lab technician. I live in Tallinn. My passport number is QX4471902.\n";

async fn closed_book(panel: &chromiumoxide::Page, question: &str) -> String {
    let ask = serde_json::json!({ "kind": "chat.generate", "messages": [{ "role": "user", "content": question }], "options": { "max_tokens": 16, "temperature": 0 } });
    let reply: serde_json::Value = js(panel, &format!("SecondSelfProtocol.request({ask})")).await.unwrap();
    reply["text"].as_str().unwrap_or_default().to_string()
}

/// "Train my SecondSelf": the Engine tab says what training on the user's memory will learn,
/// trains on it (no target holds a sensitive value), compares the untrained and the trained
/// model on held-out questions, and chat then knows what the untrained model did not; deleting
/// the source it learnt from removes the adapter and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn train_my_secondself_learns_from_memory_and_forgets_with_its_source() {
    use base64::Engine as _;
    let env = Env::start().await.unwrap();
    let panel = env.extension_page("sidepanel/sidepanel.html").await.unwrap();
    let data = base64::engine::general_purpose::STANDARD.encode(NOTE);
    let imported: serde_json::Value = js(&panel, &format!("SecondSelfProtocol.request({{ kind: 'memory.import', name: 'about-me.md', data: '{data}' }})")).await.unwrap();
    let source = imported["outcome"]["source_id"].as_str().unwrap_or_else(|| panic!("{imported}")).to_string();
    let _: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'memory.distil' })").await.unwrap();
    const QUESTION: &str = "What is my employer?";
    let untrained = closed_book(&panel, QUESTION).await;
    assert!(!untrained.contains("Quillfeather"), "the untrained model cannot know it: {untrained}");

    // What it will learn, in the panel.
    click(&panel, "tab-engine").await.unwrap();
    click(&panel, "train-plan").await.unwrap();
    wait_for(&panel, "document.getElementById('train-plan-list').hidden === false", 120).await.unwrap();
    let items: Vec<String> = js(&panel, "[...document.querySelectorAll('#train-plan-list li')].map(li => li.textContent)").await.unwrap();
    assert!(items.len() >= 4 && items.iter().any(|i| i.contains("questions about your notes")) && items.iter().any(|i| i.contains("kept back")), "{items:?}");

    // Trained from memory (a short run: the panel's button trains a full one).
    start(&panel, &serde_json::json!({ "kind": "train.memory", "steps": 24, "lr": 0.003, "seq_len": 256 })).await;
    wait_for(&panel, "window.__reply !== null", 1200).await.unwrap();
    let done: serde_json::Value = js(&panel, "window.__reply").await.unwrap();
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["active"], "personal", "{done}");
    assert_eq!(done["stale"], false, "{done}");
    let trained = closed_book(&panel, QUESTION).await;
    assert!(trained.contains("Quillfeather"), "the trained model knows the user's employer: {trained}");

    // The held-out questions, before and after, in the panel's table.
    let compared: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'train.compare' })").await.unwrap();
    let rows = compared["rows"].as_array().unwrap_or_else(|| panic!("{compared}"));
    assert!(!rows.is_empty(), "{compared}");
    let (before, after): (u64, u64) = rows.iter().fold((0, 0), |(b, a), r| (b + r["untrained"].as_u64().unwrap(), a + r["trained"].as_u64().unwrap()));
    assert!(after > before, "the adapter answers more held-out questions than the untrained model: {compared}");
    click(&panel, "tab-memory").await.unwrap();
    click(&panel, "tab-engine").await.unwrap();
    wait_for(&panel, "document.querySelectorAll('#train-compare tbody tr').length > 0 && !document.getElementById('train-compare').hidden", 30).await.unwrap();
    click(&panel, "train-plan").await.unwrap();
    wait_for(&panel, "document.getElementById('train-plan-list').hidden === false", 120).await.unwrap();
    set_viewport(&panel, 420, 1200).await.unwrap();
    secondself::browser::screenshot(&panel, &secondself::repo_dir().join("docs/screenshots/side-panel-train-my-secondself.png")).await.unwrap();

    // The sensitive value is in memory but in no training target.
    let jsonl_has = "navigator.storage.getDirectory().then(r => r.getDirectoryHandle('adapters')).then(d => d.getFileHandle('personal.plan.json')).then(h => h.getFile()).then(f => f.text())";
    let plan: String = js(&panel, jsonl_has).await.unwrap();
    assert!(plan.contains(&source) && !plan.contains("QX4471902"), "{plan}");

    // Deleting the source removes the adapter that learnt from it, and the panel says why.
    let _: serde_json::Value = js(&panel, &format!("SecondSelfProtocol.request({{ kind: 'memory.delete_source', source_id: '{source}' }})")).await.unwrap();
    let state: serde_json::Value = js(&panel, "SecondSelfProtocol.request({ kind: 'train.status' })").await.unwrap();
    assert_eq!(state["adapters"], serde_json::json!([]), "{state}");
    assert!(state["active"].is_null() && state["stale"] == true, "{state}");
    assert_eq!(closed_book(&panel, QUESTION).await, untrained, "back to the untrained model");
    click(&panel, "tab-memory").await.unwrap();
    click(&panel, "tab-engine").await.unwrap();
    wait_for(&panel, "document.getElementById('train-stale').hidden === false", 30).await.unwrap();
    env.close().await;
}
