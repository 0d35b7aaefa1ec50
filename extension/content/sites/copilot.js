/*
 * SecondSelf site adapter: Copilot (copilot.microsoft.com, www.copilot.com). Data first: where the composer, send button, replies and
 * the ✨ anchor are, and which editor path writes the composer (see editors.js). Selectors are
 * most robust first, as the sites stood in 2026-09.
 * Fixture: tests/fixtures/sites/copilot.html (a replica of the DOM below, used by the E2E tests).
 */
(globalThis.SecondSelfSiteAdapters ??= {})["copilot"] = Object.freeze({
  id: "copilot",
  name: "Copilot",
  matches: ["https://copilot.microsoft.com/*", "https://www.copilot.com/*"],
  fixture: "tests/fixtures/sites/copilot.html",
  selectors: Object.freeze({
    composer: 'textarea#userInput, textarea[data-testid="composer-input"]',
    send: 'button[data-testid="submit-button"]',
    reply: '[data-content="ai-message"]',
    user: '[data-content="user-message"]',
    anchor: '#composer-create-button',
  }),
  insert: (el, text) => SecondSelfEditors.textarea.write(el, text),
  readComposer: (el) => SecondSelfEditors.textarea.read(el),
  readReply: (el) => el.innerText || el.textContent || "",
});
