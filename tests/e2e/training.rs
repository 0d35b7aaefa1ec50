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
