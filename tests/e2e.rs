//! End-to-end tests: real headless Chromium, the real extension from `dist/extension`, fixtures
//! served on 127.0.0.1. One module per area; `util` launches the browser.

#[path = "e2e/util.rs"]
mod util;

/// Service worker, offscreen engine, side panel, content-script isolation.
#[path = "e2e/foundation.rs"]
mod foundation;
