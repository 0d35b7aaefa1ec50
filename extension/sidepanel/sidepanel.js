/*
 * SecondSelf side panel: shows the engine's status and whether SecondSelf is active on the
 * current tab. Talks to the engine only through the router (`SecondSelfProtocol.request`).
 * Must not: compute anything the engine should (this file is DOM in, DOM out).
 */
import { localize, t, tn } from "./i18n.js";
import { bindPickers } from "./files.js";

const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);

// The panel's words in the browser's language, before anything else shows.
localize();

function setState(state, label) {
  const pill = $("engine-state");
  pill.dataset.state = state;
  pill.textContent = label;
}

function formatBackend(backend) {
  if (!backend) return t("backendUnknown");
  if (backend.type === "gpu") return backend.adapter;
  return tn("cpuThreads", backend.threads, backend.threads);
}

async function showEngine() {
  try {
    const pong = await request({ kind: "engine.ping" });
    $("engine-version").textContent = `v${pong.version}`;
    $("engine-backend").textContent = formatBackend(pong.backend);
    setState("ready", t("stateReady"));
  } catch (err) {
    setState("error", t("stateUnavailable"));
    const box = $("engine-error");
    box.hidden = false;
    box.textContent = t("engineFailed", err.message);
  }
}

async function showModel() {
  try {
    const desc = await (await fetch("../assets/models/model.json")).json();
    const head = await fetch(`../assets/models/${desc.file}`, { method: "HEAD" });
    const size = `${Math.round(desc.size / (1024 * 1024))} MB`;
    $("engine-model").textContent = head.ok ? `${desc.name} · ${desc.quantization} · ${size}` : t("modelMissing", desc.name);
  } catch {
    $("engine-model").textContent = t("noModelDescriptor");
  }
}

/** The tab the panel is about: the active tab, or (when the panel itself is open as a tab) the
 * first other tab of its window where SecondSelf answers. */
async function pageTabs() {
  const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  const self = await chrome.tabs.getCurrent();
  if (!self || !active || active.id !== self.id) return active ? [active] : [];
  return (await chrome.tabs.query({ windowId: self.windowId })).filter((t) => t.id !== self.id);
}

async function showPage() {
  const status = $("page-status");
  for (const tab of await pageTabs()) {
    try {
      const pong = await request({ kind: "content.ping", tabId: tab.id });
      status.textContent = t("activeOn", new URL(pong.url).host);
      return;
    } catch {
      // not a page SecondSelf runs on; try the next
    }
  }
  status.textContent = t("notActive");
}

showEngine();
showModel();
showPage();

// Tabs: one view visible at a time; the selected tab is the tab list's one tab stop, and the
// arrow keys (Home, End) move between tabs, as the ARIA tabs pattern has it.
const tabs = [...document.querySelectorAll('[role="tab"]')];
function select(tab) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
}
for (const tab of tabs) {
  tab.addEventListener("click", () => select(tab));
  tab.addEventListener("keydown", (ev) => {
    const at = tabs.indexOf(tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length];
    next.focus();
    next.click();
  });
}
select(tabs.find((t) => t.getAttribute("aria-selected") === "true") || tabs[0]);

// "Import files…", "Restore backup…", …: buttons that open their file input.
bindPickers();
