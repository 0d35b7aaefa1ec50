//! The test-only builds derived from `dist/extension`, which is the build for the store and
//! carries no test or measurement hook (`pack` refuses one that does).
//!
//! - [`derive`]: the loopback variant for the demo and the E2E tests: `dist/extension` hard-linked
//!   into another folder, with the chat-site content script also matching `http://127.0.0.1/*`, so
//!   the site replicas in `tests/fixtures/sites/` get the ✨ and Critique buttons.
//! - [`derive_harness`]: the same, plus the measurement harness of `src/harness/`: the content
//!   script `secondself eval autofill` drives (it classifies whole pages and marks each field's
//!   prediction on the page) and the model benchmark page of `secondself bench model`.
//! - [`derive_audit`]: the loopback variant whose injected UI has open shadow roots, so an
//!   accessibility audit (axe-core) can read the autofill menu and the chat-site cards; marked as
//!   a harness file, so `pack` refuses it.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde_json::Value;

/// The extra match the loopback variant adds.
pub const LOOPBACK_MATCH: &str = "http://127.0.0.1/*";

/// What marks a file as part of the test harness; `pack` refuses a build with one.
pub const HARNESS_MARKER: &str = "SECONDSELF-TEST-HARNESS";

/// The harness files, by their path in the derived build.
const HARNESS_FILES: &[(&str, &str)] = &[
    (AUTOFILL_EVAL, include_str!("harness/autofill-eval.js")),
    ("bench/bench.html", include_str!("harness/bench/bench.html")),
    ("bench/bench.js", include_str!("harness/bench/bench.js")),
];

/// The eval content script's path in the harness build.
const AUTOFILL_EVAL: &str = "harness/autofill-eval.js";

/// Writes the loopback variant of `src` (normally `dist/extension`) into `dest`, replacing it.
pub fn derive(src: &Path, dest: &Path) -> Result<PathBuf> {
    derive_with(src, dest, false)
}

/// Writes the loopback variant of `src` with the measurement harness into `dest`, replacing it.
pub fn derive_harness(src: &Path, dest: &Path) -> Result<PathBuf> {
    derive_with(src, dest, true)
}

/// Writes the loopback variant of `src` whose injected UI opens its shadow roots (for an
/// accessibility audit from the page) into `dest`, replacing it.
pub fn derive_audit(src: &Path, dest: &Path) -> Result<PathBuf> {
    derive_with(src, dest, false)?;
    let guard = dest.join("content/ui-guard.js");
    let text = std::fs::read_to_string(&guard)?;
    let closed = r#"attachShadow({ mode: "closed" })"#;
    anyhow::ensure!(text.contains(closed), "content/ui-guard.js no longer attaches closed shadow roots as the audit build expects");
    // Written anew (not through the hard link): the store build keeps its closed roots.
    std::fs::remove_file(&guard)?;
    std::fs::write(&guard, format!("/* {HARNESS_MARKER}: accessibility audit build, open shadow roots */\n{}", text.replace(closed, r#"attachShadow({ mode: "open" })"#)))?;
    Ok(dest.to_path_buf())
}

/// A harness build in a folder of its own that lives as long as the value (evals and benches run
/// side by side with the tests, each with its own copy).
pub struct HarnessBuild {
    dir: tempfile::TempDir,
}

impl HarnessBuild {
    /// Derives the harness build of `src` into a fresh temporary folder under `target/`.
    pub fn new(src: &Path) -> Result<HarnessBuild> {
        let parent = crate::repo_dir().join("target").join("harness");
        std::fs::create_dir_all(&parent)?;
        let dir = tempfile::Builder::new().prefix("extension-").tempdir_in(&parent)?;
        derive_harness(src, dir.path())?;
        Ok(HarnessBuild { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn derive_with(src: &Path, dest: &Path, harness: bool) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dest);
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(src)?;
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let to = dest.join(rel);
            std::fs::create_dir_all(to.parent().context("a file has a parent")?)?;
            if rel == Path::new("manifest.json") {
                continue;
            }
            if std::fs::hard_link(&p, &to).is_err() {
                std::fs::copy(&p, &to)?;
            }
        }
    }
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(src.join("manifest.json"))?)?;
    content_script_running(&mut m, "content/chat-runner.js")?["matches"].as_array_mut().context("matches is a list")?.push(LOOPBACK_MATCH.into());
    if harness {
        for (rel, text) in HARNESS_FILES {
            let to = dest.join(rel);
            std::fs::create_dir_all(to.parent().context("a file has a parent")?)?;
            std::fs::write(&to, text)?;
        }
        content_script_running(&mut m, "content/autofill.js")?["js"].as_array_mut().context("js is a list")?.push(AUTOFILL_EVAL.into());
    }
    std::fs::write(dest.join("manifest.json"), serde_json::to_string_pretty(&m)?)?;
    Ok(dest.to_path_buf())
}

/// The manifest's content-script entry that runs `script`.
fn content_script_running<'a>(m: &'a mut Value, script: &str) -> Result<&'a mut Value> {
    m["content_scripts"]
        .as_array_mut()
        .and_then(|a| a.iter_mut().find(|cs| cs["js"].as_array().is_some_and(|js| js.iter().any(|j| j == script))))
        .ok_or_else(|| anyhow!("no content script runs {script}"))
}
