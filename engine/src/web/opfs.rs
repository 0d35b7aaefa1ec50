//! The few Origin Private File System operations the engine needs (a user-imported model):
//! read a file, move one over another, delete one — all in one folder (`models/`). The side
//! panel writes the chosen file there; the engine validates it before it replaces anything.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::error::EngineError;

/// The OPFS folder that holds imported models.
const FOLDER: &str = "models";

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(target, &key.into())
}

/// Calls `target.method(args…)` and awaits the promise it returns.
async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = get(target, method)?.dyn_into()?;
    let result = f.apply(target, &args.iter().cloned().collect::<js_sys::Array>())?;
    JsFuture::from(js_sys::Promise::resolve(&result)).await
}

async fn folder() -> Result<JsValue, JsValue> {
    let storage = get(&get(&js_sys::global(), "navigator")?, "storage")?;
    let root = call(&storage, "getDirectory", &[]).await?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"create".into(), &true.into())?;
    call(&root, "getDirectoryHandle", &[FOLDER.into(), options.into()]).await
}

fn opfs_error(what: &str, name: &str, e: JsValue) -> EngineError {
    let message = e.as_string().or_else(|| get(&e, "message").ok().and_then(|m| m.as_string())).unwrap_or_default();
    EngineError::Model(format!("{what} {FOLDER}/{name}: {message}"))
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
