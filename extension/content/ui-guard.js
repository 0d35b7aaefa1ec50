/*
 * ui-guard.js — keeps SecondSelf's UI on a page from being covered, restyled or clicked by the page.
 *
 * Who calls it: the inline autofill menu (content/autofill-menu.js), the draft card
 * (content/autofill-draft.js) and the chat-site buttons (content/chat-runner.js), through
 * `globalThis.SecondSelfUiGuard`:
 *   host(tag, {topLayer, style, trackVisibility})
 *                          -> [host, root]: a host element whose own style is locked (inline
 *                             `!important`, re-applied and the UI distrusted when the page touches
 *                             it) with a CLOSED shadow root; with `topLayer` it is shown in the top
 *                             layer (Popover API) above everything the page has; `style` replaces
 *                             the locked style of a fixed, top-layer host (UI laid out inside the
 *                             page, as the chat-site buttons are); `trackVisibility: false` skips
 *                             IntersectionObserver v2 (which also calls any transform or
 *                             translucent ancestor "not visible", as real sites have around their
 *                             chat boxes)
 *   watch(host, element)   -> starts tracking when `element` (inside the shadow root) is really
 *                             visible: IntersectionObserver v2 (`trackVisibility`) where the
 *                             browser has it
 *   reset(element)         -> call when `element` is (re)shown: the 500 ms start again
 *   accepts(event, host, element) -> may this click or key act? Only when the event is trusted,
 *                             `element` has been shown for at least 500 ms, unobscured (where
 *                             the browser can tell), the host's style is intact, and for a click
 *                             the element at its point is our host (a hit test that also sees
 *                             overlays letting clicks through, which cover what the user sees)
 *   release(host)          -> stops tracking and removes the host
 *
 * Why: a page can set `opacity:.001`, `transform` or `z-index` on a host element, lay a decoy over
 * the UI, or call `el.focus()` to make it appear, then ask the user to "click twice". The rules are
 * those of the browsers' own permission prompts: trusted input only, visible for long enough.
 * Must not: hold memory, or change the page beyond the host element it owns.
 */
