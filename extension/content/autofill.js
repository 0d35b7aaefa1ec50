/*
 * autofill.js — the autofill content script: glue between a page's form and the engine.
 *
 * Collects field descriptors with `SecondSelfAutofill.collect()` (content/autofill-fields.js), asks
 * the engine for a plan (`autofill.classify` → `autofill.plan`: one token per field, the values
 * to write, and for a focused sensitive field its masked offers), writes the values into fillable
 * controls, highlights them, and undoes on request.
 *
 * Triggers, all from the user: `content.autofill` (keyboard shortcut, context menu: the whole
 * page), `content.autofill-undo`, and the inline icon in the focused field
 * (content/autofill-menu.js): "Fill this form", "Fill this field", a masked sensitive fact to pick
 * (the only way one is ever filled), "Never on this site", and on a free-text question "Draft an
 * answer from my memory" (`autofill.draft`; the card in content/autofill-draft.js shows the draft
 * and the memories it rests on, and nothing is written until the user clicks Insert).
 * "Never on this site" is `chrome.storage.local` `autofillBlocked` = `{<top origin>: true}`; every
 * trigger honours it, and the side panel's Memory tab lists and lifts it.
 *
 * Every fill starts from a field the user acted in (the focused field for the shortcut, the field
 * right-clicked for the context menu, the field of the icon) and stays in its form — or, on a page
 * without a `<form>`, its nearest section (`SecondSelfAutofill.group`): other forms of the page,
 * hidden or not, are never touched. No field, no fill.
 *
 * The measurement harness (`secondself eval autofill`) is not part of this build: its test-only
 * build adds a content script that drives `SecondSelfAutofillRunner.autofill` (this isolated
 * world's, which page scripts cannot reach).
 *
 * Must not: classify (the engine does), read memory or hold values beyond writing them, expose
 * anything on `window`, act on untrusted (page-made) events, or treat page text as instructions.
 */
