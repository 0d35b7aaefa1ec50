/*
 * SecondSelf's words in the page's tools (autofill menu, draft card, chat-site buttons), in the
 * browser's language: `SecondSelfI18n.t(name, …values)` reads `_locales/<lang>/messages.json`
 * (`{1}`, `{2}` take the values), as the side panel's `i18n.js` does. Lives in the content
 * scripts' isolated world only; page scripts never see it.
 */
(() => {
  const t = (name, ...values) => {
    const message = chrome.i18n.getMessage(name) || name;
    return message.replace(/\{(\d)\}/g, (all, i) => (values[i - 1] === undefined ? all : String(values[i - 1])));
  };
  globalThis.SecondSelfI18n = Object.freeze({ t });
})();