(function () {
  "use strict";
  if (globalThis.SecondSelfUiGuard) return;

  /** How long a control must have been visible before it acts (as browser permission prompts). */
  const MIN_VISIBLE_MS = 500;
  const FIXED = [
    "all: initial !important", "display: block !important", "position: fixed !important", "inset: 0 auto auto 0 !important",
    "width: 0 !important", "height: 0 !important", "margin: 0 !important", "padding: 0 !important", "border: 0 !important",
    "overflow: visible !important", "opacity: 1 !important", "visibility: visible !important", "transform: none !important",
    "filter: none !important", "clip-path: none !important", "mix-blend-mode: normal !important",
    "z-index: 2147483647 !important", "pointer-events: auto !important", "contain: none !important", "background: transparent !important",
  ].join("; ");

  /** The locked style of an inline host, `extra` being its layout (display, margins). */
  const inlineStyle = (extra) => [
    "all: initial !important", "opacity: 1 !important", "visibility: visible !important", "transform: none !important",
    "filter: none !important", "clip-path: none !important", "mix-blend-mode: normal !important", "pointer-events: auto !important",
    "position: relative !important", "z-index: 2147483000 !important", extra,
  ].join("; ");

  /** host → {topLayer, style, track, observer, tampered, tracked: Map(element → {since, visible})} */
  const hosts = new WeakMap();
  const hasTrackVisibility = typeof IntersectionObserverEntry !== "undefined" && "isVisible" in IntersectionObserverEntry.prototype;

  function lock(host, style) {
    if (host.getAttribute("style") !== style) host.setAttribute("style", style);
  }

  function promote(host) {
    const s = hosts.get(host);
    if (!s || !s.topLayer || !host.isConnected) return;
    try {
      if (host.matches(":popover-open")) host.hidePopover();
      host.showPopover();
    } catch (_) {
      // no Popover API: the locked fixed host with the highest z-index stays
    }
  }

  function host(tag, { topLayer = false, style = null, trackVisibility = true } = {}) {
    const h = document.createElement(tag);
    if (topLayer) h.setAttribute("popover", "manual");
    const locked = style ? inlineStyle(style) : FIXED;
    lock(h, locked);
    const root = h.attachShadow({ mode: "closed" });
    const s = { topLayer, style: locked, track: trackVisibility && hasTrackVisibility, tampered: false, tracked: new Map(), observer: null };
    hosts.set(h, s);
    // Anything the page changes on the host (style, class, popover state) makes the UI untrusted
    // until it is shown again; the style is locked back at once.
    s.mutations = new MutationObserver(() => {
      s.tampered = true;
      lock(h, s.style);
      for (const t of s.tracked.values()) t.since = null;
    });
    s.mutations.observe(h, { attributes: true });
    s.mount = () => {
      (document.documentElement || document.body).append(h);
      promote(h);
    };
    return [h, root];
  }

  /** Puts the host into the page (top layer when asked) once its contents are built. */
  function mount(h) {
    const s = hosts.get(h);
    if (s) s.mount();
  }

  function watch(h, element) {
    const s = hosts.get(h);
    if (!s) return;
    const t = { since: performance.now(), visible: !s.track };
    s.tracked.set(element, t);
    if (!s.track) return;
    if (!s.observer) {
      s.observer = new IntersectionObserver((entries) => {
        for (const e of entries) {
          const tr = s.tracked.get(e.target);
          if (!tr) continue;
          const now = e.isVisible === true;
          if (now && !tr.visible) tr.since = performance.now();
          if (!now) tr.since = null;
          tr.visible = now;
        }
      }, { trackVisibility: true, delay: 100 });
    }
    s.observer.observe(element);
  }

  function reset(element) {
    const h = element.getRootNode().host;
    const s = h && hosts.get(h);
    const t = s && s.tracked.get(element);
    if (!t) return;
    s.tampered = false;
    t.since = s.track && !t.visible ? null : performance.now();
    promote(h);
  }

  /** Is the host still ours as we made it: connected, its locked style intact, its computed style
   * not made transparent or moved (a page stylesheet cannot beat inline !important, but check). */
  function intact(h, s) {
    if (!h.isConnected || s.tampered || h.getAttribute("style") !== s.style) return false;
    const c = getComputedStyle(h);
    return c.opacity === "1" && c.visibility === "visible" && c.transform === "none" && c.filter === "none" && c.display !== "none";
  }

  function accepts(event, h, element) {
    if (!event || !event.isTrusted) return false;
    const s = hosts.get(h);
    if (!s || !intact(h, s)) return false;
    const t = s.tracked.get(element);
    if (!t || t.since == null || performance.now() - t.since < MIN_VISIBLE_MS) return false;
    if (s.track && !t.visible) return false;
    // A pointer event must land on our host: nothing of the page above it at that point, not even
    // an overlay that lets clicks through (it would hide what the user thinks they click).
    if (event.type === "click" && event.detail > 0 && !hitsHost(h, event.clientX, event.clientY)) return false;
    // The element itself must not be covered at its centre either (keyboard activation too).
    const r = element.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    return hitsHost(h, r.left + r.width / 2, r.top + r.height / 2);
  }

  /** The topmost element painted at (x, y) is our host, overlays with pointer-events:none
   * included (they are made hit-testable for one test, then restored). */
  function hitsHost(h, x, y) {
    const top = document.elementFromPoint(x, y);
    if (top !== h) return false;
    for (const o of overlaysAt(x, y)) {
      const saved = o.style.getPropertyValue("pointer-events"), prio = o.style.getPropertyPriority("pointer-events");
      o.style.setProperty("pointer-events", "auto", "important");
      const hit = document.elementFromPoint(x, y);
      if (saved) o.style.setProperty("pointer-events", saved, prio);
      else o.style.removeProperty("pointer-events");
      if (hit && hit !== h && (hit === o || o.contains(hit))) return false;
    }
    return true;
  }

  /** The page's elements with `pointer-events:none` (topmost of each subtree) whose box holds the point. */
  function overlaysAt(x, y) {
    const out = [];
    const all = document.getElementsByTagName("*");
    for (let i = 0; i < all.length && i < 20000; i++) {
      const e = all[i];
      if (hosts.has(e)) continue;
      const b = e.getBoundingClientRect();
      if (x < b.left || x >= b.right || y < b.top || y >= b.bottom) continue;
      const c = getComputedStyle(e);
      if (c.pointerEvents !== "none" || c.visibility === "hidden" || parseFloat(c.opacity) < 0.05) continue;
      if (e.parentElement && getComputedStyle(e.parentElement).pointerEvents === "none") continue;
      out.push(e);
    }
    return out;
  }

  function release(h) {
    const s = hosts.get(h);
    if (s) {
      if (s.observer) s.observer.disconnect();
      s.mutations.disconnect();
      s.tracked.clear();
      hosts.delete(h);
    }
    h.remove();
  }

  globalThis.SecondSelfUiGuard = Object.freeze({ host, mount, watch, reset, accepts, release, MIN_VISIBLE_MS });
})();
