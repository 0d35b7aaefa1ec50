/*
 * SecondSelf background service worker: a thin, stateless router.
 *
 * Clients (side panel, content scripts) send `{to: "router", id, request}`. The router makes sure
 * the offscreen engine host exists, forwards the request with its origin (tab, frame), and relays
 * the reply; events the engine streams to a tab are relayed with `chrome.tabs.sendMessage`
 * (extension pages receive them directly). Chrome stops this worker when idle, so it keeps no
 * state: everything it needs travels in the envelopes.
 * Must not: run engine logic, keep memories, or answer messages from outside the extension.
 */
importScripts("../protocol.js");

const ENGINE_HOST = "offscreen/offscreen.html";
let creating = null;

chrome.runtime.onInstalled.addListener(() => {
  chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
});

/** Creates the offscreen engine host unless it is already running. */
async function ensureEngineHost() {
  const url = chrome.runtime.getURL(ENGINE_HOST);
  const existing = await chrome.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT"], documentUrls: [url] });
  if (existing.length > 0) return;
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
}

async function toEngine(msg, sender) {
  await ensureEngineHost();
  const fromPage = sender.tab && !(sender.url || "").startsWith(chrome.runtime.getURL(""));
  const origin = fromPage ? { tabId: sender.tab.id, frameId: sender.frameId } : null;
  return chrome.runtime.sendMessage({ to: "engine", id: msg.id, request: msg.request, origin });
}

async function toTab(msg) {
  const { tabId, frameId = 0 } = msg.request;
  return chrome.tabs.sendMessage(tabId, { to: "content", id: msg.id, request: msg.request }, { frameId });
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || typeof msg !== "object") return false;
  if (msg.to === "client" && msg.origin && typeof msg.origin.tabId === "number") {
    chrome.tabs.sendMessage(msg.origin.tabId, msg, { frameId: msg.origin.frameId ?? 0 }).catch(() => {});
    return false;
  }
  if (msg.to !== "router" || !msg.request || typeof msg.request.kind !== "string") return false;
  const route = SecondSelfProtocol.routeOf(msg.request.kind);
  // Only extension pages may address tabs; a content script's request always goes to the engine.
  const fromExtensionPage = typeof sender.url === "string" && sender.url.startsWith(chrome.runtime.getURL(""));
  const forward = route === "tab" && fromExtensionPage ? toTab(msg) : toEngine(msg, sender);
  forward.then(
    (answer) => sendResponse(answer),
    (err) => sendResponse({ id: msg.id, reply: { kind: "engine.error", error: "unavailable", message: String(err && err.message ? err.message : err) } }),
  );
  return true;
});
