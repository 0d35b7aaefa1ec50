// The peer of `secondself bench pdf`: pdf.js (Mozilla's PDF reader, the one Firefox ships) reading
// the text of every page of a PDF under Node, as an extension would with it. Prints JSON:
// { ms: [per run], pages, chars }.
import { readFileSync } from "node:fs";

// pdf.js 6 wants Promise.withResolvers (Node 22); Debian's Node 20 lacks it.
Promise.withResolvers ??= function () {
  let resolve, reject;
  const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
};
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");

const [file, runs] = process.argv.slice(2);
const bytes = readFileSync(file);
const ms = [];
let pages = 0;
let chars = 0;
for (let r = 0; r < Number(runs); r++) {
  const t0 = performance.now();
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0 });
  const doc = await task.promise;
  chars = 0;
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const content = await page.getTextContent();
    for (const item of content.items) chars += (item.str || "").length;
  }
  pages = doc.numPages;
  await task.destroy();
  ms.push(performance.now() - t0);
}
console.log(JSON.stringify({ ms, pages, chars }));
