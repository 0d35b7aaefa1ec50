/*
 * SecondSelf site adapter: DeepSeek (chat.deepseek.com). Data first: where the composer, send button, replies and
 * the ✨ anchor are, and which editor path writes the composer (see editors.js). Selectors are
 * most robust first, as the sites stood in 2026-09.
 * Fixture: tests/fixtures/sites/deepseek.html (a replica of the DOM below, used by the E2E tests).
 */
(globalThis.SecondSelfSiteAdapters ??= {})["deepseek"] = Object.freeze({
  id: "deepseek",
  name: "DeepSeek",
  matches: ["https://chat.deepseek.com/*"],
  fixture: "tests/fixtures/sites/deepseek.html",
  selectors: Object.freeze({
    composer: 'textarea[placeholder*="DeepSeek"], textarea#chat-input, textarea[name="search"]',
    send: 'div[role="button"][aria-disabled]:not(.ds-toggle-button)',
    reply: '.ds-message .ds-markdown:not(.ds-markdown--think)',
    user: '[data-um-id]',
    anchor: 'div[role="button"][aria-disabled]:not(.ds-toggle-button)',
  }),
  insert: (el, text) => SecondSelfEditors.textarea.write(el, text),
  readComposer: (el) => SecondSelfEditors.textarea.read(el),
  readReply: (el) => el.innerText || el.textContent || "",
});
