/*
 * SecondSelf engine host (offscreen document): loads the wasm engine once and keeps it.
 *
 * The router forwards `{to: "engine", id, request, origin}`; this host passes the request to
 * `Engine.handle` and answers with `{id, reply}`. The autofill content script may also send
 * `{to: "engine"}` here directly (one hop less): whatever the envelope says, a sender with a tab
 * is a page, with only the requests pages may make. Events of long work are broadcast as
 * `{to: "client", id, origin, event}` (extension pages get them directly, the router relays them
 * to tabs). The listener is registered before the engine finishes loading, so no request that
 * arrives early is lost.
 * Must not: interpret requests (that is the engine's job) or log their contents.
 */
import init, { Engine } from "../engine/secondself_engine.js";

const engineReady = (async () => {
  await init({ module_or_path: new URL("../engine/secondself_engine_bg.wasm", import.meta.url) });
  return Engine.start(null);
})();

engineReady.catch((err) => console.error("SecondSelf engine failed to load:", err));

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || msg.to !== "engine") return false;
  const origin = sender.tab ? { tabId: sender.tab.id, frameId: sender.frameId } : msg.origin;
  const emit = (event) => {
    chrome.runtime.sendMessage({ to: "client", id: msg.id, origin, event }).catch(() => {});
  };
  engineReady
    .then((engine) => engine.handle(msg.request, origin != null, emit))
    .then(
      (reply) => sendResponse({ id: msg.id, reply }),
      (err) =>
        sendResponse({
          id: msg.id,
          reply: { kind: "engine.error", error: "engine_unavailable", message: `The engine failed to load: ${err && err.message ? err.message : err}` },
        }),
    );
  return true;
});