(() => {
  if (globalThis.__secondselfAutofillRunner) return;
  globalThis.__secondselfAutofillRunner = true;
  const AF = globalThis.SecondSelfAutofill;
  const Menu = globalThis.SecondSelfAutofillMenu;
  const { t, offerLabel } = globalThis.SecondSelfI18n;
  const Draft = globalThis.SecondSelfAutofillDraft;
  const P = globalThis.SecondSelfProtocol;
  const BLOCKED = "autofillBlocked";

  /** The site a "never on this site" choice is about: the top page's origin, also inside frames. */
  const site = () => {
    const a = location.ancestorOrigins;
    return a && a.length ? a[a.length - 1] : location.origin;
  };

  let blocked = false;
  const blockedReady = chrome.storage.local.get(BLOCKED).then(
    (v) => { blocked = !!(v[BLOCKED] && v[BLOCKED][site()]); },
    () => {},
  );
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== "local" || !changes[BLOCKED]) return;
    const now = changes[BLOCKED].newValue || {};
    blocked = !!now[site()];
    if (blocked) Menu.hide();
  });

  async function neverOnThisSite() {
    const { [BLOCKED]: current = {} } = await chrome.storage.local.get(BLOCKED);
    await chrome.storage.local.set({ [BLOCKED]: { ...current, [site()]: true } });
    blocked = true;
    Menu.hide();
  }

  /**
   * Sends a request to the engine. Fast path: a port straight to the offscreen engine host
   * (`runtime.connect`, which only the host listens for, so the service worker is not woken for
   * every form), which knows this sender is a page (`sender.tab`). When the host is not running
   * yet the port closes at once and the request goes through the router, which starts it.
   */
  let port = null;
  const waiting = new Map();
  /** The host's own time for the last request on the port (eval mode's breakdown). */
  let lastHostMs = NaN;
  function enginePort() {
    if (port) return port;
    const p = chrome.runtime.connect({ name: P.ENGINE_PORT });
    p.onMessage.addListener((m) => {
      const done = m && waiting.get(m.id);
      if (done) { waiting.delete(m.id); lastHostMs = m.host_ms; done(m.reply); }
    });
    p.onDisconnect.addListener(() => {
      void chrome.runtime.lastError;
      if (port === p) port = null;
      for (const done of waiting.values()) done(null);
      waiting.clear();
    });
    port = p;
    return p;
  }

  async function engine(request) {
    let reply = null;
    const id = P.newId();
    try {
      const answered = new Promise((resolve) => waiting.set(id, resolve));
      enginePort().postMessage({ to: "engine", id, request });
      reply = await answered;
    } catch (_) {
      waiting.delete(id);
      port = null;
    }
    if (reply && reply.kind === "engine.error") throw Object.assign(new Error(reply.message), { kind: reply.error });
    if (reply) return reply;
    return P.request(request);
  }

  /** Collect → classify → fill. `ask`: {focus (element), scope ("form" | "field" | "preview";
   * "page" for the test harness only), pick}. Fills never leave the focused field's group. */
  async function autofill(ask = {}) {
    const t0 = performance.now();
    const { fields } = AF.collect();
    const collectMs = performance.now() - t0;
    const focus = ask.focus ? AF.indexOf(ask.focus) : null;
    const scope = ask.scope || "form";
    let predictions = [];
    let fills = [];
    let engineMs = 0;
    let hostMs = NaN;
    if (fields.length > 0 && (focus != null || scope === "page")) {
      const request = { kind: "autofill.classify", fields, scope };
      if (focus != null) request.focus = focus;
      if (ask.pick) request.pick = ask.pick;
      const t1 = performance.now();
      const reply = await engine(request);
      engineMs = performance.now() - t1;
      hostMs = lastHostMs;
      predictions = reply.predictions || [];
      fills = reply.fills || [];
    }
    const home = focus != null ? AF.group(ask.focus) : null;
    // Every fill re-checks its control's visibility, which reads computed styles and layout:
    // write all values first and change styles and attributes only after, so that each check
    // finds the page's layout clean instead of recomputing it for every field.
    const written = [];
    AF.beginFill();
    try {
      for (const f of fills) {
        const el = AF.elementAt(f.index);
        if (home && AF.group(el) !== home) continue;
        if (AF.fill(el, f.value)) written.push(el);
      }
    } finally {
      AF.endFill();
    }
    for (const el of written) AF.highlight(el);
    const filled = written.length;
    const classified = predictions.filter((p) => p.token !== "none").length;
    return { fields: fields.length, classified, filled, predictions, ms: performance.now() - t0, collectMs, engineMs, hostMs };
  }

  /** The field a trusted right-click last opened the context menu on (the context menu's "Fill
   * this form" is about it), kept for a minute. */
  let contextField = null;
  document.addEventListener("contextmenu", (e) => {
    const el = e.isTrusted && e.composedPath()[0];
    contextField = el instanceof Element && AF.isCandidate(el) ? { el, at: performance.now() } : null;
  }, true);

  /** The control with focus, looking into open shadow roots. */
  function focusedControl() {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el instanceof Element && AF.isCandidate(el) ? el : null;
  }

  /** The field the user acted in: for the context menu the one right-clicked just before, for
   * the shortcut the focused one; null when there is none. */
  function actedIn(via) {
    const c = contextField;
    if (via === "menu") return c && c.el.isConnected && performance.now() - c.at < 60_000 ? c.el : null;
    return focusedControl();
  }

  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !msg || msg.to !== "content" || !msg.request) return false;
    const kind = msg.request.kind;
    if (kind === "content.autofill") {
      const field = actedIn(msg.request.via);
      contextField = null;
      blockedReady
        .then(() => (blocked ? { fields: 0, classified: 0, filled: 0, blocked: true }
          : field ? autofill({ focus: field, scope: "form" }) : { fields: 0, classified: 0, filled: 0, no_field: true }))
        .then(
          ({ collectMs, engineMs, hostMs, ms, predictions, ...r }) => sendResponse({ id: msg.id, reply: { kind: "content.autofilled", ...r } }),
          (e) => sendResponse({ id: msg.id, reply: { kind: "engine.error", error: e.kind || "autofill_failed", message: String(e.message || e) } }),
        );
      return true;
    }
    if (kind === "content.autofill-undo") {
      sendResponse({ id: msg.id, reply: { kind: "content.autofill-undone", restored: AF.undo() } });
    }
    return false;
  });

  // ---- the inline icon ---------------------------------------------------------------------------

  /** The menu entries for a field, from the engine's plan for it (its offers come masked). */
  function menuEntries(field, reply) {
    const entries = [];
    if (reply.draftable) entries.push({ label: t("menuDraft"), detail: t("menuDraftDetail"), run: () => draftFor(field) }, { separator: true });
    entries.push(
      { label: t("menuFillForm"), run: () => autofill({ focus: field, scope: "form" }) },
      { label: t("menuFillField"), run: () => autofill({ focus: field, scope: "field" }) },
    );
    const offers = reply.offers || [];
    if (offers.length) entries.push({ separator: true });
    for (const o of offers) {
      entries.push({ label: t("menuUse", offerLabel(o.key, o.label)), detail: o.masked, run: () => autofill({ focus: field, scope: "field", pick: o.key }) });
    }
    entries.push({ separator: true }, { label: t("menuNever"), run: neverOnThisSite });
    return entries;
  }

  /** "Draft an answer": the engine drafts from memory; the card shows it; Insert writes it. */
  function draftFor(field) {
    const { fields } = AF.collect();
    const index = AF.indexOf(field);
    const descriptor = fields.find((f) => f.index === index);
    if (!descriptor) return;
    const draft = engine({ kind: "autofill.draft", field: descriptor });
    Draft.show(field, draft, (text) => {
      if (AF.fill(field, text)) AF.highlight(field);
    });
  }

  /** On a trusted focus: ask the engine about the field; show the icon when it is a profile
   * field or a free-text question the engine can draft an answer to. */
  async function offerIcon(field) {
    await blockedReady;
    if (blocked || !AF.fillability(field).fillable) return;
    const { fields } = AF.collect();
    const focus = AF.indexOf(field);
    const reply = await engine({ kind: "autofill.classify", fields, focus, scope: "preview" });
    const mine = (reply.predictions || []).find((p) => p.index === focus);
    if (blocked || document.activeElement !== field || !mine || (mine.token === "none" && !reply.draftable)) return;
    Menu.show(field, () => menuEntries(field, reply));
  }

  const iconable = (el) => !blocked && el instanceof Element && AF.isCandidate(el) && !el.isContentEditable && Menu.field() !== el;

  // The icon appears on a field the user moved into: a focus that a page script made
  // (`el.focus()`) while the user was not acting shows nothing (no transient user activation).
  document.addEventListener("focusin", (e) => {
    const el = e.target;
    if (!e.isTrusted || !iconable(el)) return;
    if (navigator.userActivation && !navigator.userActivation.isActive) return;
    offerIcon(el).catch(() => {});
  }, true);
  // A click into a field that already had focus (autofocus, or a script's focus) offers it too.
  document.addEventListener("pointerdown", (e) => {
    const el = e.composedPath()[0];
    if (!e.isTrusted || el !== document.activeElement || !iconable(el)) return;
    offerIcon(el).catch(() => {});
  }, true);

  // Pages with something to fill open the engine port now: its set-up (a round trip through the
  // browser to the engine host) then overlaps the page's idle time instead of delaying the first
  // fill, e.g. one from the keyboard shortcut. The port carries nothing until a request.
  if (document.querySelector("input:not([type=hidden]),select,textarea,[contenteditable]")) enginePort();

  globalThis.SecondSelfAutofillRunner = Object.freeze({ autofill });
})();
