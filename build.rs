//! Builds the engine to wasm32 and assembles the loadable extension: `dist/extension/` (Chrome) and
//! `dist/firefox/` (Firefox), from the same files, each with its overlay of `extension/browsers/`.
//!
//! Read it as a table of contents: [`main`] runs `check_prerequisites → build_engine → bindgen →
//! wasm_opt → provision_model → provision_embedder → assemble_extension → emit_rerun`, one function per step.
//!
//! Switches (environment variables):
//! - `SECONDSELF_SKIP_WASM=1`: do not build the engine (quick host builds; the extension in
//!   `dist/` then has no engine and says so when loaded).
//! - `SECONDSELF_SKIP_MODEL=1`: do not fetch or copy the models (L2 and the embedder) into `dist/`.
//! - `SECONDSELF_WASM_PROFILE`: cargo profile of the wasm build (default `release`, even for a
//!   debug host build: a debug model is unusably slow).
//! - `SECONDSELF_MODEL`, `SECONDSELF_EMBEDDER`, `SECONDSELF_CACHE_DIR`: see `src/provision.rs`.
//!
//! The inner cargo gets its own target dir (`target/wasm-engine`), so it never waits on the outer
//! cargo's lock. Exports `SECONDSELF_EXTENSION_DIR` and `SECONDSELF_FIREFOX_DIR` to the CLI and the tests.

#[path = "src/provision.rs"]
#[allow(dead_code)]
mod provision;

#[path = "engine/src/embed/q8.rs"]
#[allow(dead_code)]
mod q8;

use std::collections::BTreeSet;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{exit, Command};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const ENGINE_CRATE: &str = "secondself_engine";

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out.
    let target_dir = out_dir.ancestors().nth(4).map(Path::to_path_buf).unwrap_or_else(|| root.join("target"));
    let dist = root.join("dist").join("extension");
    let firefox = root.join("dist").join("firefox");
    let host_release = env::var("PROFILE").as_deref() == Ok("release");

    let engine = if flag("SECONDSELF_SKIP_WASM") {
        None
    } else {
        check_prerequisites();
        let wasm = build_engine(&root, &target_dir);
        let bound = bindgen(&wasm, &target_dir.join("wasm-engine").join("bindgen"));
        if host_release {
            wasm_opt(&root, &bound.join(format!("{ENGINE_CRATE}_bg.wasm")));
        }
        Some(bound)
    };
    let model = if flag("SECONDSELF_SKIP_MODEL") { None } else { Some(provision_model()) };
    let embedder = if flag("SECONDSELF_SKIP_MODEL") { None } else { Some(provision_embedder()) };
    assemble_extension(&root, &dist, "chrome", engine.as_deref(), model.as_deref(), embedder.as_deref());
    assemble_extension(&root, &firefox, "firefox", engine.as_deref(), model.as_deref(), embedder.as_deref());
    emit_rerun(&dist, &firefox);
}

fn flag(name: &str) -> bool {
    matches!(env::var(name).as_deref(), Ok("1") | Ok("true") | Ok("yes"))
}

/// Prints what is missing and the one command that fixes it, then stops the build.
fn fail(what: &str, fix: &str) -> ! {
    eprintln!("\nerror: {what}\n  fix: {fix}\n");
    println!("cargo:warning={what} (fix: {fix})");
    exit(1)
}

/// Ensures the wasm32 target is installed, adding it with rustup when missing.
fn check_prerequisites() {
    ensure_vulkan_driver();
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc).args(["--print", "sysroot"]).output();
    let has_target = sysroot
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("lib/rustlib").join(WASM_TARGET).is_dir())
        .unwrap_or(false);
    if has_target {
        return;
    }
    let added = Command::new("rustup").args(["target", "add", WASM_TARGET]).status();
    if !matches!(added, Ok(s) if s.success()) {
        fail(&format!("the Rust target {WASM_TARGET} is missing and rustup could not add it"), &format!("rustup target add {WASM_TARGET}"));
    }
}

