//! `secondself pack`: the zip is loadable and its manifest asks only for what is used.

use std::io::Read;

#[test]
fn pack_writes_a_store_ready_zip() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("secondself.zip");
    let n = secondself::pack::pack(&secondself::extension_dir(), &out).unwrap();
    assert!(n > 10, "only {n} files packed");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut manifest = String::new();
    zip.by_name("manifest.json").unwrap().read_to_string(&mut manifest).unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert!(m["content_security_policy"]["extension_pages"].as_str().unwrap().contains("'wasm-unsafe-eval'"));
    for size in ["16", "32", "48", "128"] {
        let icon = m["icons"][size].as_str().unwrap();
        let mut png = Vec::new();
        zip.by_name(icon).unwrap().read_to_end(&mut png).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{icon} is a PNG");
    }
    assert!(zip.by_name("_locales/en/messages.json").is_ok());
    assert!(zip.by_name("engine/secondself_engine_bg.wasm").is_ok(), "the wasm engine is packed");
    assert!(zip.by_name("background/router.js").is_ok());
}

#[test]
fn manifest_check_refuses_unused_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let src = secondself::extension_dir();
    for f in ["manifest.json", "background/router.js", "background/chrome.js", "content/chat-runner.js"] {
        let dest = dir.path().join(f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(src.join(f), dest).unwrap();
    }
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap()).unwrap();
    m["permissions"].as_array_mut().unwrap().push("scripting".into());
    std::fs::write(dir.path().join("manifest.json"), m.to_string()).unwrap();
    let err = secondself::pack::check_extension(dir.path()).unwrap_err().to_string();
    assert!(err.contains("scripting"), "{err}");
}

#[test]
fn protocol_js_lists_the_engine_kinds() {
    let js = std::fs::read_to_string(secondself::repo_dir().join("extension/protocol.js")).unwrap();
    let line = js.lines().find(|l| l.trim_start().starts_with("const KINDS = [")).expect("protocol.js declares KINDS");
    let list = &line[line.find('[').unwrap()..=line.rfind(']').unwrap()];
    let kinds: Vec<String> = serde_json::from_str(list).unwrap();
    assert_eq!(kinds, secondself_engine::protocol::KINDS, "extension/protocol.js and engine/src/protocol.rs disagree");
}

/// The store zip carries no test or measurement hook: no harness file, no bench page, no
/// page-visible `data-secondself-*` mark, no eval mode in the content scripts.
#[test]
fn the_shipped_zip_has_no_eval_or_bench_hooks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("secondself.zip");
    secondself::pack::pack(&secondself::extension_dir(), &out).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    assert!(names.iter().any(|n| n == "content/autofill.js"), "{names:?}");
    for name in &names {
        assert!(!name.starts_with("bench/") && !name.starts_with("harness/"), "{name} is a measurement page");
        if !(name.ends_with(".js") || name.ends_with(".html") || name.ends_with(".json")) {
            continue;
        }
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        for sign in [secondself::test_build::HARNESS_MARKER, "data-secondself-", "secondself-eval", "SecondSelfHarness"] {
            assert!(!text.contains(sign), "{name} carries `{sign}`");
        }
    }
}

