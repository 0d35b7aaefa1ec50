/*
 * SecondSelf site adapter: Grok (grok.com). Data first: where the composer, send button, replies and
 * the ✨ anchor are, and which editor path writes the composer (see editors.js). Selectors are
 * most robust first, as the sites stood in 2026-09.
 * Fixture: tests/fixtures/sites/grok.html (a replica of the DOM below, used by the E2E tests).
 */
(globalThis.SecondSelfSiteAdapters ??= {})["grok"] = Object.freeze({
  id: "grok",
  name: "Grok",
  matches: ["https://grok.com/*"],
  fixture: "tests/fixtures/sites/grok.html",
  selectors: Object.freeze({
    composer: 'div.tiptap.ProseMirror[contenteditable="true"], div.ProseMirror[contenteditable="true"]',
    send: 'button[data-testid="chat-submit"], button[aria-label="Submit"]',
    reply: 'div[id^="response-"].items-start .response-content-markdown, [data-testid="assistant-message"]',
    user: 'div[id^="response-"].items-end',
    anchor: '#model-select-trigger',
  }),
  insert: (el, text) => SecondSelfEditors.rich.write(el, text),
  readComposer: (el) => SecondSelfEditors.rich.read(el),
  readReply: (el) => el.innerText || el.textContent || "",
});
