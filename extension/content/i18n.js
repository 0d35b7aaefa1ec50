/*
 * SecondSelf's words in the page's tools (autofill menu, draft card, chat-site buttons), in the
 * browser's language: `SecondSelfI18n.t(name, …values)` reads `_locales/<lang>/messages.json`
 * (`{1}`, `{2}` take the values), as the side panel's `i18n.js` does; `offerLabel(key, fallback)`
 * names a sensitive fact the autofill menu offers. Lives in the content
 * scripts' isolated world only; page scripts never see it.
 */
(() => {
  const t = (name, ...values) => {
    const message = chrome.i18n.getMessage(name) || name;
    return message.replace(/\{(\d)\}/g, (all, i) => (values[i - 1] === undefined ? all : String(values[i - 1])));
  };
  /** The name of a sensitive fact the menu offers (`passport-number`), or the engine's own. */
  const offerLabel = (key, fallback) => chrome.i18n.getMessage(`offer_${String(key).replace(/[^A-Za-z0-9]/g, "_")}`) || fallback;
  globalThis.SecondSelfI18n = Object.freeze({ t, offerLabel });
})();
