/*
 * SecondSelf side panel: its words in the browser's language. Every user-visible string is a
 * message of `_locales/<lang>/messages.json` (en, de, fr, es, pt); HTML names its message in
 * `data-i18n` (text) or `data-i18n-<attribute>` (placeholder, title, aria-label, value), scripts
 * call `t(name, …values)` where a message holds `{1}`, `{2}` for the values, and `tn` for a
 * message with a singular (`_one`) and a plural (`_other`) form.
 * Must not: build sentences from pieces in code (a language orders them its own way).
 */
const ui = chrome.i18n.getUILanguage();
const plural = new Intl.PluralRules(ui);

/** The message `name` with `{1}`, `{2}`, … replaced by `values`; the name itself if missing. */
export function t(name, ...values) {
  const message = chrome.i18n.getMessage(name) || name;
  return message.replace(/\{(\d)\}/g, (all, i) => (values[i - 1] === undefined ? all : String(values[i - 1])));
}

/** Why the file `name` was not imported (an outcome `failed`): in the user's language when the
 * engine names the reason (`importFail_<reason>`), else the engine's own account. */
export function importFailure(name, outcome) {
  const said = outcome.reason && chrome.i18n.getMessage(`importFail_${outcome.reason}`);
  return said ? t(`importFail_${outcome.reason}`, name) : outcome.message;
}

/** `name_one` or `name_other` as the language counts `n`. */
export function tn(name, n, ...values) {
  return t(`${name}_${plural.select(n) === "one" ? "one" : "other"}`, ...values);
}

/** A profile fact's label (`given-name` → "given name" in English, "Vorname" in German). */
export function factLabel(key) {
  const message = chrome.i18n.getMessage(`fact_${key.replace(/[^A-Za-z0-9]/g, "_")}`);
  return message || key.replace(/-/g, " ");
}

const ATTRIBUTES = ["placeholder", "title", "aria-label", "value"];

/** Puts the messages into `root`'s marked elements. */
export function localize(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const attr of ATTRIBUTES) {
    for (const node of root.querySelectorAll(`[data-i18n-${attr}]`)) node.setAttribute(attr, t(node.getAttribute(`data-i18n-${attr}`)));
  }
  if (root === document) document.documentElement.lang = ui;
}
