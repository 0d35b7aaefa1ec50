/*
 * SECONDSELF-TEST-HARNESS: part of the test-only build (src/test_build.rs); never shipped.
 * SecondSelf bench page: asks the engine to time the model (`bench.model`) on WebGPU (when the
 * browser has it and it passes the self-check) and on the CPU (wasm), and shows one row each.
 * `?gpu_prompt=&gpu_decode=` shorten the WebGPU run (software adapters are slow). The results
 * are also left in `window.benchResults` for `secondself bench model`.
 * Must not: time anything itself (the engine measures with performance.now()).
 */
const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const promptTokens = Number(params.get("prompt") || 200);
const decodeTokens = Number(params.get("decode") || 128);
const gpuPrompt = Number(params.get("gpu_prompt") || promptTokens);
const gpuDecode = Number(params.get("gpu_decode") || decodeTokens);
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
    const runs = [
      { on: "WebGPU", ask: { webgpu: true, prompt_tokens: gpuPrompt, decode_tokens: gpuDecode } },
      { on: "CPU", ask: { cpu: true, prompt_tokens: promptTokens, decode_tokens: decodeTokens } },
    ];
    for (const { on, ask } of runs) {
      $("status").textContent = `Measuring ${on}…`;
      try {
        const r = await request({ kind: "bench.model", ...ask });
        results.push(r);
        body.append(row(r));
      } catch (err) {
        if (on === "CPU") throw err;
        results.push({ backend: on, skipped: err.message });
      }
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
