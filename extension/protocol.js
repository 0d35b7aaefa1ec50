/*
 * SecondSelf message protocol, shared by every extension context (service worker, offscreen
 * engine host, side panel, content scripts). A classic script: it defines
 * `globalThis.SecondSelfProtocol` and nothing else.
 *
 * Envelopes: a client sends `{to: "router", id, request}`; the router forwards
 * `{to: "engine", id, request, origin}` to the engine host; the host answers with
 * `{id, reply}` and streams `{to: "client", id, origin, event}` before it for long work.
 * The kinds below mirror `engine/src/protocol.rs` (`KINDS`); a test keeps them in step.
 * Must not: hold state, touch the DOM, or log message contents (they may hold memories).
 */
(() => {
  const KINDS = ["engine.ping", "autofill.classify", "memory.import", "memory.remember", "memory.distil", "memory.overview", "memory.pin", "memory.forget", "memory.delete_source", "memory.search", "memory.export", "memory.restore", "memory.clear", "task.enhance", "task.critique", "bench.retrieval", "model.load", "model.status", "model.import", "model.reset", "model.probe", "chat.generate", "chat.cancel", "chat.ask", "bench.model", "autofill.draft", "engine.pong", "engine.error", "autofill.plan", "memory.imported", "memory.profile", "memory.results", "memory.backup", "task.enhanced", "task.critiqued", "bench.retrieved", "model.state", "model.probed", "chat.done", "chat.answered", "chat.cancelled", "bench.modeled", "autofill.drafted", "engine.progress", "chat.piece"];
  /** Kinds served by content scripts (not the engine); the router sends them to `request.tabId`. */
  const CONTENT_KINDS = ["content.ping", "content.pong", "content.autofill", "content.autofilled", "content.autofill-undo", "content.autofill-undone"];

  let counter = 0;
  const newId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  /** Where a request kind is served: `engine` (offscreen wasm) or `tab` (a content script). */
  const routeOf = (kind) => (kind.startsWith("content.") ? "tab" : "engine");

  /**
   * Sends one request through the router and resolves with its reply. `onEvent` receives the
   * streamed events of that request. A reply of kind `engine.error` rejects with an Error whose
   * `kind` is the error kind.
   */
  async function request(body, { onEvent } = {}) {
    if (!KINDS.includes(body.kind) && !CONTENT_KINDS.includes(body.kind)) throw new Error(`unknown request kind ${body.kind}`);
    const id = newId();
    let listener = null;
    if (onEvent) {
      listener = (msg) => {
        if (msg && msg.to === "client" && msg.id === id) onEvent(msg.event);
      };
      chrome.runtime.onMessage.addListener(listener);
    }
    try {
      const answer = await chrome.runtime.sendMessage({ to: "router", id, request: body });
      const reply = answer && answer.reply;
      if (!reply) throw Object.assign(new Error("no reply from the engine"), { kind: "unavailable" });
      if (reply.kind === "engine.error") throw Object.assign(new Error(reply.message), { kind: reply.error });
      return reply;
    } finally {
      if (listener) chrome.runtime.onMessage.removeListener(listener);
    }
  }

  /** Name of the port content scripts open straight to the offscreen engine host. */
  const ENGINE_PORT = "secondself-engine";
  globalThis.SecondSelfProtocol = Object.freeze({ KINDS, CONTENT_KINDS, ENGINE_PORT, newId, routeOf, request });
})();
