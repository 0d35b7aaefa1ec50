/*
 * SecondSelf background: a thin, stateless router (Chrome's service worker; in Firefox, a script
 * of the background page `background.html`, beside the engine host).
 *
 * Clients (side panel, content scripts) send `{to: "router", id, request}`. The router makes sure
 * the engine host runs, forwards the request with its origin (tab, frame), and relays the reply;
 * events the engine streams to a tab are relayed with `chrome.tabs.sendMessage` (extension pages
 * receive them directly). Chrome stops this worker when idle, so it keeps no state: everything it
 * needs travels in the envelopes. What differs between the browsers is in `chrome.js` (side panel,
 * offscreen engine host) and `firefox.js` (sidebar); both give the router
 * `globalThis.SecondSelfEngineHost.serve(envelope, origin)` (in Firefox, engine-host.js does).
 * Must not: run engine logic, keep memories, or answer messages from outside the extension.
 */
// Chrome's service worker loads its own part here; in Firefox, background.html loads protocol.js
// and firefox.js before this script.
if (typeof importScripts === "function") importScripts("../protocol.js", "chrome.js");

const REMEMBER_MENU = "secondself-remember";
const FILL_MENU = "secondself-fill";

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({ id: REMEMBER_MENU, title: chrome.i18n.getMessage("rememberSelection"), contexts: ["selection"] }, () => void chrome.runtime.lastError);
  chrome.contextMenus.create({ id: FILL_MENU, title: chrome.i18n.getMessage("fillForm"), contexts: ["editable"] }, () => void chrome.runtime.lastError);
});

/** Asks the content script of one frame to fill the form the user is in: `via` "menu" (the field
 * right-clicked) or "shortcut" (the focused field). */
function fillForm(tabId, frameId, via) {
  const msg = { to: "content", id: SecondSelfProtocol.newId(), request: { kind: "content.autofill", via } };
  chrome.tabs.sendMessage(tabId, msg, { frameId }).catch((err) => console.warn("SecondSelf could not fill this form:", err.message));
}

chrome.commands.onCommand.addListener((command, tab) => {
  if (command === "fill-form" && tab) fillForm(tab.id, 0, "shortcut");
  // ✨ on the chat site in front: its preview opens; nothing is inserted until the user clicks.
  if (command === "enhance-prompt" && tab) {
    const msg = { to: "content", id: SecondSelfProtocol.newId(), request: { kind: "content.enhance" } };
    chrome.tabs.sendMessage(tab.id, msg, { frameId: 0 }).catch(() => {});
  }
});

// The first run: a page that says what SecondSelf is and helps with a first memory.
chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === "install") chrome.tabs.create({ url: chrome.runtime.getURL("onboarding/onboarding.html") }).catch(() => {});
});

/* "Remember this": the selected text, with the page's URL and title as provenance. The title
 * comes from the page's content script (no tabs permission needed); the URL from the click. */
chrome.contextMenus.onClicked.addListener(async (info, tab) => {
  if (info.menuItemId === FILL_MENU && tab) return fillForm(tab.id, info.frameId ?? 0, "menu");
  if (info.menuItemId !== REMEMBER_MENU || !info.selectionText || !tab) return;
  let title = info.pageUrl;
  try {
    const pong = await chrome.tabs.sendMessage(tab.id, { to: "content", id: SecondSelfProtocol.newId(), request: { kind: "content.ping" } }, { frameId: info.frameId ?? 0 });
    title = pong?.reply?.title || title;
  } catch {
    // no content script in this frame: keep the URL as the title
  }
  const request = { kind: "memory.remember", text: info.selectionText, url: info.frameUrl || info.pageUrl, title };
  await toEngine({ id: SecondSelfProtocol.newId(), request }, null).catch((err) => console.warn("SecondSelf could not remember the selection:", err.message));
});

/** The engine host: Chrome's offscreen document (reached through chrome.js), or Firefox's
 * engine module in this same page (engine-host.js, which loads after this script). */
async function engineHost() {
  for (let attempt = 0; attempt < 200 && !globalThis.SecondSelfEngineHost; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!globalThis.SecondSelfEngineHost) throw new Error("the engine host did not start");
  return globalThis.SecondSelfEngineHost;
}

/** Forwards a request to the engine; `origin` is the page tab/frame, or null for the extension. */
async function toEngine(msg, origin) {
  return (await engineHost()).serve({ to: "engine", id: msg.id, request: msg.request }, origin);
}

/** Delete all also deletes the side panel's conversation (it may hold memory answers), once the
 * engine has deleted the memory. */
async function alsoDeleteConversation(answer) {
  if (answer && answer.reply && answer.reply.kind !== "engine.error") {
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(SecondSelfProtocol.CHAT_DB);
      req.onsuccess = req.onerror = () => resolve();
      // An open panel lets go at once (chat-store.js); never hold the reply longer than 3 s.
      req.onblocked = () => setTimeout(resolve, 3000);
    });
  }
  return answer;
}

async function toTab(msg) {
  const { tabId, frameId = 0 } = msg.request;
  return chrome.tabs.sendMessage(tabId, { to: "content", id: msg.id, request: msg.request }, { frameId });
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !msg || typeof msg !== "object") return false;
  const role = SecondSelfProtocol.senderRole(sender, chrome.runtime.getURL(""));
  // Events for a tab come only from the engine host.
  if (msg.to === "client" && msg.origin && typeof msg.origin.tabId === "number") {
    if (role === "extension" && sender.url === chrome.runtime.getURL("offscreen/offscreen.html")) {
      chrome.tabs.sendMessage(msg.origin.tabId, msg, { frameId: msg.origin.frameId ?? 0 }).catch(() => {});
    }
    return false;
  }
  if (msg.to !== "router" || !msg.request || typeof msg.request.kind !== "string") return false;
  if (role === "refused") {
    // Fail closed: a sender that is neither this extension nor a page in a tab gets nothing.
    sendResponse({ id: msg.id, reply: { kind: "engine.error", error: "forbidden", message: "SecondSelf does not answer this sender" } });
    return false;
  }
  const route = SecondSelfProtocol.routeOf(msg.request.kind);
  // Only extension pages may address tabs; a content script's request always goes to the engine,
  // marked with its tab so the engine limits it to what pages may ask.
  const origin = role === "page" ? { tabId: sender.tab.id, frameId: sender.frameId } : null;
  let forward = route === "tab" && role === "extension" ? toTab(msg) : toEngine(msg, origin);
  if (msg.request.kind === "memory.clear") forward = forward.then(alsoDeleteConversation);
  forward.then(
    (answer) => sendResponse(answer),
    (err) => sendResponse({ id: msg.id, reply: { kind: "engine.error", error: "unavailable", message: String(err && err.message ? err.message : err) } }),
  );
  return true;
});
