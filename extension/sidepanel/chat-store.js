/*
 * chat-store.js — where the side-panel conversation is kept: an IndexedDB database of the
 * extension's own origin (`SecondSelfProtocol.CHAT_DB`), which no content script and no page can
 * open (`chrome.storage.local`, where it used to be, is readable by every content script). "Delete
 * all" removes the database (the router deletes it when `memory.clear` succeeds; an open panel
 * lets go of it and empties its view).
 * Must not: log the conversation (it may hold memory answers).
 */
const DB = globalThis.SecondSelfProtocol.CHAT_DB;
const STORE = "conversation";
const KEY = "turns";
/** Where older versions kept the conversation; removed on first load. */
const LEGACY_KEY = "chat.conversation";

let opening = null;
const cleared = new Set();

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const db = req.result;
      // "Delete all" deletes the database: let go of it at once and tell the panel.
      db.onversionchange = () => {
        db.close();
        opening = null;
        for (const f of cleared) f();
      };
      resolve(db);
    };
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

function run(mode, op) {
  return open().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = op(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  }));
}

/** The kept conversation (an empty list when there is none). */
export async function loadTurns() {
  chrome.storage.local.remove(LEGACY_KEY).catch(() => {});
  const turns = await run("readonly", (s) => s.get(KEY)).catch(() => null);
  return Array.isArray(turns) ? turns : [];
}

export const saveTurns = (turns) => run("readwrite", (s) => s.put(turns, KEY));

/** `f()` runs when the conversation is deleted with all data. */
export const onCleared = (f) => cleared.add(f);
