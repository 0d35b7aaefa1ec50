//! The loopback variant of the built extension, for the demo and the tests: `dist/extension`
//! hard-linked into another folder, with the chat-site content script also matching
//! `http://127.0.0.1/*`, so the site replicas in `tests/fixtures/sites/` get the ✨ and Critique
//! buttons. The store build in `dist/` never matches loopback (`pack` refuses it).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde_json::Value;

/// The extra match the loopback variant adds.
pub const LOOPBACK_MATCH: &str = "http://127.0.0.1/*";

/// Writes the loopback variant of `src` (normally `dist/extension`) into `dest`, replacing it.
pub fn derive(src: &Path, dest: &Path) -> Result<PathBuf> {
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
    let entry = m["content_scripts"]
        .as_array_mut()
        .and_then(|a| a.iter_mut().find(|cs| cs["js"].as_array().is_some_and(|js| js.iter().any(|j| j == "content/chat-runner.js"))))
        .ok_or_else(|| anyhow!("no content script runs content/chat-runner.js"))?;
    entry["matches"].as_array_mut().context("matches is a list")?.push(LOOPBACK_MATCH.into());
    std::fs::write(dest.join("manifest.json"), serde_json::to_string_pretty(&m)?)?;
    Ok(dest.to_path_buf())
}