/// `pack` refuses the test-only harness build (and so any build a hook was copied into).
#[test]
fn pack_refuses_a_build_with_the_eval_harness() {
    let build = secondself::test_build::HarnessBuild::new(&secondself::extension_dir()).unwrap();
    assert!(build.path().join("harness/autofill-eval.js").is_file());
    let err = secondself::pack::check_extension(build.path()).unwrap_err().to_string();
    assert!(err.contains("hook") || err.contains("test-only host"), "{err}");
    // Only the hook, not the loopback match, is left: still refused.
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(build.path().join("manifest.json")).unwrap()).unwrap();
    for cs in m["content_scripts"].as_array_mut().unwrap() {
        cs["matches"].as_array_mut().unwrap().retain(|p| p != secondself::test_build::LOOPBACK_MATCH);
    }
    std::fs::remove_file(build.path().join("manifest.json")).unwrap();
    std::fs::write(build.path().join("manifest.json"), m.to_string()).unwrap();
    let err = secondself::pack::check_extension(build.path()).unwrap_err().to_string();
    assert!(err.contains("SECONDSELF-TEST-HARNESS"), "{err}");
    // The audit build (open shadow roots) is refused too, and the store build keeps its closed ones.
    let audit = tempfile::tempdir().unwrap();
    secondself::test_build::derive_audit(&secondself::extension_dir(), audit.path()).unwrap();
    assert!(secondself::pack::check_extension(audit.path()).is_err());
    let shipped = std::fs::read_to_string(secondself::extension_dir().join("content/ui-guard.js")).unwrap();
    assert!(shipped.contains(r#"attachShadow({ mode: "closed" })"#) && !shipped.contains(r#"mode: "open""#));
}

#[test]
fn protocol_js_import_limit_is_the_engines() {
    let js = std::fs::read_to_string(secondself::repo_dir().join("extension/protocol.js")).unwrap();
    let line = js.lines().find(|l| l.trim_start().starts_with("const MAX_IMPORT_BYTES = ")).expect("protocol.js declares MAX_IMPORT_BYTES");
    let n: u64 = line.trim().trim_start_matches("const MAX_IMPORT_BYTES = ").trim_end_matches(';').parse().unwrap();
    assert_eq!(n, secondself_engine::memory::import::MAX_FILE_BYTES);
}

/// Firefox's zip: the same files (no copied JS), its own manifest (background page, sidebar,
/// gecko id, the "collects nothing" declaration), no hooks; and the check refuses a Firefox
/// manifest that lost the declaration or kept Chrome's side panel.
#[test]
fn pack_writes_the_firefox_zip_and_checks_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("secondself-firefox.zip");
    let n = secondself::pack::pack(&secondself::firefox_dir(), &out).unwrap();
    assert!(n > 10, "only {n} files packed");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut manifest = String::new();
    zip.by_name("manifest.json").unwrap().read_to_string(&mut manifest).unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m["background"]["page"], "background/background.html");
    assert!(m["background"].get("service_worker").is_none() && m.get("side_panel").is_none(), "{m}");
    assert_eq!(m["browser_specific_settings"]["gecko"]["data_collection_permissions"]["required"], serde_json::json!(["none"]));
    assert!(!m["permissions"].to_string().contains("offscreen"), "{m}");
    assert!(zip.by_name("background/background.html").is_ok() && zip.by_name("offscreen/offscreen.html").is_err());
    // The same scripts as Chrome's build, byte for byte.
    for f in ["background/router.js", "offscreen/engine-host.js", "content/autofill.js", "sidepanel/sidepanel.js"] {
        let mut text = String::new();
        zip.by_name(f).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, std::fs::read_to_string(secondself::extension_dir().join(f)).unwrap(), "{f} differs between the builds");
    }

    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(secondself::firefox_dir().join("manifest.json"), copy.path().join("manifest.json")).unwrap();
    let mut broken = m.clone();
    broken["browser_specific_settings"]["gecko"].as_object_mut().unwrap().remove("data_collection_permissions");
    std::fs::write(copy.path().join("manifest.json"), broken.to_string()).unwrap();
    let err = secondself::pack::check_extension(copy.path()).unwrap_err().to_string();
    assert!(err.contains("data_collection_permissions"), "{err}");
    let mut broken = m.clone();
    broken["side_panel"] = serde_json::json!({ "default_path": "sidepanel/sidepanel.html" });
    std::fs::write(copy.path().join("manifest.json"), broken.to_string()).unwrap();
    let err = secondself::pack::check_extension(copy.path()).unwrap_err().to_string();
    assert!(err.contains("side_panel"), "{err}");
}

/// The web-ext the lint test runs (npm; installed under target/ by the test when missing).
const WEB_EXT_VERSION: &str = "8.10.0";

