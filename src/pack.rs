//! `secondself pack`: the store-ready zip of the built extension, after checking its manifest.
//!
//! The check refuses a manifest that asks for a permission no script uses, lacks the
//! `'wasm-unsafe-eval'` CSP the engine needs, or misses icons or `_locales`, and a build that
//! carries a test or measurement hook (a harness file, a page-visible `data-secondself-*` mark, a
//! loopback match). The same check runs in the tests.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// For each permission we may request, the code that proves it is used (any one suffices).
const PERMISSION_EVIDENCE: &[(&str, &[&str])] = &[
    ("offscreen", &["chrome.offscreen"]),
    ("sidePanel", &["chrome.sidePanel"]),
    ("storage", &["chrome.storage"]),
    ("contextMenus", &["chrome.contextMenus"]),
    ("scripting", &["chrome.scripting"]),
    ("commands", &["chrome.commands"]),
    ("unlimitedStorage", &["indexedDB", "navigator.storage"]),
];

/// What the manifest check found.
#[derive(Debug)]
pub struct ManifestReport {
    pub permissions: Vec<String>,
    pub csp: String,
    pub icons: Vec<String>,
    pub locales: Vec<String>,
}

/// Checks the unpacked extension in `dir` (see the module doc).
pub fn check_extension(dir: &Path) -> Result<ManifestReport> {
    let text = fs::read_to_string(dir.join("manifest.json")).with_context(|| format!("{} has no manifest.json; run `cargo build`", dir.display()))?;
    let m: serde_json::Value = serde_json::from_str(&text).context("manifest.json is not valid JSON")?;
    if m["manifest_version"] != 3 {
        bail!("manifest_version must be 3");
    }
    if m.get("browser_specific_settings").is_some() {
        check_firefox(&m)?;
    }
    let scripts: String = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "html"))
        .filter_map(|p| fs::read_to_string(p).ok())
        .collect::<Vec<_>>()
        .join("\n");
    let permissions: Vec<String> = m["permissions"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
    for p in &permissions {
        let Some((_, evidence)) = PERMISSION_EVIDENCE.iter().find(|(name, _)| name == p) else {
            bail!("permission `{p}` has no evidence rule in src/pack.rs; add one or drop the permission");
        };
        if !evidence.iter().any(|e| scripts.contains(e)) {
            bail!("permission `{p}` is requested but no script uses it (looked for {evidence:?}); drop it from manifest.json");
        }
    }
    refuse_test_matches(&m)?;
    refuse_hooks(dir)?;
    crate::locales::check(dir)?;
    let csp = m["content_security_policy"]["extension_pages"].as_str().unwrap_or_default().to_string();
    if !csp.contains("'wasm-unsafe-eval'") {
        bail!("the extension-pages CSP lacks 'wasm-unsafe-eval'; the wasm engine cannot start without it");
    }
    let mut icons = Vec::new();
    for size in ["16", "32", "48", "128"] {
        let Some(icon) = m["icons"][size].as_str() else { bail!("manifest.json has no {size}px icon") };
        if !dir.join(icon).is_file() {
            bail!("icon {icon} is missing from the build");
        }
        icons.push(icon.to_string());
    }
    let default_locale = m["default_locale"].as_str().unwrap_or_default();
    let locales: Vec<String> = fs::read_dir(dir.join("_locales"))
        .map(|rd| rd.flatten().filter(|e| e.path().join("messages.json").is_file()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    if default_locale.is_empty() || !locales.iter().any(|l| l == default_locale) {
        bail!("default_locale `{default_locale}` has no _locales/{default_locale}/messages.json");
    }
    Ok(ManifestReport { permissions, csp, icons, locales })
}

/// What the Firefox build must have and must not have: an add-on id, a minimum version, the
/// `data_collection_permissions` declaration Firefox asks of new add-ons (SecondSelf collects
/// nothing: `required: ["none"]`), a background page (Firefox has no extension service workers
/// and no offscreen documents), and the sidebar instead of Chrome's side panel.
fn check_firefox(m: &serde_json::Value) -> Result<()> {
    let gecko = &m["browser_specific_settings"]["gecko"];
    if gecko["id"].as_str().is_none_or(|id| !id.contains('@')) {
        bail!("browser_specific_settings.gecko.id must be an add-on id like name@domain");
    }
    if gecko["strict_min_version"].as_str().is_none() {
        bail!("browser_specific_settings.gecko.strict_min_version is missing");
    }
    if gecko["data_collection_permissions"]["required"] != serde_json::json!(["none"]) {
        bail!("browser_specific_settings.gecko.data_collection_permissions must declare `required: [\"none\"]`: SecondSelf collects nothing");
    }
    for chrome_only in ["side_panel", "minimum_chrome_version"] {
        if m.get(chrome_only).is_some() {
            bail!("the Firefox manifest has Chrome's `{chrome_only}`; extension/browsers/firefox.json must remove it");
        }
    }
    if m["background"]["service_worker"].is_string() || !m["background"]["page"].is_string() {
        bail!("the Firefox manifest needs a background page (and no service worker): Firefox's background page hosts the engine");
    }
    if !m["sidebar_action"]["default_panel"].is_string() {
        bail!("the Firefox manifest has no sidebar_action: the side panel is Firefox's sidebar");
    }
    Ok(())
}

/// Hosts that only the test builds may match (the chat-site replicas are served there).
const TEST_ONLY_HOSTS: &[&str] = &["127.0.0.1", "localhost", "[::1]"];

/// Refuses a manifest whose content scripts, host permissions or web-accessible resources match
/// a loopback host: those patterns belong to the E2E tests' derived copy of the extension only.
fn refuse_test_matches(m: &serde_json::Value) -> Result<()> {
    let mut patterns: Vec<&str> = Vec::new();
    for cs in m["content_scripts"].as_array().into_iter().flatten() {
        patterns.extend(cs["matches"].as_array().into_iter().flatten().filter_map(|v| v.as_str()));
    }
    patterns.extend(m["host_permissions"].as_array().into_iter().flatten().filter_map(|v| v.as_str()));
    for war in m["web_accessible_resources"].as_array().into_iter().flatten() {
        patterns.extend(war["matches"].as_array().into_iter().flatten().filter_map(|v| v.as_str()));
    }
    for p in patterns {
        let host = p.split("://").nth(1).unwrap_or(p).split(['/', ':']).next().unwrap_or("");
        let host = if p.contains("[::1]") { "[::1]" } else { host };
        if TEST_ONLY_HOSTS.contains(&host) {
            bail!("manifest.json matches the test-only host in `{p}`; loopback matches belong to the E2E tests' copy of the extension, never to a build for the store");
        }
    }
    Ok(())
}

/// What only a test or measurement build may carry: the harness marker (every file of
/// `src/harness/` has it) and page-visible marks (`data-secondself-*` attributes, which only the
/// eval harness writes, and which would tell a page that SecondSelf is there and what it thinks).
const HOOK_SIGNS: &[&str] = &[crate::test_build::HARNESS_MARKER, "data-secondself-"];

/// Refuses a build with a test or measurement hook in any of its files (see [`HOOK_SIGNS`]).
fn refuse_hooks(dir: &Path) -> Result<()> {
    for path in walk(dir) {
        let Ok(bytes) = fs::read(&path) else { continue };
        // The model and the engine are binary: only text files can carry a script hook.
        if path.extension().is_some_and(|e| e == "gguf" || e == "wasm" || e == "png") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Some(sign) = HOOK_SIGNS.iter().find(|s| text.contains(*s)) {
            let rel = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
            bail!("{rel} carries a test or measurement hook (`{sign}`); the store build must have none: build from a clean `cargo build`, not from a test-only build (src/test_build.rs)");
        }
    }
    Ok(())
}

/// Checks the extension in `dir` and zips it to `out`. Returns the number of files written.
pub fn pack(dir: &Path, out: &Path) -> Result<usize> {
    check_extension(dir)?;
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = out.with_extension("zip.part");
    let file = File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let files = walk(dir);
    for path in &files {
        let rel = path.strip_prefix(dir).expect("walk yields children").to_string_lossy().replace('\\', "/");
        // Already-compressed payloads (model, images, wasm) are stored; text is deflated.
        let stored = matches!(path.extension().and_then(|e| e.to_str()), Some("gguf" | "png" | "wasm"));
        let method = if stored { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method).large_file(false);
        zip.start_file(rel, opts)?;
        let mut f = File::open(path)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            zip.write_all(&buf[..n])?;
        }
    }
    zip.finish()?;
    fs::rename(&tmp, out)?;
    Ok(files.len())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_matches_are_refused_real_sites_are_not() {
        let ok = serde_json::json!({"content_scripts": [{"matches": ["https://chatgpt.com/*", "http://*/*"]}]});
        assert!(refuse_test_matches(&ok).is_ok());
        for p in ["http://127.0.0.1/*", "http://localhost:8080/*", "http://[::1]/*"] {
            let bad = serde_json::json!({"content_scripts": [{"matches": ["https://claude.ai/*", p]}]});
            let err = refuse_test_matches(&bad).unwrap_err().to_string();
            assert!(err.contains("test-only host"), "{p}: {err}");
        }
        let bad = serde_json::json!({"host_permissions": ["http://127.0.0.1/*"]});
        assert!(refuse_test_matches(&bad).is_err());
    }
}
