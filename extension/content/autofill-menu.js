/*
 * autofill-menu.js — the inline SecondSelf icon at the right edge of the focused field, and its menu.
 *
 * Who calls it: the autofill content script (`content/autofill.js`) through
 * `globalThis.SecondSelfAutofillMenu`:
 *   show(field, items)  -> puts the icon on `field`; `items()` resolves the menu entries when the
 *                          user opens it: [{label, detail?, run()}], or a promise of them
 *   hide()              -> removes the icon and menu
 *   field()             -> the field the icon is on, or null
 *
 * Everything lives in a CLOSED shadow root on one host element in the top layer, whose own style
 * the page cannot change (content/ui-guard.js), so page scripts cannot read the menu (masked values
 * included), reach its buttons, cover or restyle it. Every action needs a trusted event that the
 * guard accepts: a real click, or Alt+ArrowDown / Enter / Space from the keyboard, on UI that has
 * been visible and unobscured for at least 500 ms. The icon appears on a field the user focused
 * (a focus a page script made without the user's input shows nothing). Escape or leaving the field
 * removes it. Keyboard: Alt+ArrowDown in the field opens the menu, ArrowUp/Down
 * move, Enter/Space pick, Escape closes and returns to the field.
 * Must not: decide what to fill (the engine does), hold values, or act on untrusted events.
 */
