/*
 * SecondSelf's first-run page (opened once, on install): a first import or note through the
 * engine (`memory.import`, `memory.remember`, `memory.distil`), the keyboard shortcuts as the
 * browser has them now (the user changes them in the browser's shortcut settings), and a button
 * that opens the panel. Must not: keep or show memories itself (the panel does).
 */
import { importFailure, localize, t, tn } from "../sidepanel/i18n.js";
import { bindPickers, mib, toBase64 } from "../sidepanel/files.js";

localize();
const { request, MAX_IMPORT_BYTES } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);
const say = (text) => ($("first-status").textContent = text);

bindPickers();

$("first-files").addEventListener("change", async (ev) => {
  const files = [...ev.target.files];
  ev.target.value = "";
  if (!files.length) return;
  let imported = 0;
  const failed = [];
  for (const file of files) {
    say(t("importingFile", file.name));
    try {
      if (file.size > MAX_IMPORT_BYTES) throw new Error(t("tooBig", mib(file.size), mib(MAX_IMPORT_BYTES)));
      const { outcome } = await request({ kind: "memory.import", name: file.name, data: await toBase64(file) });
      if (outcome.status === "failed") failed.push(importFailure(file.name, outcome));
      else imported += 1;
    } catch (err) {
      failed.push(`${file.name}: ${err.message}`);
    }
  }
  say(t("learning"));
  try {
    await request({ kind: "memory.distil" });
  } catch (err) {
    failed.push(err.message);
  }
  say([tn("imported", files.length, imported, files.length), ...failed.map((f) => `✗ ${f}`)].join(" · "));
});

$("first-note-save").addEventListener("click", async () => {
  const text = $("first-note").value.trim();
  if (!text) return;
  try {
    const { outcome } = await request({ kind: "memory.remember", text });
    if (outcome.status === "failed") return say(outcome.message);
    await request({ kind: "memory.distil" });
    $("first-note").value = "";
    say(t("noteRemembered"));
  } catch (err) {
    say(t("updateFailed", err.message));
  }
});

async function showShortcuts() {
  const commands = await chrome.commands.getAll();
  const list = $("shortcuts");
  list.replaceChildren();
  for (const c of commands) {
    const name = document.createElement("dt");
    // The browser keeps no description for its own `_execute_…` commands: they open the panel.
    name.textContent = c.name.startsWith("_execute") ? t("openPanelCommand") : c.description || c.name;
    const keys = document.createElement("dd");
    keys.textContent = c.shortcut || t("shortcutNone");
    keys.dataset.command = c.name;
    list.append(name, keys);
  }
}
showShortcuts();

$("shortcuts-change").addEventListener("click", () => {
  // Firefox opens its own shortcut settings; Chrome's are a page of its own.
  if (globalThis.browser?.commands?.openShortcutSettings) browser.commands.openShortcutSettings();
  else chrome.tabs.create({ url: "chrome://extensions/shortcuts" });
});

// Each browser's build carries its own opener (Chrome's side panel, Firefox's sidebar), loaded
// now so that the click runs it at once.
const { openPanel } = await (globalThis.browser?.sidebarAction ? import("./open-firefox.js") : import("./open-chrome.js"));
$("open-panel").addEventListener("click", () => {
  openPanel().then(
    () => ($("open-status").textContent = ""),
    (err) => ($("open-status").textContent = t("openPanelFailed", err.message)),
  );
});