/// `web-ext lint`'s JSON report of `zip`, from npm `web-ext`, installed once under `target/web-ext`.
fn web_ext_lint(zip: &std::path::Path) -> serde_json::Value {
    use std::process::Command;
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let prefix = secondself::repo_dir().join("target").join("web-ext");
    let bin = prefix.join("node_modules").join(".bin").join("web-ext");
    {
        let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
        let installed = std::fs::read_to_string(prefix.join("node_modules/web-ext/package.json")).ok().and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        if installed.as_ref().and_then(|p| p["version"].as_str()) != Some(WEB_EXT_VERSION) {
            std::fs::create_dir_all(&prefix).unwrap();
            let ok = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
                .arg(&prefix)
                .arg(format!("web-ext@{WEB_EXT_VERSION}"))
                .status()
                .expect("npm runs (install Node.js and npm)");
            assert!(ok.success(), "npm install web-ext@{WEB_EXT_VERSION} failed");
        }
    }
    let out = Command::new(&bin).args(["lint", "--output", "json", "--no-input", "--source-dir"]).arg(zip).output().expect("web-ext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text.find('{').unwrap_or_else(|| panic!("web-ext printed no report: {text} {}", String::from_utf8_lossy(&out.stderr)));
    serde_json::from_str(&text[start..]).unwrap_or_else(|e| panic!("web-ext's report is not JSON ({e}): {text}"))
}

/// Firefox's linter (the one addons.mozilla.org runs) on both zips: Firefox's has no error and no
/// warning; Chrome's has none but the Chrome-only parts Firefox's linter cannot know (its service
/// worker and add-on id, which Chrome does not use, and the offscreen document and side panel).
#[test]
fn web_ext_lint_passes_both_zips() {
    let dir = tempfile::tempdir().unwrap();
    let firefox = dir.path().join("secondself-firefox.zip");
    secondself::pack::pack(&secondself::firefox_dir(), &firefox).unwrap();
    let report = web_ext_lint(&firefox);
    assert_eq!(report["summary"]["errors"], 0, "{report}");
    assert_eq!(report["summary"]["warnings"], 0, "{report}");

    let chrome = dir.path().join("secondself.zip");
    secondself::pack::pack(&secondself::extension_dir(), &chrome).unwrap();
    let report = web_ext_lint(&chrome);
    let chrome_only = |m: &serde_json::Value| {
        let text = format!("{} {}", m["code"].as_str().unwrap_or_default(), m["message"].as_str().unwrap_or_default());
        ["service_worker", "EXTENSION_ID_REQUIRED", "\"offscreen\"", "\"sidePanel\"", "sidePanel.setPanelBehavior", "sidePanel.open", "offscreen.createDocument"].iter().any(|k| text.contains(k))
    };
    for kind in ["errors", "warnings"] {
        let other: Vec<&serde_json::Value> = report[kind].as_array().into_iter().flatten().filter(|m| !chrome_only(m)).collect();
        assert!(other.is_empty(), "Chrome's zip has {kind} beyond its Chrome-only parts: {other:?}");
    }
    let only_chrome_files = report["warnings"].as_array().into_iter().flatten().filter_map(|m| m["file"].as_str()).all(|f| ["manifest.json", "background/chrome.js", "onboarding/open-chrome.js"].contains(&f));
    assert!(only_chrome_files, "Chrome-only calls belong in the files the Firefox build omits (background/chrome.js, onboarding/open-chrome.js): {report}");
}

/// Every shipped language (en, de, fr, es, pt) has every message, and every word the side panel,
/// the autofill menu and the chat-site buttons show is one of them; a missing translation or a
/// string written past the messages is refused (the check `pack` runs).
#[test]
fn every_language_has_every_message_and_the_ui_names_them() {
    let built = secondself::extension_dir();
    secondself::locales::check(&built).unwrap();
    for lang in secondself::locales::LANGUAGES {
        assert!(secondself::locales::messages(&built, lang).unwrap().len() >= 200, "{lang} ships the whole UI");
    }
    let copy = |to: &std::path::Path| {
        for sub in ["_locales/en", "_locales/de", "_locales/fr", "_locales/es", "_locales/pt", "sidepanel", "content", "onboarding"] {
            std::fs::create_dir_all(to.join(sub)).unwrap();
            for e in std::fs::read_dir(built.join(sub)).unwrap().flatten().filter(|e| e.path().is_file()) {
                std::fs::copy(e.path(), to.join(sub).join(e.file_name())).unwrap();
            }
        }
    };
    // One German message gone.
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path());
    let de = dir.path().join("_locales/de/messages.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&de).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("deleteConfirm");
    std::fs::write(&de, m.to_string()).unwrap();
    let err = secondself::locales::check(dir.path()).unwrap_err().to_string();
    assert!(err.contains("_locales/de") && err.contains("deleteConfirm"), "{err}");
    // A French message left in English.
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path());
    let fr = dir.path().join("_locales/fr/messages.json");
    let en: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("_locales/en/messages.json")).unwrap()).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&fr).unwrap()).unwrap();
    m["privacyText"] = en["privacyText"].clone();
    std::fs::write(&fr, m.to_string()).unwrap();
    assert!(secondself::locales::check(dir.path()).unwrap_err().to_string().contains("privacyText"));
    // Text the panel writes without a message, in its page and in a script.
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path());
    let page = dir.path().join("sidepanel/sidepanel.html");
    std::fs::write(&page, std::fs::read_to_string(&page).unwrap().replace("</main>", "<p>Your notes are safe here</p></main>")).unwrap();
    assert!(secondself::locales::check(dir.path()).unwrap_err().to_string().contains("Your notes are safe here"));
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path());
    let script = dir.path().join("content/autofill.js");
    std::fs::write(&script, std::fs::read_to_string(&script).unwrap().replace("t(\"menuNever\")", "\"Never here\"")).unwrap();
    assert!(secondself::locales::check(dir.path()).unwrap_err().to_string().contains("Never here"));
}
