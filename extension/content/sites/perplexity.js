/*
 * SecondSelf site adapter: Perplexity (www.perplexity.ai, perplexity.ai). Data first: where the composer, send button, replies and
 * the ✨ anchor are, and which editor path writes the composer (see editors.js). Selectors are
 * most robust first, as the sites stood in 2026-09.
 * Fixture: tests/fixtures/sites/perplexity.html (a replica of the DOM below, used by the E2E tests).
 */
(globalThis.SecondSelfSiteAdapters ??= {})["perplexity"] = Object.freeze({
  id: "perplexity",
  name: "Perplexity",
  matches: ["https://www.perplexity.ai/*", "https://perplexity.ai/*"],
  fixture: "tests/fixtures/sites/perplexity.html",
  selectors: Object.freeze({
    composer: '#ask-input[data-lexical-editor="true"], div[contenteditable="true"][data-lexical-editor="true"]',
    send: 'button[aria-label="Submit"]',
    reply: '.prose.inline, div[id^="markdown-content-"]:not(:empty)',
    user: 'div[class~="group/query"] span.select-text, span.select-text',
    anchor: 'div.justify-self-end.col-start-3.row-start-2',
  }),
  insert: (el, text) => SecondSelfEditors.lexical.write(el, text),
  readComposer: (el) => SecondSelfEditors.lexical.read(el),
  readReply: (el) => el.innerText || el.textContent || "",
});
