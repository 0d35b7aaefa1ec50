// Cross-engine check of a LoRA adapter: native llama.cpp (node-llama-cpp's prebuilt binary) loads
// the base GGUF with the adapter and, for each prompt (token ids), prints the greedy continuation
// and the top-10 next-token log-probabilities after the prompt. Prints one JSON line.
// Usage: node llama_cpp_lora.mjs MODEL.gguf ADAPTER.gguf PROMPTS.json GREEDY_TOKENS
import { readFileSync } from "node:fs";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

const [modelPath, adapterPath, promptsPath, greedyTokens] = process.argv.slice(2);
const prompts = JSON.parse(readFileSync(promptsPath, "utf8"));
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({
  contextSize: 512,
  threads: 2,
  lora: adapterPath === "-" ? undefined : { adapters: [{ filePath: adapterPath, scale: 1 }] },
});

const out = [];
for (const ids of prompts) {
  let sequence = context.getSequence();
  let top = [];
  for await (const step of sequence.evaluateWithMetadata(ids, { probabilities: true }, { temperature: 1, topK: 0, topP: 1, minP: 0 })) {
    top = [...step.probabilities.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([token, p]) => [token, Math.log(p)]);
    break;
  }
  sequence.dispose();
  sequence = context.getSequence();
  const greedy = [];
  for await (const token of sequence.evaluate(ids, { temperature: 0 })) {
    greedy.push(token);
    if (greedy.length >= Number(greedyTokens)) break;
  }
  sequence.dispose();
  out.push({ top10: top, greedy });
}
console.log(JSON.stringify(out));
