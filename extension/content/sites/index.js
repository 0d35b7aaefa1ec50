/*
 * SecondSelf chat-site registry: the plain list of supported sites, in the order they are tried.
 * Each id has an adapter file `sites/<id>.js` (loaded before this file, see manifest.json) and a
 * replica fixture `tests/fixtures/sites/<id>.html`; a test keeps list, files, manifest and
 * fixtures in step. To add a site: write its adapter and fixture, then add its id here.
 */
(() => {
  const IDS = ["chatgpt", "claude", "gemini", "perplexity", "deepseek", "grok", "copilot"];
  const adapters = globalThis.SecondSelfSiteAdapters || {};
  globalThis.SecondSelfSites = Object.freeze(IDS.map((id) => adapters[id]).filter(Boolean));
})();