(function () {
  "use strict";
  if (globalThis.SecondSelfAutofillMenu) return;
  const { t } = globalThis.SecondSelfI18n;

  const SIZE = 20; // icon size in CSS px
  const Guard = globalThis.SecondSelfUiGuard;
  const STYLE = `
    :host { all: initial !important; }
    .icon { position: fixed; width: ${SIZE}px; height: ${SIZE}px; padding: 0; margin: 0; border: 0; border-radius: 50%;
      background: #7c5cff; color: #fff; cursor: pointer; display: flex; align-items: center; justify-content: center;
      box-shadow: 0 1px 3px rgba(0,0,0,.3); z-index: 2147483647; font: 600 12px/1 system-ui, sans-serif; }
    .icon:focus-visible { outline: 2px solid #1b1240; outline-offset: 1px; }
    .menu { position: fixed; min-width: 220px; max-width: 320px; background: #fff; color: #1b1240; border: 1px solid #d9d2ff;
      border-radius: 8px; box-shadow: 0 6px 24px rgba(27,18,64,.2); padding: 4px; z-index: 2147483647;
      font: 13px/1.3 system-ui, sans-serif; }
    .menu[hidden] { display: none; }
    .item { display: block; width: 100%; text-align: left; border: 0; background: none; color: inherit; font: inherit;
      padding: 7px 10px; border-radius: 6px; cursor: pointer; }
    .item:hover, .item:focus { background: #f1edff; outline: none; }
    .detail { display: block; color: #5b5478; font-size: 12px; }
    .sep { border-top: 1px solid #eee; margin: 4px 0; }`;

  let state = null; // {field, host, icon, menu, items, onScroll}

  /** The gate every action goes through: trusted input on UI visible long enough (ui-guard.js). */
  const trusted = (e, element) => !!(e && e.isTrusted) && !!state && Guard.accepts(e, state.host, element);

  function place() {
    if (!state) return;
    const r = state.field.getBoundingClientRect();
    const left = Math.max(0, r.right - SIZE - 4);
    const top = r.top + Math.max(0, (r.height - SIZE) / 2);
    state.icon.style.left = `${left}px`;
    state.icon.style.top = `${top}px`;
    state.menu.style.left = `${Math.max(0, Math.min(r.right - 220, window.innerWidth - 230))}px`;
    state.menu.style.top = `${r.bottom + 4}px`;
  }

  function menuItems() {
    return state ? [...state.menu.querySelectorAll("button.item")] : [];
  }

  function closeMenu(refocus) {
    if (!state) return;
    state.menu.hidden = true;
    state.menu.replaceChildren();
    state.icon.setAttribute("aria-expanded", "false");
    if (refocus) state.field.focus();
  }

  async function openMenu() {
    if (!state || !state.menu.hidden) return;
    const s = state;
    s.icon.setAttribute("aria-expanded", "true");
    s.menu.hidden = false;
    place();
    let entries = [];
    try {
      entries = await s.items();
    } catch (err) {
      entries = [{ label: t("menuUnavailable"), detail: String((err && err.message) || err), run: null }];
    }
    if (state !== s || s.menu.hidden) return;
    s.menu.replaceChildren();
    Guard.reset(s.menu);
    for (const entry of entries) {
      if (entry.separator) {
        const sep = document.createElement("div");
        sep.className = "sep";
        sep.setAttribute("role", "separator");
        s.menu.append(sep);
        continue;
      }
      const b = document.createElement("button");
      b.type = "button";
      b.className = "item";
      b.setAttribute("role", "menuitem");
      b.tabIndex = -1;
      b.textContent = entry.label;
      if (entry.detail) {
        const d = document.createElement("span");
        d.className = "detail";
        d.textContent = entry.detail;
        b.append(d);
        b.setAttribute("aria-label", `${entry.label} ${entry.detail}`);
      }
      b.disabled = !entry.run;
      b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the field focused
      b.addEventListener("click", (e) => {
        if (!entry.run || !trusted(e, s.menu)) return;
        const field = s.field;
        closeMenu(false);
        field.focus();
        entry.run();
      });
      s.menu.append(b);
    }
    const first = menuItems().find((b) => !b.disabled);
    if (first && s.keyboard) first.focus();
  }

  function onMenuKey(e) {
    if (!e.isTrusted || !state) return;
    const items = menuItems().filter((b) => !b.disabled);
    const at = items.indexOf(state.root.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = items[(at + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length];
      if (next) next.focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      closeMenu(true);
    } else if (e.key === "Tab") {
      closeMenu(true);
    }
  }

  function onFieldKey(e) {
    if (!e.isTrusted || !state) return;
    if (e.altKey && e.key === "ArrowDown") {
      e.preventDefault();
      state.keyboard = true;
      openMenu();
    } else if (e.key === "Escape") {
      hide();
    }
  }

  function onFocusOut(e) {
    if (!state) return;
    const to = e.relatedTarget;
    if (to === state.host || to === state.field) return;
    // Focus moved into the menu (retargeted to the host) or away: check once it has settled.
    setTimeout(() => {
      if (state && document.activeElement !== state.field && document.activeElement !== state.host) hide();
    }, 0);
  }

  function show(field, items) {
    if (state && state.field === field) return;
    hide();
    const [host, root] = Guard.host("secondself-autofill", { topLayer: true });
    const style = document.createElement("style");
    style.textContent = STYLE;
    const icon = document.createElement("button");
    icon.type = "button";
    icon.className = "icon";
    icon.tabIndex = -1;
    icon.textContent = "S";
    icon.title = t("menuIconTitle");
    icon.setAttribute("aria-label", t("menuIconLabel"));
    icon.setAttribute("aria-haspopup", "menu");
    icon.setAttribute("aria-expanded", "false");
    const menu = document.createElement("div");
    menu.className = "menu";
    menu.setAttribute("role", "menu");
    menu.setAttribute("aria-label", "SecondSelf");
    menu.hidden = true;
    root.append(style, icon, menu);
    icon.addEventListener("mousedown", (e) => e.preventDefault()); // the field keeps focus
    icon.addEventListener("click", (e) => {
      if (!state || !trusted(e, icon)) return;
      state.keyboard = e.detail === 0; // Enter/Space on the icon
      if (state.menu.hidden) openMenu();
      else closeMenu(true);
    });
    root.addEventListener("keydown", onMenuKey);
    host.addEventListener("focusout", onFocusOut);
    const onScroll = () => place();
    state = { field, host, root, icon, menu, items, onScroll, keyboard: false };
    field.addEventListener("keydown", onFieldKey, true);
    field.addEventListener("focusout", onFocusOut);
    window.addEventListener("scroll", onScroll, { capture: true, passive: true });
    window.addEventListener("resize", onScroll, { passive: true });
    Guard.mount(host);
    Guard.watch(host, icon);
    Guard.watch(host, menu);
    place();
  }

  function hide() {
    if (!state) return;
    const s = state;
    state = null;
    s.field.removeEventListener("keydown", onFieldKey, true);
    s.field.removeEventListener("focusout", onFocusOut);
    window.removeEventListener("scroll", s.onScroll, { capture: true });
    window.removeEventListener("resize", s.onScroll);
    Guard.release(s.host);
  }

  globalThis.SecondSelfAutofillMenu = Object.freeze({ show, hide, field: () => (state ? state.field : null) });
})();
