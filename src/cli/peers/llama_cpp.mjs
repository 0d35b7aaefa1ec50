// Peer benchmark: native llama.cpp through node-llama-cpp's prebuilt binary, on the same GGUF
// and the same token counts as `secondself bench model`. Prints one JSON line.
// Usage: node llama_cpp.mjs MODEL.gguf THREADS PROMPT_TOKENS DECODE_TOKENS
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

const [modelPath, threads, promptTokens, decodeTokens] = process.argv.slice(2);
const nPrompt = Number(promptTokens);
const nDecode = Number(decodeTokens);

const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const t0 = performance.now();
const model = await llama.loadModel({ modelPath });
const loadS = (performance.now() - t0) / 1000;
const context = await model.createContext({ contextSize: 1024, batchSize: 512, threads: Number(threads) });

const text = "The history of the lighthouse begins with fires lit on hilltops to guide ships home. ";
let tokens = [];
while (tokens.length < nPrompt) tokens = tokens.concat(model.tokenize(text));
tokens = tokens.slice(0, nPrompt);

async function run(prompt, steps) {
  const sequence = context.getSequence();
  const start = performance.now();
  let first = 0;
  let n = 0;
  for await (const _ of sequence.evaluate(prompt, { temperature: 0 })) {
    if (n === 0) first = performance.now();
    n += 1;
    if (n > steps) break;
  }
  const end = performance.now();
  sequence.dispose();
  return { prefillS: (first - start) / 1000, decodeS: (end - first) / 1000, decoded: n - 1 };
}

await run(tokens.slice(0, 16), 2); // warm-up
const r = await run(tokens, nDecode);
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ load_s: loadS, prefill_tps: nPrompt / r.prefillS, decode_tps: r.decoded / r.decodeS, peak_mb: peakMb, version: llama.llamaCppRelease?.release ?? "" }));
