/*
 * SecondSelf side panel, Engine tab → Model: shows the model in use and lets the user import
 * another GGUF file. The file is copied into the extension's private file system (OPFS,
 * `models/incoming.gguf`); the engine then validates it by loading it and only then replaces the
 * current model (`model.import`). "Use the bundled model" goes back (`model.reset`).
 * Must not: parse or check the file itself (the engine does).
 */
import { t } from "./i18n.js";

const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);

function describe(state) {
  if (state.state !== "ready" || !state.model) return state.state === "failed" ? t("modelFailed", state.error) : t("modelNotYet");
  const m = state.model;
  const backend = m.backend.type === "gpu" ? m.backend.adapter : "CPU";
  const mb = Math.round(m.bytes / (1024 * 1024));
  return `${t("modelOn", m.name, m.source, mb, backend)}${m.fallback ? ` — ${m.fallback}` : ""}`;
}

async function refresh() {
  try {
    $("model-in-use").textContent = describe(await request({ kind: "model.status" }));
  } catch (err) {
    $("model-in-use").textContent = t("unknownError", err.message);
  }
}

async function copyToOpfs(file) {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle("models", { create: true });
  const handle = await dir.getFileHandle("incoming.gguf", { create: true });
  const writable = await handle.createWritable();
  await file.stream().pipeTo(writable);
}

async function run(label, work) {
  const status = $("model-status");
  status.textContent = label;
  try {
    const state = await work();
    $("model-in-use").textContent = describe(state);
    status.textContent = t("done");
  } catch (err) {
    status.textContent = err.message;
  }
}

$("model-file").addEventListener("change", (ev) => {
  const file = ev.target.files[0];
  ev.target.value = "";
  if (!file) return;
  run(t("checkingFile", file.name), async () => {
    await copyToOpfs(file);
    return request({ kind: "model.import" });
  });
});

$("model-bundled").addEventListener("click", () => run(t("loadingBundled"), () => request({ kind: "model.reset" })));
$("tab-engine").addEventListener("click", refresh);
