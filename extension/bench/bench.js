/*
 * SecondSelf bench page: asks the engine to time the model (`bench.model`) on the device it
 * uses (WebGPU when it passed its self-check) and on the CPU, and shows one row each. The
 * results are also left in `window.benchResults` for `secondself bench model`.
 * Must not: time anything itself (the engine measures with performance.now()).
 */
const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const promptTokens = Number(params.get("prompt") || 200);
const decodeTokens = Number(params.get("decode") || 128);
$("prompt-n").textContent = promptTokens;
$("decode-n").textContent = decodeTokens;

function row(r) {
  const tr = document.createElement("tr");
  for (const v of [r.backend, (r.load_ms / 1000).toFixed(2), r.bench.prefill_tps.toFixed(1), r.bench.decode_tps.toFixed(1), r.wasm_heap_mb.toFixed(0)]) {
    const td = document.createElement("td");
    td.textContent = v;
    tr.append(td);
  }
  return tr;
}

async function run() {
  $("run").disabled = true;
  const body = $("results").tBodies[0];
  body.replaceChildren();
  window.benchResults = null;
  const results = [];
  try {
    $("status").textContent = "Loading the model…";
    await request({ kind: "model.load" });
    for (const cpu of [false, true]) {
      $("status").textContent = cpu ? "Measuring the CPU…" : "Measuring the model's device…";
      const r = await request({ kind: "bench.model", cpu, prompt_tokens: promptTokens, decode_tokens: decodeTokens });
      results.push(r);
      body.append(row(r));
    }
    $("status").textContent = "Done.";
    window.benchResults = results;
  } catch (err) {
    $("status").textContent = `Failed: ${err.message}`;
    window.benchResults = { error: err.message };
  } finally {
    $("run").disabled = false;
  }
}

$("run").addEventListener("click", run);
if (params.has("auto")) run();