/// The native wgpu tests and `--backend wgpu` need a Vulkan driver; on a machine without a GPU
/// that is Mesa's lavapipe (CPU). On Debian as root it is installed when no Vulkan driver is
/// registered; elsewhere a warning says how.
fn ensure_vulkan_driver() {
    let icd = Path::new("/usr/share/vulkan/icd.d");
    let has_driver = icd.read_dir().map(|mut d| d.next().is_some()).unwrap_or(false);
    if !cfg!(target_os = "linux") || has_driver {
        return;
    }
    let is_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let installed = is_root
        && Path::new("/usr/bin/apt-get").exists()
        && Command::new("apt-get").args(["update", "-qq"]).status().map(|s| s.success()).unwrap_or(false)
        && Command::new("apt-get")
            .args(["install", "-y", "-qq", "mesa-vulkan-drivers"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    if !installed {
        println!("cargo:warning=no Vulkan driver found: the native wgpu tests need one (Debian/Ubuntu: `sudo apt-get install mesa-vulkan-drivers`)");
    }
}

/// Builds the engine crate for wasm32 in its own target dir and returns the `.wasm` file.
fn build_engine(root: &Path, target_dir: &Path) -> PathBuf {
    let profile = env::var("SECONDSELF_WASM_PROFILE").unwrap_or_else(|_| "release".into());
    let wasm_target_dir = target_dir.join("wasm-engine");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--lib", "--target", WASM_TARGET, "--profile", &profile, "--manifest-path"])
        .arg(root.join("engine").join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&wasm_target_dir);
    for var in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET", "CARGO_BUILD_RUSTFLAGS"] {
        cmd.env_remove(var);
    }
    // wasm SIMD128 for the CPU kernels; every browser with WebAssembly SIMD (all current ones) runs it.
    cmd.env("CARGO_ENCODED_RUSTFLAGS", "-Ctarget-feature=+simd128");
    let status = cmd.status().unwrap_or_else(|e| fail(&format!("cannot run cargo for the wasm engine: {e}"), "make sure cargo is on PATH"));
    if !status.success() {
        fail("building the engine for wasm32 failed (errors above)", "fix the errors above; `cargo build -p secondself-engine --target wasm32-unknown-unknown` reproduces them");
    }
    let dir = if profile == "dev" { "debug" } else { profile.as_str() };
    wasm_target_dir.join(WASM_TARGET).join(dir).join(format!("{ENGINE_CRATE}.wasm"))
}

/// Runs wasm-bindgen in-process (ES module for the web) and returns the folder it wrote.
fn bindgen(wasm: &Path, out: &Path) -> PathBuf {
    fs::create_dir_all(out).unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", out.display()), "check disk space and permissions"));
    let mut b = wasm_bindgen_cli_support::Bindgen::new();
    let result = b.input_path(wasm).web(true).and_then(|b| b.typescript(false).generate(out));
    if let Err(e) = result {
        fail(&format!("wasm-bindgen failed on {}: {e:#}", wasm.display()), "keep `wasm-bindgen` pinned to the same version in engine/Cargo.toml and the build-dependency");
    }
    out.to_path_buf()
}

/// Shrinks the module with `wasm-opt -Oz` when the npm package `binaryen` is installed
/// (`npm install binaryen` in the repository, or on PATH from npm). Debian's binaryen is skipped:
/// it breaks the module.
fn wasm_opt(root: &Path, wasm: &Path) {
    let local = root.join("node_modules").join(".bin").join("wasm-opt");
    let on_path = env::var_os("PATH").and_then(|paths| {
        env::split_paths(&paths).map(|p| p.join("wasm-opt")).find(|p| p.is_file())
    });
    let candidate = [Some(local), on_path].into_iter().flatten().find(|p| {
        p.is_file() && fs::canonicalize(p).map(|c| c.to_string_lossy().contains("node_modules")).unwrap_or(false)
    });
    let Some(wasm_opt) = candidate else { return };
    let tmp = wasm.with_extension("opt.wasm");
    let status = Command::new(&wasm_opt)
        .arg(wasm)
        .args(["-Oz", "--enable-simd", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "-o"])
        .arg(&tmp)
        .status();
    match status {
        Ok(s) if s.success() => {
            let _ = fs::rename(&tmp, wasm);
        }
        _ => println!("cargo:warning=wasm-opt failed; keeping the unoptimised engine"),
    }
}

/// The verified model file (fetched once with pip, see `src/provision.rs`).
fn provision_model() -> PathBuf {
    provision::model_path(&mut |line| eprintln!("secondself: {line}")).unwrap_or_else(|e| {
        fail(&e.what, &format!("{} (or set SECONDSELF_SKIP_MODEL=1 to build without the model)", e.fix))
    })
}

/// The embedding model's folder, with the 8-bit weights the extension ships made once beside the
/// f32 ones (`model.q8.safetensors`, see `engine/src/embed/q8.rs`).
fn provision_embedder() -> PathBuf {
    let dir = provision::embedder_dir(&mut |line| eprintln!("secondself: {line}")).unwrap_or_else(|e| {
        fail(&e.what, &format!("{} (or set SECONDSELF_SKIP_MODEL=1 to build without the models)", e.fix))
    });
    let f32s = dir.join("model.safetensors");
    let q8s = dir.join("model.q8.safetensors");
    let fresh = match (fs::metadata(&f32s).and_then(|m| m.modified()), fs::metadata(&q8s).and_then(|m| m.modified())) {
        (Ok(a), Ok(b)) => b >= a,
        _ => false,
    };
    if !fresh {
        let bytes = fs::read(&f32s).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", f32s.display()), "delete the folder and build again"));
        let q = q8::quantize(&bytes).unwrap_or_else(|e| fail(&format!("cannot quantize {}: {e}", f32s.display()), "delete the folder and build again"));
        let tmp = q8s.with_extension("part");
        fs::write(&tmp, q).and_then(|_| fs::rename(&tmp, &q8s)).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", q8s.display()), "check disk space and permissions"));
    }
    dir
}

/// Copies manifest, glue, assets, engine and models into `dist`, removing stale files. `browser`
/// names the overlay in `extension/browsers/` (its manifest patch, and the files it omits).
fn assemble_extension(root: &Path, dist: &Path, browser: &str, engine: Option<&Path>, model: Option<&Path>, embedder: Option<&Path>) {
    let overlay_path = root.join("extension").join("browsers").join(format!("{browser}.json"));
    let overlay: serde_json::Value = fs::read_to_string(&overlay_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| fail(&format!("{} is missing or not valid JSON", overlay_path.display()), "restore it with `git checkout extension/browsers`"));
    let omit: Vec<&str> = overlay["omit"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
    let mut written = BTreeSet::new();
    let mut put = |rel: &str, src: &Path| {
        let dest = dist.join(rel);
        copy_if_changed(src, &dest);
        written.insert(dest);
    };
    for (src_dir, prefix) in [(root.join("extension"), ""), (root.join("assets").join("icons"), "assets/icons/"), (root.join("assets").join("_locales"), "_locales/")] {
        for file in walk(&src_dir) {
            let rel = file.strip_prefix(&src_dir).expect("walk yields children").to_string_lossy().replace('\\', "/");
            if prefix.is_empty() && (rel.starts_with("browsers/") || omit.contains(&rel.as_str())) {
                continue;
            }
            put(&format!("{prefix}{rel}"), &file);
        }
    }
    put("assets/models/model.json", &root.join("assets").join("models").join("model.json"));
    put("assets/models/embedder.json", &root.join("assets").join("models").join("embedder.json"));
    if let Some(dir) = embedder {
        for name in ["model.q8.safetensors", "tokenizer.json", "config.json"] {
            put(&format!("assets/models/embedder/{name}"), &dir.join(name));
        }
    }
    if let Some(engine) = engine {
        for name in [format!("{ENGINE_CRATE}.js"), format!("{ENGINE_CRATE}_bg.wasm")] {
            put(&format!("engine/{name}"), &engine.join(&name));
        }
    }
    if let Some(model) = model {
        let name = model.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        put(&format!("assets/models/{name}"), model);
    }
    // The manifest carries the crate's version.
    let manifest = fs::read_to_string(root.join("manifest.json")).unwrap_or_else(|e| fail(&format!("cannot read manifest.json: {e}"), "restore it with `git checkout manifest.json`"));
    let mut json: serde_json::Value = serde_json::from_str(&manifest).unwrap_or_else(|e| fail(&format!("manifest.json is not valid JSON: {e}"), "fix the syntax error in manifest.json"));
    json["version"] = env::var("CARGO_PKG_VERSION").unwrap_or_default().into();
    merge_patch(&mut json, &overlay["manifest"]);
    let text = serde_json::to_string_pretty(&json).expect("a JSON value serialises");
    let dest = dist.join("manifest.json");
    if fs::read_to_string(&dest).ok().as_deref() != Some(text.as_str()) {
        fs::create_dir_all(dist).ok();
        fs::write(&dest, text).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", dest.display()), "check disk space and permissions"));
    }
    written.insert(dest);
    for stale in walk(dist).into_iter().filter(|f| !written.contains(f)) {
        let _ = fs::remove_file(stale);
    }
}

/// Applies a JSON merge patch (RFC 7386) to `target`: objects merge, `null` deletes, anything else replaces.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let Some(patch) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(Default::default());
    }
    let obj = target.as_object_mut().expect("made an object above");
    for (key, value) in patch {
        if value.is_null() {
            obj.remove(key);
        } else {
            merge_patch(obj.entry(key.clone()).or_insert(serde_json::Value::Null), value);
        }
    }
}

