/*
 * SECONDSELF-TEST-HARNESS — never part of a shipped build (`secondself pack` refuses any file
 * carrying this marker, and `dist/extension` has none).
 *
 * autofill-eval.js — the measurement harness of `secondself eval autofill`, added as the last
 * content script of the autofill group by the test-only build (`src/test_build.rs`).
 *
 * When <html> carries `data-secondself-eval` at document idle (set by the eval's page-world
 * script), it waits for the page to settle, classifies every field of the page
 * (`SecondSelfAutofillRunner.autofill({scope: "page"})` — the shipped triggers always fill one
 * form, from the field the user acted in), marks every control with its predicted token as
 * `data-secondself-token`, then writes the classify+fill time in ms to `data-secondself-eval-ms`
 * (of which collecting: `data-secondself-eval-collect-ms`, the engine's round trip:
 * `data-secondself-eval-engine-ms`, of which in the engine host: `data-secondself-eval-host-ms`) and
 * sets `data-secondself-eval-done` (or `data-secondself-eval-error`). Marks reveal only token names.
 */
(() => {
  const root = document.documentElement;
  const Runner = globalThis.SecondSelfAutofillRunner;
  const AF = globalThis.SecondSelfAutofill;
  if (window !== window.top || !root || !root.hasAttribute("data-secondself-eval") || !Runner) return;
  // The timed fill starts when the page has settled (its load event, then an idle period, or
  // 3 s at most), as a user's fill from the icon or the shortcut does; at document idle the page
  // is often still loading, and its own layout work would be counted as ours.
  const settled = new Promise((resolve) => {
    setTimeout(resolve, 3000);
    const idle = () => requestIdleCallback(() => resolve(), { timeout: 1000 });
    if (document.readyState === "complete") idle();
    else addEventListener("load", idle, { once: true });
  });
  settled.then(() => Runner.autofill({ scope: "page" })).then(
    (r) => {
      for (const p of r.predictions) {
        const el = AF.elementAt(p.index);
        if (el) el.setAttribute("data-secondself-token", p.token || "none");
      }
      root.setAttribute("data-secondself-eval-ms", r.ms.toFixed(2));
      root.setAttribute("data-secondself-eval-collect-ms", r.collectMs.toFixed(2));
      root.setAttribute("data-secondself-eval-engine-ms", r.engineMs.toFixed(2));
      if (Number.isFinite(r.hostMs)) root.setAttribute("data-secondself-eval-host-ms", r.hostMs.toFixed(2));
      root.setAttribute("data-secondself-eval-done", "1");
    },
    (e) => {
      root.setAttribute("data-secondself-eval-error", String((e && e.message) || e));
      root.setAttribute("data-secondself-eval-done", "1");
    },
  );
})();
