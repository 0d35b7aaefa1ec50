/*
 * SecondSelf engine host: loads the wasm engine once and keeps it. In Chrome it is an offscreen
 * document; in Firefox (no offscreen documents) it is a module of the background page, and the
 * router beside it calls `globalThis.SecondSelfEngineHost.serve` directly.
 *
 * The router forwards `{to: "engine", id, request, origin}`; this host passes the request to
 * `Engine.handle` and answers with `{id, reply}`. The autofill content script may also send
 * `{to: "engine"}` here directly (one hop less): whatever the envelope says, a sender with a tab
 * is a page, with only the requests pages may make. Events of long work are broadcast as
 * `{to: "client", id, origin, event}` (extension pages get them directly, the router relays them
 * to tabs). The autofill content script may instead open a port named "secondself-engine"
 * (`runtime.connect`), which only this host listens for, so the service worker is not woken for
 * every form. The listeners are registered before the engine finishes loading, so no request
 * that arrives early is lost.
 * Must not: interpret requests (that is the engine's job) or log their contents.
 */
import init, { Engine } from "../engine/secondself_engine.js";

const engineReady = (async () => {
  await init({ module_or_path: new URL("../engine/secondself_engine_bg.wasm", import.meta.url) });
  return Engine.start(null);
})();

engineReady.catch((err) => console.error("SecondSelf engine failed to load:", err));

/** Requests being served: id → sendResponse. */
const pending = new Map();
let crashed = false;

/**
 * A Rust panic traps the wasm instance: the requests in flight would never be answered, and the
 * engine can serve no more. Answer each with the panic's message, then reload this document for
 * a fresh engine (memory writes are transactional, so nothing half-written stays).
 */
function onTrap(error) {
  if (crashed || !(error instanceof WebAssembly.RuntimeError)) return;
  crashed = true;
  const why = globalThis.__secondselfPanic || String(error && error.message ? error.message : error);
  console.error("SecondSelf engine stopped:", why);
  for (const [id, sendResponse] of pending) {
    sendResponse({ id, reply: { kind: "engine.error", error: "engine_unavailable", message: `The engine stopped (${why}); it restarts with the next request.` } });
  }
  pending.clear();
  setTimeout(() => location.reload(), 0);
}
addEventListener("error", (ev) => onTrap(ev.error));
addEventListener("unhandledrejection", (ev) => onTrap(ev.reason));

const ROUTER = chrome.runtime.getURL("background/router.js");
/** Firefox: this host runs in the background page, beside the router (Chrome: an offscreen document). */
const IN_BACKGROUND_PAGE = typeof document !== "undefined" && document.querySelector('script[src$="router.js"]') !== null;

/**
 * The origin a request is served for: `{tabId, frameId}` for a page (its content script, or the
 * router forwarding one), `null` for the extension's own pages, `undefined` for a sender that is
 * neither (refused). Only the router may say in the envelope whom it forwards for; an envelope's
 * `origin` from anyone else is ignored.
 */
function originOf(msg, sender) {
  const role = SecondSelfProtocol.senderRole(sender, chrome.runtime.getURL(""));
  if (role === "page") return { tabId: sender.tab.id, frameId: sender.frameId };
  if (role !== "extension") return undefined;
  if (sender.url === ROUTER && msg.origin && typeof msg.origin.tabId === "number") return { tabId: msg.origin.tabId, frameId: msg.origin.frameId ?? 0 };
  return null;
}

/** Streams one event of a request's long work to whoever asked: a page's tab (Firefox's
 * background page reaches tabs itself; Chrome's offscreen document cannot, and the router relays)
 * or the extension's pages. */
function emitTo(id, origin, event) {
  const envelope = { to: "client", id, origin, event };
  if (origin && chrome.tabs && chrome.tabs.sendMessage) chrome.tabs.sendMessage(origin.tabId, envelope, { frameId: origin.frameId ?? 0 }).catch(() => {});
  else chrome.runtime.sendMessage(envelope).catch(() => {});
}

