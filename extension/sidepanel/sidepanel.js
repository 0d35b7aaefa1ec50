/*
 * SecondSelf side panel: shows the engine's status and whether SecondSelf is active on the
 * current tab. Talks to the engine only through the router (`SecondSelfProtocol.request`).
 * Must not: compute anything the engine should (this file is DOM in, DOM out).
 */
const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);

function setState(state, label) {
  const pill = $("engine-state");
  pill.dataset.state = state;
  pill.textContent = label;
}

function formatBackend(backend) {
  if (!backend) return "unknown";
  if (backend.type === "gpu") return backend.adapter;
  return `CPU (${backend.threads} thread${backend.threads === 1 ? "" : "s"})`;
}

async function showEngine() {
  try {
    const pong = await request({ kind: "engine.ping" });
    $("engine-version").textContent = `v${pong.version}`;
    $("engine-backend").textContent = formatBackend(pong.backend);
    setState("ready", "ready");
  } catch (err) {
    setState("error", "unavailable");
    const box = $("engine-error");
    box.hidden = false;
    box.textContent = `The engine did not start: ${err.message}`;
  }
}

async function showModel() {
  try {
    const desc = await (await fetch("../assets/models/model.json")).json();
    const head = await fetch(`../assets/models/${desc.file}`, { method: "HEAD" });
    const size = `${Math.round(desc.size / (1024 * 1024))} MB`;
    $("engine-model").textContent = head.ok ? `${desc.name} · ${desc.quantization} · ${size}` : `${desc.name} — missing from this build`;
  } catch {
    $("engine-model").textContent = "no model descriptor";
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
      status.textContent = `Active on ${new URL(pong.url).host}.`;
      return;
    } catch {
      // not a page SecondSelf runs on; try the next
    }
  }
  status.textContent = "Not active on this tab. SecondSelf works on web pages (http, https); reload a page opened before it was installed.";
}

showEngine();
showModel();
showPage();
