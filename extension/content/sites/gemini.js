/*
 * SecondSelf site adapter: Gemini (gemini.google.com). Data first: where the composer, send button, replies and
 * the ✨ anchor are, and which editor path writes the composer (see editors.js). Selectors are
 * most robust first, as the sites stood in 2026-09.
 * Fixture: tests/fixtures/sites/gemini.html (a replica of the DOM below, used by the E2E tests).
 */
(globalThis.SecondSelfSiteAdapters ??= {})["gemini"] = Object.freeze({
  id: "gemini",
  name: "Gemini",
  matches: ["https://gemini.google.com/*"],
  fixture: "tests/fixtures/sites/gemini.html",
  selectors: Object.freeze({
    composer: 'rich-textarea .ql-editor[contenteditable="true"], [aria-label*="prompt for Gemini"][contenteditable="true"]',
    send: 'button.send-button, button[aria-label*="Send"]',
    reply: 'model-response message-content .markdown-main-panel',
    user: 'user-query',
    anchor: '.text-input-field toolbox-drawer',
  }),
  insert: (el, text) => SecondSelfEditors.rich.write(el, text),
  readComposer: (el) => SecondSelfEditors.rich.read(el),
  readReply: (el) => el.innerText || el.textContent || "",
});
