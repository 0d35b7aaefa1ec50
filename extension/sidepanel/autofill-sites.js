/*
 * SecondSelf side panel, Memory tab, "Autofill" card: the sites where the user chose "Never on
 * this site" in the inline autofill menu, each with "Allow again".
 * The list is `chrome.storage.local` `autofillBlocked` = `{<origin>: true}` (written by
 * content/autofill.js, which also reads it on every trigger); this file only shows and edits it.
 * Must not: touch memory or pages.
 */
import { t } from "./i18n.js";

const KEY = "autofillBlocked";
const list = document.getElementById("autofill-blocked");

async function allow(origin) {
  const { [KEY]: current = {} } = await chrome.storage.local.get(KEY);
  delete current[origin];
  await chrome.storage.local.set({ [KEY]: current });
}

function render(blocked) {
  const origins = Object.keys(blocked || {}).filter((o) => blocked[o]).sort();
  if (origins.length === 0) {
    const p = document.createElement("li");
    p.className = "muted";
    p.textContent = t("autofillAll");
    list.replaceChildren(p);
    return;
  }
  list.replaceChildren(
    ...origins.map((origin) => {
      const li = document.createElement("li");
      li.dataset.origin = origin;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = origin;
      const b = document.createElement("button");
      b.type = "button";
      b.className = "icon";
      b.textContent = t("allowAgain");
      b.title = t("allowAgainTitle", origin);
      b.addEventListener("click", () => allow(origin));
      li.append(name, b);
      return li;
    }),
  );
}

chrome.storage.local.get(KEY).then((v) => render(v[KEY]));
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && changes[KEY]) render(changes[KEY].newValue);
});
