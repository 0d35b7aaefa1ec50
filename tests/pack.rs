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
    for f in ["manifest.json", "background/router.js", "content/chat-runner.js"] {
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
}

#[test]
fn protocol_js_import_limit_is_the_engines() {
    let js = std::fs::read_to_string(secondself::repo_dir().join("extension/protocol.js")).unwrap();
    let line = js.lines().find(|l| l.trim_start().starts_with("const MAX_IMPORT_BYTES = ")).expect("protocol.js declares MAX_IMPORT_BYTES");
    let n: u64 = line.trim().trim_start_matches("const MAX_IMPORT_BYTES = ").trim_end_matches(';').parse().unwrap();
    assert_eq!(n, secondself_engine::memory::import::MAX_FILE_BYTES);
}
