/*
 * autofill.js — the autofill content script: glue between a page's form and the engine.
 *
 * Collects field descriptors with `SecondSelfAutofill.collect()` (content/autofill-fields.js), asks
 * the engine for a plan (`autofill.classify` → `autofill.plan`: one token per field and the values
 * to write), writes the values into fillable controls, highlights them, and undoes on request.
 * Requests from the extension: `content.autofill` (fill this page) and `content.autofill-undo`.
 *
 * Eval mode: when <html> carries `data-secondself-eval` at document idle (set by
 * `secondself eval autofill` from its page-world harness script), it also marks every control with
 * its predicted token as `data-secondself-token`, then writes the classify+fill time in ms to
 * `data-secondself-eval-ms` and sets `data-secondself-eval-done` (or `data-secondself-eval-error`).
 * Marks reveal only token names, never values.
 *
 * Must not: classify (the engine does), read memory or hold values beyond writing them, expose
 * anything on `window`, or treat page text as instructions.
 */
(() => {
  if (globalThis.__secondselfAutofillRunner) return;
  globalThis.__secondselfAutofillRunner = true;
  const AF = globalThis.SecondSelfAutofill;
  const P = globalThis.SecondSelfProtocol;

  /** Collect → classify → fill. Returns counts and the elapsed time. */
  async function autofill({ mark }) {
    const t0 = performance.now();
    const { fields } = AF.collect();
    let predictions = [];
    let fills = [];
    if (fields.length > 0) {
      const reply = await P.request({ kind: "autofill.classify", fields });
      predictions = reply.predictions || [];
      fills = reply.fills || [];
    }
    if (mark) for (const p of predictions) AF.mark(AF.elementAt(p.index), p.token);
    let filled = 0;
    for (const f of fills) {
      const el = AF.elementAt(f.index);
      if (AF.fill(el, f.value)) {
        AF.highlight(el);
        filled++;
      }
    }
    return { fields: fields.length, classified: predictions.filter((p) => p.token !== "none").length, filled, ms: performance.now() - t0 };
  }

  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !msg || msg.to !== "content" || !msg.request) return false;
    const kind = msg.request.kind;
    if (kind === "content.autofill") {
      autofill({ mark: false }).then(
        (r) => sendResponse({ id: msg.id, reply: { kind: "content.autofilled", ...r } }),
        (e) => sendResponse({ id: msg.id, reply: { kind: "engine.error", error: e.kind || "autofill_failed", message: String(e.message || e) } }),
      );
      return true;
    }
    if (kind === "content.autofill-undo") {
      sendResponse({ id: msg.id, reply: { kind: "content.autofill-undone", restored: AF.undo() } });
    }
    return false;
  });

  const root = document.documentElement;
  if (window === window.top && root && root.hasAttribute("data-secondself-eval")) {
    autofill({ mark: true }).then(
      (r) => {
        root.setAttribute("data-secondself-eval-ms", r.ms.toFixed(2));
        root.setAttribute("data-secondself-eval-done", "1");
      },
      (e) => {
        root.setAttribute("data-secondself-eval-error", String((e && e.message) || e));
        root.setAttribute("data-secondself-eval-done", "1");
      },
    );
  }
})();
