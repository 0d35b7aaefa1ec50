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
    for f in ["manifest.json", "background/router.js"] {
        let dest = dir.path().join(f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(src.join(f), dest).unwrap();
    }
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("manifest.json")).unwrap()).unwrap();
    m["permissions"].as_array_mut().unwrap().push("contextMenus".into());
    std::fs::write(dir.path().join("manifest.json"), m.to_string()).unwrap();
    let err = secondself::pack::check_extension(dir.path()).unwrap_err().to_string();
    assert!(err.contains("contextMenus"), "{err}");
}

#[test]
fn protocol_js_lists_the_engine_kinds() {
    let js = std::fs::read_to_string(secondself::repo_dir().join("extension/protocol.js")).unwrap();
    let line = js.lines().find(|l| l.trim_start().starts_with("const KINDS = [")).expect("protocol.js declares KINDS");
    let list = &line[line.find('[').unwrap()..=line.rfind(']').unwrap()];
    let kinds: Vec<String> = serde_json::from_str(list).unwrap();
    assert_eq!(kinds, secondself_engine::protocol::KINDS, "extension/protocol.js and engine/src/protocol.rs disagree");
}