/// Copies `src` to `dest` unless `dest` already has the same size and is newer. The model is
/// hard-linked when possible (98 MB).
fn copy_if_changed(src: &Path, dest: &Path) {
    let (Ok(s), d) = (fs::metadata(src), fs::metadata(dest)) else {
        fail(&format!("missing build input {}", src.display()), "restore it from git, or run the build again")
    };
    if let Ok(d) = d {
        if d.len() == s.len() && d.modified().ok() >= s.modified().ok() {
            return;
        }
        let _ = fs::remove_file(dest);
    }
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| fail(&format!("cannot create {}: {e}", parent.display()), "check permissions"));
    }
    if s.len() > 8 << 20 && fs::hard_link(src, dest).is_ok() {
        return;
    }
    fs::copy(src, dest).unwrap_or_else(|e| fail(&format!("cannot copy {} to {}: {e}", src.display(), dest.display()), "check disk space and permissions"));
}

/// Every file under `dir`, recursively (none if it does not exist).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Tells cargo what to watch and exports the extension's location.
fn emit_rerun(dist: &Path, firefox: &Path) {
    println!("cargo:rustc-env=SECONDSELF_EXTENSION_DIR={}", dist.display());
    println!("cargo:rustc-env=SECONDSELF_FIREFOX_DIR={}", firefox.display());
    for path in ["engine/src", "engine/Cargo.toml", "Cargo.lock", "extension", "assets", "manifest.json", "src/provision.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    for var in ["SECONDSELF_SKIP_WASM", "SECONDSELF_SKIP_MODEL", "SECONDSELF_WASM_PROFILE", "SECONDSELF_MODEL", "SECONDSELF_EMBEDDER", "SECONDSELF_CACHE_DIR"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
}
