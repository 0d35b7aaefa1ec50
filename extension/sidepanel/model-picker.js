/*
 * SecondSelf side panel, Engine tab → Model: shows the model in use and lets the user import
 * another GGUF file. The file is copied into the extension's private file system (OPFS,
 * `models/incoming.gguf`); the engine then validates it by loading it and only then replaces the
 * current model (`model.import`). "Use the bundled model" goes back (`model.reset`).
 * Must not: parse or check the file itself (the engine does).
 */
const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);

function describe(state) {
  if (state.state !== "ready" || !state.model) return state.state === "failed" ? `The model failed to load: ${state.error}` : "Not loaded yet.";
  const m = state.model;
  const backend = m.backend.type === "gpu" ? m.backend.adapter : "CPU";
  const mb = Math.round(m.bytes / (1024 * 1024));
  return `${m.name} (${m.source}, ${mb} MB) on ${backend}${m.fallback ? ` — ${m.fallback}` : ""}`;
}

async function refresh() {
  try {
    $("model-in-use").textContent = describe(await request({ kind: "model.status" }));
  } catch (err) {
    $("model-in-use").textContent = `Unknown: ${err.message}`;
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
    status.textContent = "Done.";
  } catch (err) {
    status.textContent = err.message;
  }
}

$("model-file").addEventListener("change", (ev) => {
  const file = ev.target.files[0];
  ev.target.value = "";
  if (!file) return;
  run(`Checking ${file.name}…`, async () => {
    await copyToOpfs(file);
    return request({ kind: "model.import" });
  });
});

$("model-bundled").addEventListener("click", () => run("Loading the bundled model…", () => request({ kind: "model.reset" })));
$("tab-engine").addEventListener("click", refresh);
