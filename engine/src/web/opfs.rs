//! The few Origin Private File System operations the engine needs: read a file, write one
//! (through a temporary file, then a move: a stop mid-write leaves the old file), move one over
//! another, delete one. Two folders: `models/` (a user-imported model; the side panel writes the
//! chosen file there and the engine validates it before it replaces anything) and `adapters/`
//! (trained LoRA adapters, the training job's data, settings and checkpoint).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::EngineError;

/// The OPFS folder that holds imported models.
const FOLDER: &str = "models";
/// The OPFS folder that holds adapters and the training job.
pub(crate) const ADAPTERS: &str = "adapters";

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(target, &key.into())
}

/// Calls `target.method(args…)` and awaits the promise it returns.
async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = get(target, method)?.dyn_into()?;
    let result = f.apply(target, &args.iter().cloned().collect::<js_sys::Array>())?;
    JsFuture::from(js_sys::Promise::resolve(&result)).await
}

fn create_option() -> Result<js_sys::Object, JsValue> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"create".into(), &true.into())?;
    Ok(options)
}

async fn folder_named(name: &str) -> Result<JsValue, JsValue> {
    let storage = get(&get(&js_sys::global(), "navigator")?, "storage")?;
    let root = call(&storage, "getDirectory", &[]).await?;
    call(&root, "getDirectoryHandle", &[name.into(), create_option()?.into()]).await
}

async fn folder() -> Result<JsValue, JsValue> {
    folder_named(FOLDER).await
}

fn opfs_error(what: &str, name: &str, e: JsValue) -> EngineError {
    let message = e.as_string().or_else(|| get(&e, "message").ok().and_then(|m| m.as_string())).unwrap_or_default();
    EngineError::Model(format!("{what} {name}: {message}"))
}

fn not_found(e: &JsValue) -> bool {
    get(e, "name").ok().and_then(|n| n.as_string()).as_deref() == Some("NotFoundError")
}

/// The bytes of `<folder>/<name>`, or `None` when there is no such file.
pub(crate) async fn read_in(folder: &str, name: &str) -> Result<Option<Vec<u8>>, EngineError> {
    let path = format!("{folder}/{name}");
    let dir = folder_named(folder).await.map_err(|e| opfs_error("opening", &path, e))?;
    let handle = match call(&dir, "getFileHandle", &[name.into()]).await {
        Ok(h) => h,
        Err(e) if not_found(&e) => return Ok(None),
        Err(e) => return Err(opfs_error("opening", &path, e)),
    };
    let file = call(&handle, "getFile", &[]).await.map_err(|e| opfs_error("reading", &path, e))?;
    let buffer = call(&file, "arrayBuffer", &[]).await.map_err(|e| opfs_error("reading", &path, e))?;
    Ok(Some(js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// Writes `<folder>/<name>` whole: into `<name>.tmp`, then moved over `<name>`.
pub(crate) async fn write_in(folder: &str, name: &str, bytes: &[u8]) -> Result<(), EngineError> {
    let path = format!("{folder}/{name}");
    let tmp = format!("{name}.tmp");
    let dir = folder_named(folder).await.map_err(|e| opfs_error("opening", &path, e))?;
    let handle = call(&dir, "getFileHandle", &[tmp.clone().into(), create_option().map_err(|e| opfs_error("writing", &path, e))?.into()])
        .await
        .map_err(|e| opfs_error("writing", &path, e))?;
    let writable = call(&handle, "createWritable", &[]).await.map_err(|e| opfs_error("writing", &path, e))?;
    let data = js_sys::Uint8Array::from(bytes);
    call(&writable, "write", &[data.into()]).await.map_err(|e| opfs_error("writing", &path, e))?;
    call(&writable, "close", &[]).await.map_err(|e| opfs_error("writing", &path, e))?;
    remove_in(folder, name).await?;
    call(&handle, "move", &[name.into()]).await.map_err(|e| opfs_error("writing", &path, e))?;
    Ok(())
}

/// Deletes `<folder>/<name>` if it exists.
pub(crate) async fn remove_in(folder: &str, name: &str) -> Result<(), EngineError> {
    let path = format!("{folder}/{name}");
    let dir = folder_named(folder).await.map_err(|e| opfs_error("opening", &path, e))?;
    match call(&dir, "removeEntry", &[name.into()]).await {
        Ok(_) => Ok(()),
        Err(e) if not_found(&e) => Ok(()),
        Err(e) => Err(opfs_error("deleting", &path, e)),
    }
}

/// The names of the files in `<folder>`.
pub(crate) async fn list_in(folder: &str) -> Result<Vec<String>, EngineError> {
    let dir = folder_named(folder).await.map_err(|e| opfs_error("opening", folder, e))?;
    let keys_fn: js_sys::Function = get(&dir, "keys").and_then(|f| f.dyn_into().map_err(JsValue::from)).map_err(|e| opfs_error("listing", folder, e))?;
    let iter = keys_fn.call0(&dir).map_err(|e| opfs_error("listing", folder, e))?;
    let mut names = Vec::new();
    loop {
        let next = call(&iter, "next", &[]).await.map_err(|e| opfs_error("listing", folder, e))?;
        if get(&next, "done").ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        if let Some(n) = get(&next, "value").ok().and_then(|v| v.as_string()) {
            names.push(n);
        }
    }
    names.sort();
    Ok(names)
}

/// The bytes of `models/<name>`, or `None` when there is no such file.
pub(crate) async fn read(name: &str) -> Result<Option<Vec<u8>>, EngineError> {
    let dir = folder().await.map_err(|e| opfs_error("opening", name, e))?;
    let handle = match call(&dir, "getFileHandle", &[name.into()]).await {
        Ok(h) => h,
        Err(e) if get(&e, "name").ok().and_then(|n| n.as_string()).as_deref() == Some("NotFoundError") => return Ok(None),
        Err(e) => return Err(opfs_error("opening", name, e)),
    };
    let file = call(&handle, "getFile", &[]).await.map_err(|e| opfs_error("reading", name, e))?;
    let buffer = call(&file, "arrayBuffer", &[]).await.map_err(|e| opfs_error("reading", name, e))?;
    Ok(Some(js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// Moves `models/<from>` to `models/<to>`, replacing it.
pub(crate) async fn rename(from: &str, to: &str) -> Result<(), EngineError> {
    let dir = folder().await.map_err(|e| opfs_error("opening", from, e))?;
    let handle = call(&dir, "getFileHandle", &[from.into()]).await.map_err(|e| opfs_error("opening", from, e))?;
    remove(to).await?;
    call(&handle, "move", &[to.into()]).await.map_err(|e| opfs_error("renaming", from, e))?;
    Ok(())
}

/// Deletes `models/<name>` if it exists.
pub(crate) async fn remove(name: &str) -> Result<(), EngineError> {
    let dir = folder().await.map_err(|e| opfs_error("opening", name, e))?;
    match call(&dir, "removeEntry", &[name.into()]).await {
        Ok(_) => Ok(()),
        Err(e) if get(&e, "name").ok().and_then(|n| n.as_string()).as_deref() == Some("NotFoundError") => Ok(()),
        Err(e) => Err(opfs_error("deleting", name, e)),
    }
}