/**
 * Serves one `{to: "engine", id, request, origin}` envelope from `sender`, answering once with
 * `answer({id, reply})`. Returns false when the envelope is not for the engine.
 */
function serve(msg, sender, answer) {
  if (sender.id !== chrome.runtime.id || !msg || msg.to !== "engine" || crashed || !msg.request) return false;
  const origin = originOf(msg, sender);
  if (origin === undefined) {
    answer({ id: msg.id, reply: { kind: "engine.error", error: "forbidden", message: "SecondSelf does not answer this sender" } });
    return false;
  }
  serveFor(msg, origin, answer);
  return true;
}

/** Serves `msg.request` for `origin` (a page's `{tabId, frameId}`, or null for the extension). */
function serveFor(msg, origin, answer) {
  const key = `${msg.id}:${Math.random()}`;
  const t0 = performance.now();
  // `host_ms`: time in this host (engine and its JSON), for `secondself eval autofill`'s breakdown.
  const respond = (reply) => {
    if (pending.delete(key)) answer({ id: msg.id, reply, host_ms: performance.now() - t0 });
  };
  pending.set(key, (envelope) => answer({ ...envelope, id: msg.id }));
  keepAwake();
  engineReady
    .then((engine) => engine.handle(msg.request, origin != null, (event) => emitTo(msg.id, origin, event)))
    .then(respond, (err) => {
      onTrap(err);
      respond({ kind: "engine.error", error: "engine_unavailable", message: `The engine failed to load: ${err && err.message ? err.message : err}` });
    });
}

/**
 * Firefox suspends an idle background page, engine and all, even while a long request (a model
 * load, an import, training) is being served, once 30 s pass without activity. An extension API
 * call counts as activity: one every 5 s keeps the page while any request is pending, with room
 * for the engine's longest step on a busy machine (the timer waits while the wasm runs).
 * (Chrome keeps an offscreen document; its router keeps itself awake the same way.)
 */
let awake = null;
function keepAwake() {
  if (!IN_BACKGROUND_PAGE || awake !== null) return;
  awake = setInterval(() => {
    if (pending.size === 0) {
      clearInterval(awake);
      awake = null;
      return;
    }
    chrome.runtime.getPlatformInfo().catch(() => {});
  }, 5_000);
}

/** The router of Firefox's background page serves through this (the same checks apply: it is
 * the router that says whom it forwards for, as in Chrome's envelopes). */
if (IN_BACKGROUND_PAGE) {
  globalThis.SecondSelfEngineHost = Object.freeze({
    serve: (msg, origin) => new Promise((resolve) => {
      if (crashed || !msg || !msg.request) return resolve({ id: msg && msg.id, reply: { kind: "engine.error", error: "engine_unavailable", message: "The engine stopped; it restarts with the next request." } });
      serveFor(msg, origin == null ? null : { tabId: origin.tabId, frameId: origin.frameId ?? 0 }, resolve);
    }),
  });
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || msg.to !== "engine") return false;
  // The router's hello: this listener is registered (the engine itself may still be loading).
  if (msg.hello === true && !msg.request) {
    sendResponse({ hello: !crashed });
    return false;
  }
  return serve(msg, sender, sendResponse);
});

// The autofill content script's port: requests straight from a tab, without waking the service
// worker. The port's sender is the tab, so the engine treats every request on it as a page's.
chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== "secondself-engine" || port.sender.id !== chrome.runtime.id) return;
  if (SecondSelfProtocol.senderRole(port.sender, chrome.runtime.getURL("")) !== "page") return port.disconnect();
  let open = true;
  port.onDisconnect.addListener(() => { open = false; });
  port.onMessage.addListener((msg) => {
    const { origin: _ignored, ...envelope } = msg || {};
    const served = serve(envelope, port.sender, (answer) => { if (open) port.postMessage(answer); });
    if (!served && open) port.postMessage({ id: msg && msg.id, reply: null });
  });
});
