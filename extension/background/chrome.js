/*
 * What only Chrome's background service worker does (router.js loads it; the Firefox build omits
 * it): the toolbar button opens the side panel, and the engine lives in an offscreen document
 * (a service worker cannot keep a wasm engine). Gives the router
 * `globalThis.SecondSelfEngineHost.serve(envelope, origin)`, which starts the offscreen document
 * when needed, waits until its listener answers, and forwards the envelope.
 * Must not: run engine logic or keep memories.
 */
(() => {
  const ENGINE_HOST = "offscreen/offscreen.html";
  let creating = null;

  chrome.runtime.onInstalled.addListener(() => {
    chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
  });

  /** The offscreen document whose listener answered a hello (kept while this worker lives). */
  let hostListening = null;

  /**
   * Creates the offscreen engine host unless it is already running. Returns its document id, or
   * null when it was just created (or is being created by a concurrent request).
   */
  async function ensureEngineHost() {
    const url = chrome.runtime.getURL(ENGINE_HOST);
    const existing = await chrome.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT"], documentUrls: [url] });
    if (existing.length > 0 && !creating) return existing[0].documentId;
    creating ??= chrome.offscreen
      .createDocument({
        url: ENGINE_HOST,
        reasons: ["WORKERS"],
        justification: "Hosts the SecondSelf engine (WebAssembly model and memory) so it outlives this service worker.",
      })
      .finally(() => {
        creating = null;
      });
    await creating;
    return null;
  }

  /**
   * Waits until the engine host's listener answers a hello. Until then a message to it may reach
   * only other extension pages' listeners (a side panel waiting for events), and Chrome resolves
   * it with no reply: the real request must not be sent into that gap, where it would be lost
   * without an error.
   */
  async function engineHostListening() {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        const hello = await chrome.runtime.sendMessage({ to: "engine", hello: true });
        if (hello && hello.hello === true) return;
      } catch (err) {
        if (!String(err && err.message).includes("Receiving end does not exist")) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the engine host did not start");
  }

  /** Forwards an envelope to the engine; `origin` is the page tab/frame, or null for the extension. */
  async function toEngine(msg, origin) {
    const doc = await ensureEngineHost();
    if (doc === null || doc !== hostListening) {
      await engineHostListening();
      hostListening = doc;
    }
    // Chrome stops a worker that makes no extension call for 30 s, even while it waits for this
    // reply (a model load, a long import): a cheap call every 20 s keeps it until the reply is in.
    const keepAlive = setInterval(() => chrome.runtime.getPlatformInfo().catch(() => {}), 20_000);
    try {
      return await chrome.runtime.sendMessage({ to: "engine", id: msg.id, request: msg.request, origin });
    } finally {
      clearInterval(keepAlive);
    }
  }

  globalThis.SecondSelfEngineHost = Object.freeze({ serve: (envelope, origin) => toEngine(envelope, origin) });
})();
