//! End-to-end tests: real headless Chromium, the real extension from `dist/extension`, fixtures
//! served on 127.0.0.1. One module per area; `util` launches the browser.

#[path = "e2e/util.rs"]
mod util;

/// Service worker, offscreen engine, side panel, content-script isolation.
#[path = "e2e/foundation.rs"]
mod foundation;

/// Import through the side panel, persistence, backup, isolation, atomicity.
#[path = "e2e/memory.rs"]
mod memory;

/// Chat-site replicas: ✨ Enhance, Insert/Undo through each editor, Critique, per-site switch.
#[path = "e2e/chat_sites.rs"]
mod chat_sites;

/// Autofill from memory on the demo checkout, a hostile page, controlled inputs; the inline icon
/// and menu, "never on this site", sensitive facts only when picked.
#[path = "e2e/autofill.rs"]
mod autofill;

/// The model in the extension: WebGPU and CPU against the reference, the side-panel chat.
#[path = "e2e/model.rs"]
mod model;

/// The attack suite: pages that try to take the user's memory (docs/SECURITY.md).
#[path = "e2e/security.rs"]
mod security;

/// Training in the extension: progress, pause, restart and resume, chat with the adapter.
#[path = "e2e/training.rs"]
mod training;

/// The core flows in real Firefox (geckodriver), from `dist/firefox`.
#[path = "e2e/firefox.rs"]
mod firefox;

/// axe-core audit of the side panel's views and its actions from the keyboard.
#[path = "e2e/accessibility.rs"]
mod accessibility;
