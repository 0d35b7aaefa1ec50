/*
 * SecondSelf chat-site runner: the shared behaviour on AI chat sites, driven by the site adapters
 * (`sites/<id>.js`, listed in `sites/index.js`).
 *
 * - Observes the page with one MutationObserver (no polling): mounts the ✨ Enhance button next to
 *   the composer and a "Critique" button under each assistant reply, again after SPA route changes
 *   replace them; mounting is idempotent.
 * - Enhance: reads the composer, asks the engine (`task.enhance`), previews the added context with
 *   Insert / Cancel; Insert writes through the editor's own input path (adapter.insert) and offers
 *   Undo, which restores the previous content.
 * - Critique: sends the reply text (data, never instructions) with the user's request to the engine
 *   (`task.critique`) and shows the verdict in a small panel under the reply.
 * - Per-site switch: `chrome.storage.local` key `sites` = `{<id>: false}` turns a site off.
 * UI lives in closed shadow roots; text is set with textContent only. Talks only to the router via
 * SecondSelfProtocol.request; never to page scripts, nothing on `window`.
 */
(() => {
  if (globalThis.__secondselfChatRunner) return;
  globalThis.__secondselfChatRunner = true;

  const sites = globalThis.SecondSelfSites || [];
  const { t } = globalThis.SecondSelfI18n;
  const Guard = globalThis.SecondSelfUiGuard;
  const host = location.hostname;
  /** Replicas for tests live at /sites/<id>.html on a loopback host (matched in test builds only). */
  const replica = (host === "127.0.0.1" || host === "localhost") && location.pathname.match(/\/sites\/([a-z]+)\.html$/);
  const site = sites.find((s) =>
    replica ? s.id === replica[1] : s.matches.some((m) => new URL(m.replace("/*", "/")).hostname === host),
  );
  if (!site) return;

  const MAX_REPLY = 20000;
  const composerHosts = new WeakMap(); // composer element → its ✨ host element
  const enhancePanels = new WeakMap(); // ✨ host element → its preview panel
  const replyHosts = new WeakMap(); // reply element → its critique host element
  const mounted = new Set(); // every host element we added, for unmounting
  let enabled = true;

  const STYLE = `
    :host { all: initial; display: inline-block; position: relative; font: 13px/1.4 system-ui, sans-serif; color: #1f2330; z-index: 2147483000; }
    button { font: inherit; border: 1px solid #c9cde0; background: #fff; border-radius: 8px; padding: 3px 9px; cursor: pointer; }
    button:hover { background: #f1f3fb; }
    .panel { margin-top: 6px; padding: 10px; border: 1px solid #c9cde0; border-radius: 10px; background: #fbfbfe; max-width: 560px; white-space: pre-wrap; }
    .panel[hidden] { display: none; }
    .enhance .panel { position: absolute; bottom: 100%; right: 0; width: 420px; margin-bottom: 6px; box-shadow: 0 6px 24px rgba(0,0,0,.12); }
    .prompt { color: #555b6e; }
    .added { background: #e6f6ea; border-left: 3px solid #3aa55d; padding: 2px 6px; margin-top: 6px; }
    .added::before { content: "+ "; color: #3aa55d; font-weight: 600; }
    .row { display: flex; gap: 6px; margin-top: 8px; }
    .fits { color: #237a3b; } .problem { color: #a3261b; margin-top: 4px; } .memory { color: #555b6e; font-size: 12px; }
    .error { color: #a3261b; }
    .off { margin-left: 2px; padding: 3px 6px; color: #6b7080; }
  `;

  function el(tag, props = {}, children = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "text") e.textContent = v;
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }

  /** A host element with a closed shadow root and a locked style (content/ui-guard.js); returns
   * [host, root]. */
  function makeHost(kind) {
    const layout = kind === "enhance" ? "display: inline-block !important; vertical-align: middle !important; margin: 0 4px !important" : "display: block !important; margin: 6px 0 !important";
    const [h, root] = Guard.host("div", { style: layout, trackVisibility: false });
    root.append(el("style", { text: STYLE }));
    mounted.add(h);
    return [h, root];
  }

  /** `run` on a click the user made on this button of host `h`: trusted, on our host (nothing of
   * the page over it), the button shown for at least 500 ms (content/ui-guard.js). */
  function onUserClick(h, button, run) {
    Guard.watch(h, button);
    button.addEventListener("click", (e) => {
      if (Guard.accepts(e, h, button)) run(e);
    });
  }

  function visible(e) {
    return !!e && e.isConnected && e.getClientRects().length > 0;
  }

  function findComposer() {
    return [...document.querySelectorAll(site.selectors.composer)].find(visible) || null;
  }

  async function ask(body) {
    return SecondSelfProtocol.request(body);
  }

  // ---- ✨ Enhance ---------------------------------------------------------------------------

  function mountEnhance(composer) {
    if (composerHosts.has(composer) && composerHosts.get(composer).isConnected) return;
    const [h, root] = makeHost("enhance");
    const wrap = el("div", { class: "enhance" });
    const button = el("button", { type: "button", "data-ss": "enhance", title: t("enhanceTitle"), text: t("enhanceButton") });
    const panel = el("div", { class: "panel", "data-ss": "preview", hidden: "" });
    const off = el("button", { type: "button", class: "off", "data-ss": "site-off", title: t("siteOffTitle", site.name), text: "×" });
    onUserClick(h, off, () => setSiteEnabled(false));
    wrap.append(button, off, panel);
    root.append(wrap);
    onUserClick(h, button, () => runEnhance(panel));
    enhancePanels.set(h, panel);
    const anchor = site.selectors.anchor && document.querySelector(site.selectors.anchor);
    if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(h, anchor);
    else composer.after(h);
    composerHosts.set(composer, h);
  }

  /** A button of `panel` that acts only on the user's own click (see onUserClick). */
  function panelButton(panel, attrs, run) {
    const b = el("button", { type: "button", ...attrs });
    onUserClick(panel.getRootNode().host, b, run);
    return b;
  }

  function show(panel, children) {
    panel.replaceChildren(...children);
    panel.hidden = false;
    keepOnScreen(panel);
  }

  /** The ✨ preview opens above its button, right-aligned; where the button sits near the left
   * edge (the ✨ is at the start of some composers) it is left-aligned instead, so that all of it,
   * Insert included, is on screen. */
  function keepOnScreen(panel) {
    if (!panel.closest(".enhance")) return;
    panel.style.left = "";
    panel.style.right = "";
    if (panel.getBoundingClientRect().left < 8) {
      panel.style.left = "0";
      panel.style.right = "auto";
    }
  }

  async function runEnhance(panel) {
    const composer = findComposer();
    if (!composer) return show(panel, [el("div", { class: "error", text: t("chatBoxGone") })]);
    const before = site.readComposer(composer);
    if (!before.trim()) return show(panel, [el("div", { text: t("writePromptFirst") })]);
    show(panel, [el("div", { text: t("lookingThrough") })]);
    let result;
    try {
      result = await ask({ kind: "task.enhance", site: site.id, prompt: before });
    } catch (e) {
      return show(panel, [el("div", { class: "error", "data-ss": "error", text: t("couldNotEnhance", e.message) })]);
    }
    const close = panelButton(panel, { "data-ss": "cancel", text: t("cancel") }, () => (panel.hidden = true));
    if (!result.added.length) {
      return show(panel, [el("div", { "data-ss": "nothing", text: t("nothingAdds") }), el("div", { class: "row" }, [close])]);
    }
    const addedText = result.enhanced.slice(result.prompt.trimEnd().length).trim();
    const insert = panelButton(panel, { "data-ss": "insert", text: t("insert") }, () => runInsert(panel, before, result.enhanced));
    show(panel, [
      el("div", { class: "prompt", text: result.prompt }),
      el("div", { class: "added", "data-ss": "added", text: addedText }),
      el("div", { class: "row" }, [insert, close]),
    ]);
  }

  /** Writes `text` into the (freshly queried) composer and checks the editor took it. */
  async function write(text) {
    const composer = findComposer();
    if (!composer) throw new Error(t("chatBoxMissing"));
    site.insert(composer, text);
    // Editors such as Lexical commit a task later: check after that, never retry blindly.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 20 * i));
      const now = findComposer();
      if (now && site.readComposer(now).trim() === text.trim()) return;
    }
    throw new Error(t("chatBoxRefused"));
  }

  async function runInsert(panel, before, enhanced) {
    try {
      await write(enhanced);
    } catch (e) {
      return show(panel, [el("div", { class: "error", "data-ss": "error", text: t("couldNotInsert", e.message) })]);
    }
    const undo = panelButton(panel, { "data-ss": "undo", text: t("undo") }, async () => {
      try {
        await write(before);
        panel.hidden = true;
      } catch (e) {
        show(panel, [el("div", { class: "error", "data-ss": "error", text: t("couldNotUndo", e.message) })]);
      }
    });
    const done = panelButton(panel, { "data-ss": "close", text: t("close") }, () => (panel.hidden = true));
    show(panel, [el("div", { "data-ss": "inserted", text: t("addedToPrompt") }), el("div", { class: "row" }, [undo, done])]);
  }

  // ---- Critique -----------------------------------------------------------------------------

  /** The user's message before `reply` in document order, if the adapter can find one. */
  function requestBefore(reply) {
    if (!site.selectors.user) return "";
    const users = [...document.querySelectorAll(site.selectors.user)].filter(
      (u) => u.compareDocumentPosition(reply) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    const last = users[users.length - 1];
    return last ? (last.innerText || last.textContent || "").slice(0, MAX_REPLY) : "";
  }

  function mountCritique(reply) {
    if (replyHosts.has(reply) && replyHosts.get(reply).isConnected) return;
    const [h, root] = makeHost("critique");
    const button = el("button", { type: "button", "data-ss": "critique", title: t("critiqueTitle"), text: t("critiqueButton") });
    const panel = el("div", { class: "panel", "data-ss": "critique-result", hidden: "" });
    root.append(button, panel);
    onUserClick(h, button, async () => {
      show(panel, [el("div", { text: t("checkingMemory") })]);
      const text = site.readReply(reply).slice(0, MAX_REPLY);
      try {
        const c = await ask({ kind: "task.critique", request: requestBefore(reply), reply: text });
        if (c.fits) return show(panel, [el("div", { class: "fits", "data-ss": "fits", text: t("fits") })]);
        show(
          panel,
          c.problems.map((p) =>
            el("div", { class: "problem", "data-ss": "problem" }, [el("div", { text: `✗ ${p.text}` }), el("div", { class: "memory", text: t("fromYourMemory", p.memory) })]),
          ),
        );
      } catch (e) {
        show(panel, [el("div", { class: "error", "data-ss": "error", text: t("couldNotCritique", e.message) })]);
      }
    });
    reply.after(h);
    replyHosts.set(reply, h);
  }

  // ---- observing ----------------------------------------------------------------------------

  function scan() {
    if (!enabled) return;
    for (const h of mounted) if (!h.isConnected) mounted.delete(h);
    const composer = findComposer();
    if (composer) mountEnhance(composer);
    // Selector lists may match a reply and its wrapper: keep the innermost.
    const replies = [...document.querySelectorAll(site.selectors.reply)];
    for (const r of replies) {
      if (replies.some((o) => o !== r && r.contains(o))) continue;
      // A reply still streaming is not finished: its button comes when streaming stops.
      if (site.selectors.streaming && r.closest(site.selectors.streaming)) continue;
      mountCritique(r);
    }
  }

  let scheduled = false;
  const observer = new MutationObserver((records) => {
    // Our own hosts changing is no reason to rescan.
    const ours = (r) => r.type === "childList" && [...r.addedNodes, ...r.removedNodes].every((n) => mounted.has(n));
    if (records.every(ours)) return;
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      scan();
    }, 30);
  });

  /** The per-site switch: `chrome.storage.local` `sites[<id>]`; every tab of the site follows. */
  async function setSiteEnabled(on) {
    const { sites: current = {} } = await chrome.storage.local.get("sites");
    await chrome.storage.local.set({ sites: { ...current, [site.id]: on } });
  }

  function unmountAll() {
    for (const h of mounted) h.remove();
    mounted.clear();
  }

  function apply(sitesSetting) {
    const on = !(sitesSetting && sitesSetting[site.id] === false);
    if (on === enabled && (on ? observing : true)) return;
    enabled = on;
    if (on) start();
    else {
      observer.disconnect();
      observing = false;
      unmountAll();
    }
  }

  let observing = false;
  function start() {
    if (!observing) {
      const streamingAttr = site.selectors.streaming && site.selectors.streaming.match(/\[([a-z-]+)[=\]]/);
      observer.observe(document.documentElement, {
        childList: true,
        subtree: true,
        ...(streamingAttr ? { attributes: true, attributeFilter: [streamingAttr[1]] } : {}),
      });
    }
    observing = true;
    scan();
  }

  // The ✨ keyboard shortcut (the browser's own, so the user's gesture): the preview of the
  // composer in view opens as a click on ✨ would open it; Insert still waits for the user's click.
  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || !msg || msg.to !== "content" || !msg.request || msg.request.kind !== "content.enhance") return false;
    const composer = enabled ? findComposer() : null;
    const h = composer && composerHosts.get(composer);
    const panel = h && enhancePanels.get(h);
    if (panel) runEnhance(panel);
    sendResponse({ id: msg.id, reply: { kind: "content.enhancing", started: !!panel } });
    return false;
  });

  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.sites) apply(changes.sites.newValue);
  });
  chrome.storage.local.get("sites").then(
    (v) => apply(v.sites),
    () => apply(null),
  );
})();
