/*
 * SecondSelf site adapter: Claude (claude.ai). Data first: where the composer, send button, replies and
 * the ✨ anchor are, and which editor path writes the composer (see editors.js). Selectors are
 * most robust first, as the sites stood in 2026-09.
 * Fixture: tests/fixtures/sites/claude.html (a replica of the DOM below, used by the E2E tests).
 */
(globalThis.SecondSelfSiteAdapters ??= {})["claude"] = Object.freeze({
  id: "claude",
  name: "Claude",
  matches: ["https://claude.ai/*"],
  fixture: "tests/fixtures/sites/claude.html",
  selectors: Object.freeze({
    composer: 'div[contenteditable="true"][data-testid="chat-input"], .ProseMirror[contenteditable="true"]',
    send: 'button[aria-label="Send message"]',
    reply: '.font-claude-response .standard-markdown, .font-claude-message',
    user: '[data-testid="user-message"]',
    anchor: 'form button[aria-label="Send message"]',
    streaming: '[data-is-streaming="true"]',
  }),
  insert: (el, text) => SecondSelfEditors.rich.write(el, text),
  readComposer: (el) => SecondSelfEditors.rich.read(el),
  readReply: (el) => el.innerText || el.textContent || "",
});
