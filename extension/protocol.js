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
  const KINDS = ["engine.ping", "autofill.classify", "memory.import", "memory.remember", "memory.distil", "memory.overview", "memory.pin", "memory.forget", "memory.delete_source", "memory.search", "memory.export", "memory.restore", "memory.clear", "memory.embed", "task.enhance", "task.critique", "bench.retrieval", "model.load", "model.status", "model.import", "model.reset", "model.probe", "chat.generate", "chat.cancel", "chat.ask", "bench.model", "autofill.draft", "train.start", "train.resume", "train.pause", "train.cancel", "train.status", "adapter.use", "train.plan", "train.memory", "train.compare", "engine.pong", "engine.error", "autofill.plan", "memory.imported", "memory.profile", "memory.results", "memory.backup", "memory.embedded", "task.enhanced", "task.critiqued", "bench.retrieved", "model.state", "model.probed", "chat.done", "chat.answered", "chat.cancelled", "bench.modeled", "autofill.drafted", "train.state", "train.planned", "train.compared", "engine.progress", "chat.piece", "train.progress"];
  /** Kinds served by content scripts (not the engine); the router sends them to `request.tabId`. */
  const CONTENT_KINDS = ["content.ping", "content.pong", "content.autofill", "content.autofilled", "content.autofill-undo", "content.autofill-undone", "content.enhance", "content.enhancing"];

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

  /**
   * Who sent a runtime message, decided from what the browser says of the sender (never from the
   * envelope): `"extension"` for this extension's own pages and workers (their URL is under
   * `extensionUrl`, e.g. `chrome.runtime.getURL("")`), `"page"` for a content script in a tab, and
   * `"refused"` for anything else: a content script in a frame that belongs to no tab (a page framed
   * inside an extension page, a prerender) is a page's code, and must not get an extension page's
   * full access because it has no tab to be limited to.
   */
  function senderRole(sender, extensionUrl) {
    if (!sender || typeof extensionUrl !== "string" || !extensionUrl) return "refused";
    const base = extensionUrl.endsWith("/") ? extensionUrl : `${extensionUrl}/`;
    const origin = base.slice(0, -1);
    const url = typeof sender.url === "string" ? sender.url : "";
    // Chromium also reports the sender's origin; where it does, it must agree with the URL.
    const originAgrees = sender.origin === undefined || sender.origin === origin;
    if (url.startsWith(base) && originAgrees) return "extension";
    if (sender.tab && typeof sender.tab.id === "number" && sender.tab.id >= 0) return "page";
    return "refused";
  }

  /** Name of the port content scripts open straight to the offscreen engine host. */
  const ENGINE_PORT = "secondself-engine";
  /** The largest file an import takes (the engine's `memory::import::MAX_FILE_BYTES`; a test keeps
   * them equal): checked before the file is read, so a huge file costs nothing. */
  const MAX_IMPORT_BYTES = 20971520;
  /** The largest backup a restore reads (a browser message carries at most 64 MiB). */
  const MAX_BACKUP_BYTES = 64 * 1024 * 1024;
  /** The side panel's conversation database (extension origin only; deleted with all data). */
  const CHAT_DB = "secondself-chat";
  globalThis.SecondSelfProtocol = Object.freeze({ KINDS, CONTENT_KINDS, ENGINE_PORT, CHAT_DB, MAX_IMPORT_BYTES, MAX_BACKUP_BYTES, newId, routeOf, request, senderRole });
})();
