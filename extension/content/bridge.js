/*
 * SecondSelf content-script bridge: the extension's only presence in web pages.
 *
 * Runs in the extension's isolated world. It talks to the background router only
 * (`chrome.runtime`), never to the page: it registers no `window.message` listener, writes no
 * memory into the DOM and exposes nothing on `window`. Page text it reads later (forms, chat
 * replies) is data, never instructions.
 * Answers `content.ping` from the extension so tests and the side panel can see it is present.
 */
(() => {
  if (globalThis.__secondselfBridge) return;
  globalThis.__secondselfBridge = true;

  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !msg || msg.to !== "content" || !msg.request) return false;
    if (msg.request.kind === "content.ping") {
      sendResponse({ id: msg.id, reply: { kind: "content.pong", url: location.href, frame: window === window.top ? "top" : "sub" } });
    }
    return false;
  });
})();
