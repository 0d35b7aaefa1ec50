/*
 * autofill-draft.js — the confirmation card for a drafted answer to a free-text field.
 *
 * Who calls it: the autofill content script (`content/autofill.js`) through
 * `globalThis.SecondSelfAutofillDraft`:
 *   show(field, draft, insert) -> a card under `field`: "Drafting…" until the promise `draft`
 *                                 resolves with the engine's `autofill.drafted` reply, then the
 *                                 draft (editable) and the memories it rests on, with Insert and
 *                                 Cancel. `insert(text)` runs on a trusted click of Insert.
 *   hide()                     -> removes the card
 *
 * The card lives in a CLOSED shadow root in the top layer (page scripts cannot read the draft or
 * the memories, cover or restyle it; content/ui-guard.js), and only trusted events on a card shown
 * for at least 500 ms act. Nothing is written into the page until the user clicks Insert.
 * Must not: decide what to draft (the engine does) or write into the page itself.
 */
(function () {
  "use strict";
  if (globalThis.SecondSelfAutofillDraft) return;

  const Guard = globalThis.SecondSelfUiGuard;
  const { t } = globalThis.SecondSelfI18n;
  const STYLE = `
    :host { all: initial !important; }
    .card { position: fixed; width: 340px; max-width: calc(100vw - 16px); background: #fff; color: #1b1240;
      border: 1px solid #d9d2ff; border-radius: 10px; box-shadow: 0 8px 28px rgba(27,18,64,.22); padding: 10px 12px;
      z-index: 2147483647; font: 13px/1.35 system-ui, sans-serif; box-sizing: border-box; }
    h2 { font: 600 13px/1.2 system-ui, sans-serif; margin: 0 0 6px; }
    .status { color: #5b5478; margin: 4px 0; }
    textarea { width: 100%; box-sizing: border-box; min-height: 84px; font: inherit; color: inherit; border: 1px solid #cfc6ff;
      border-radius: 6px; padding: 6px; resize: vertical; }
    .used { margin: 6px 0 0; padding: 0 0 0 16px; color: #5b5478; font-size: 12px; max-height: 96px; overflow: auto; }
    .used li { margin: 2px 0; }
    .src { color: #8a84a3; }
    .row { display: flex; gap: 8px; justify-content: flex-end; margin-top: 8px; }
    button { font: inherit; border-radius: 6px; padding: 5px 12px; cursor: pointer; border: 1px solid #cfc6ff; background: #fff; color: inherit; }
    button.primary { background: #7c5cff; border-color: #7c5cff; color: #fff; }
    button:disabled { opacity: .5; cursor: default; }
    [hidden] { display: none !important; }`;

  let state = null; // {host, field, onScroll}

  const trusted = (e) => !!(e && e.isTrusted);
  /** Insert writes memory into the page: only a click the guard accepts (ui-guard.js). */
  const accepted = (e) => !!state && Guard.accepts(e, state.host, state.card);

  function place() {
    if (!state) return;
    const r = state.field.getBoundingClientRect();
    const card = state.card;
    const below = r.bottom + 6;
    const top = below + card.offsetHeight > window.innerHeight && r.top > card.offsetHeight + 6 ? r.top - card.offsetHeight - 6 : below;
    card.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - card.offsetWidth - 8))}px`;
    card.style.top = `${Math.max(8, top)}px`;
  }

  function el(tag, props = {}, text) {
    const e = document.createElement(tag);
    Object.assign(e, props);
    if (text != null) e.textContent = text;
    return e;
  }

  function show(field, draft, insert) {
    hide();
    const [host, root] = Guard.host("secondself-autofill", { topLayer: true });
    const card = el("div", { className: "card" });
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", t("draftCardLabel"));
    const title = el("h2", {}, t("draftTitle"));
    const status = el("p", { className: "status" }, t("drafting"));
    const text = el("textarea", { hidden: true });
    text.setAttribute("aria-label", t("draftLabel"));
    const usedTitle = el("p", { className: "status", hidden: true }, t("basedOn"));
    const used = el("ul", { className: "used", hidden: true });
    const cancel = el("button", { type: "button" }, t("cancel"));
    const ok = el("button", { type: "button", className: "primary", disabled: true }, t("insert"));
    const row = el("div", { className: "row" });
    row.append(cancel, ok);
    card.append(title, status, text, usedTitle, used, row);
    root.append(el("style", {}, STYLE), card);
    cancel.addEventListener("click", (e) => {
      if (!trusted(e)) return;
      hide();
      field.focus();
    });
    ok.addEventListener("click", (e) => {
      if (!accepted(e) || !text.value.trim()) return;
      const value = text.value;
      hide();
      field.focus();
      insert(value);
    });
    root.addEventListener("keydown", (e) => {
      if (trusted(e) && e.key === "Escape") {
        e.preventDefault();
        hide();
        field.focus();
      }
    });
    const onScroll = () => place();
    state = { host, field, card, onScroll };
    window.addEventListener("scroll", onScroll, { capture: true, passive: true });
    window.addEventListener("resize", onScroll, { passive: true });
    Guard.mount(host);
    Guard.watch(host, card);
    place();
    const mine = state;
    Promise.resolve(draft).then(
      (reply) => {
        if (state !== mine) return;
        if (!reply || !reply.text) {
          status.textContent = t("draftNothing");
          return;
        }
        status.textContent = reply.from_model ? t("draftByModel") : t("draftFromMemories");
        text.value = reply.text;
        text.hidden = false;
        for (const u of reply.used || []) {
          const li = el("li", {}, u.text);
          if (u.source) li.append(" ", el("span", { className: "src" }, `(${u.source})`));
          used.append(li);
        }
        usedTitle.hidden = used.hidden = used.childElementCount === 0;
        ok.disabled = false;
        place();
        Guard.reset(card);
        text.focus();
      },
      (err) => {
        if (state !== mine) return;
        status.textContent = t("noDraft", (err && err.message) || err);
      },
    );
  }

  function hide() {
    if (!state) return;
    const s = state;
    state = null;
    window.removeEventListener("scroll", s.onScroll, { capture: true });
    window.removeEventListener("resize", s.onScroll);
    Guard.release(s.host);
  }

  globalThis.SecondSelfAutofillDraft = Object.freeze({ show, hide });
})();
