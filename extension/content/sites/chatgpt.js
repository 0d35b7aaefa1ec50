/*
 * SecondSelf site adapter: ChatGPT (chatgpt.com). Data first: where the composer, send button, replies and
 * the ✨ anchor are, and which editor path writes the composer (see editors.js). Selectors are
 * most robust first, as the sites stood in 2026-09.
 * Fixture: tests/fixtures/sites/chatgpt.html (a replica of the DOM below, used by the E2E tests).
 */
(globalThis.SecondSelfSiteAdapters ??= {})["chatgpt"] = Object.freeze({
  id: "chatgpt",
  name: "ChatGPT",
  matches: ["https://chatgpt.com/*"],
  fixture: "tests/fixtures/sites/chatgpt.html",
  selectors: Object.freeze({
    composer: '#prompt-textarea[contenteditable="true"], [data-testid="prompt-textarea"][contenteditable="true"], form[data-type="unified-composer"] div[role="textbox"]',
    send: 'button#composer-submit-button, button[data-testid="send-button"]',
    reply: '[data-message-author-role="assistant"] .markdown.prose, [data-message-author-role="assistant"] .markdown',
    user: '[data-message-author-role="user"]',
    anchor: 'form[data-type="unified-composer"] [data-testid="composer-speech-button-container"], form[data-type="unified-composer"] button[aria-label="Dictate button"]',
  }),
  insert: (el, text) => SecondSelfEditors.rich.write(el, text),
  readComposer: (el) => SecondSelfEditors.rich.read(el),
  readReply: (el) => el.innerText || el.textContent || "",
});
