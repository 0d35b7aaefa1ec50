/*
 * autofill-fields.js — reads a page's fillable controls and writes values into them.
 *
 * Who calls it: the autofill content script (`content/autofill.js`) and the eval harness, through the
 * single namespace object `globalThis.SecondSelfAutofill`:
 *   collect(root?)        -> { fields: [descriptor…] }  JSON-ready descriptors, one per fillable control
 *   elementAt(index)      -> the element behind descriptor `index` of the last collect()
 *   indexOf(element)      -> its descriptor index in the last collect(), or null
 *   isCandidate(element)  -> is it a control collect() would describe?
 *   fillability(element)  -> visibility/fillability flags, recomputed now (collect() leaves out the
 *                            "covered" hit test; fill() always makes it)
 *   fill(element, value)  -> true when written (native setter + input/change), false when refused
 *   fillIndex(i, value)   -> fill(elementAt(i), value)
 *   highlight(element)    -> marks a filled control; undo() restores every value and style we changed
 *   group(element)        -> the form of a control, or without one its nearest section: a fill
 *                            never leaves the group of the field the user acted in
 *   beginFill()/endFill() -> brackets a fill (the page's overlays are looked up once)
 *
 * What it must not do: classify (the engine does that from these descriptors), read any
 * ground-truth labelling attribute, fill a hidden, covered, disabled or read-only control, or
 * expose memory to page scripts (values arrive from the extension and go straight into controls).
 * Plain script, no bundler, no module syntax: it is injected as a content script.
 */
(function () {
  "use strict";
  if (globalThis.SecondSelfAutofill) return;

  const MAX_TEXT = 160; // characters kept of any one text feature
  const MAX_NEARBY = 80; // characters of preceding text
  const MAX_OPTIONS = 300; // select options kept (country lists are ~250)
  const MAX_OPTION_TEXT = 48;
  const SKIP_INPUT_TYPES = new Set([
    "hidden", "submit", "button", "reset", "image", "file", "checkbox", "radio", "range", "color",
  ]);
  const SECTION_WORDS = /ship|bill|deliver|invoice|payment|card|liefer|rechnung|factur|livraison|envío|envio|spedizione|fattur|bezorg|levering|faktur|wysyłk|dostaw|配送|お届け|請求|收货|账单/i;

  /** Collapses whitespace and caps length. */
  function clean(text, max) {
    if (!text) return "";
    const t = String(text).replace(/\s+/g, " ").trim();
    return t.length > (max || MAX_TEXT) ? t.slice(0, max || MAX_TEXT) : t;
  }

  /** Is `el` a control we would ever describe? */
  function isCandidate(el) {
    const tag = el.localName;
    if (tag === "input") return !SKIP_INPUT_TYPES.has((el.type || "text").toLowerCase());
    if (tag === "select" || tag === "textarea") return true;
    // The attribute first: `isContentEditable` needs up-to-date style, and this runs on every
    // element nearbyText() walks past.
    return el.getAttribute("contenteditable") !== null && el.isContentEditable === true;
  }

  /** Text of an element without script/style/control contents. */
  function textOf(node) {
    if (!node) return "";
    if (node.nodeType === Node.TEXT_NODE) return node.nodeValue || "";
    let out = "";
    // No filter callback: callbacks cannot run where page scripts are disabled.
    const walker = node.ownerDocument.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t && out.length < 400; t = walker.nextNode()) {
      const p = t.parentElement;
      if (p && (p.localName === "script" || p.localName === "style" || p.localName === "option" ||
        p.localName === "select" || p.localName === "textarea")) continue;
      out += " " + t.nodeValue;
    }
    return out;
  }

  /** The `<label>`s of `el`: from the per-collect map when there is one (`el.labels` walks the
   * whole document on each call in Chromium: once per control made big pages slow). */
  function labelsOf(el) {
    if (cache) return cache.labels.get(el) || [];
    try {
      return el.labels ? [...el.labels] : [];
    } catch (_) {
      return []; // contenteditable has no labels
    }
  }

  /** Every label of `tree` (a document or shadow root) by the control it labels (label[for] or
   * a wrapping label). */
  function labelMap(tree) {
    const map = new Map();
    for (const l of tree.querySelectorAll("label")) {
      const c = l.control;
      if (!c) continue;
      const list = map.get(c);
      if (list) list.push(l);
      else map.set(c, [l]);
    }
    return map;
  }

  /** label[for], wrapping label, aria-labelledby. */
  function labelText(el) {
    const parts = [];
    for (const l of labelsOf(el)) parts.push(textOf(l));
    const ids = el.getAttribute("aria-labelledby");
    if (ids) {
      for (const id of ids.split(/\s+/)) {
        const ref = id && el.ownerDocument.getElementById(id);
        if (ref && ref !== el) parts.push(textOf(ref));
      }
    }
    return clean(parts.join(" "));
  }

  /** Preceding visible text in document order, stopping at the previous control. */
  function nearbyText(el) {
    const doc = el.ownerDocument;
    const walker = doc.createTreeWalker(doc.body || doc.documentElement, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    walker.currentNode = el;
    let out = "";
    let steps = 0;
    for (let n = walker.previousNode(); n && steps < 200; n = walker.previousNode(), steps++) {
      if (n.nodeType === Node.ELEMENT_NODE) {
        if (n.contains(el)) continue; // an ancestor: keep walking back
        if (isCandidate(n) && n.localName !== "option") break;
        continue;
      }
      const p = n.parentElement;
      if (p && (p.localName === "script" || p.localName === "style" || p.localName === "option")) continue;
      const t = (n.nodeValue || "").trim();
      if (!t) continue;
      out = t + " " + out;
      if (out.length >= MAX_NEARBY) break;
    }
    // A table layout: the previous cell of the same row.
    const cell = el.closest("td,th");
    if (cell && cell.previousElementSibling && !out.trim()) out = textOf(cell.previousElementSibling);
    out = clean(out, 400);
    return out.length > MAX_NEARBY ? out.slice(out.length - MAX_NEARBY) : out;
  }

  /** Per-collect caches: computed styles by element, headings by scope (ancestors and headings are
   * shared by many controls; one lookup each instead of one per control), labels by control.
   * Null outside collect(). */
  let cache = null;

  function styleOf(win, el) {
    if (!cache) return win.getComputedStyle(el);
    let s = cache.styles.get(el);
    if (!s) {
      const c = win.getComputedStyle(el);
      s = { display: c.display, visibility: c.visibility, opacity: c.opacity, clip: c.clip, clipPath: c.clipPath, position: c.position, overflowX: c.overflowX, overflowY: c.overflowY };
      cache.styles.set(el, s);
    }
    return s;
  }

  function headingsOf(scope) {
    const all = () => [...scope.querySelectorAll("h1,h2,h3,h4,h5,h6,[role=heading]")];
    if (!cache) return all();
    if (!cache.headings.has(scope)) cache.headings.set(scope, all());
    return cache.headings.get(scope);
  }

  /** Legend and heading text of the control's section, plus section words from ancestor ids/classes. */
  function sectionText(el) {
    const parts = [];
    const fs = el.closest("fieldset");
    if (fs) {
      const legend = fs.querySelector("legend");
      if (legend) parts.push(textOf(legend));
    }
    // The nearest preceding heading inside the form (or body).
    const scope = el.form || el.closest("form") || el.ownerDocument.body;
    if (scope) {
      // Headings are in document order: binary search for the last one before `el`.
      const hs = headingsOf(scope);
      let lo = 0, hi = hs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (hs[mid].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) parts.push(textOf(hs[lo - 1]));
    }
    for (let a = el.parentElement, depth = 0; a && depth < 12; a = a.parentElement, depth++) {
      const hint = sectionHint(a);
      if (hint !== null) {
        if (hint) parts.push(hint);
        break;
      }
    }
    return clean(parts.join(" | "));
  }

  /** For an ancestor whose id or class names a section: the word naming it ("" when the word is
   * not one we keep); null when it names none. Cached per collect (controls share ancestors). */
  function sectionHint(a) {
    if (cache && cache.hints.has(a)) return cache.hints.get(a);
    const hint = (a.id || "") + " " + (typeof a.className === "string" ? a.className : "");
    let out = null;
    if (SECTION_WORDS.test(hint)) {
      const m = hint.match(/\S*(?:ship|bill|deliver|invoice|payment|card|liefer|rechnung|factur|livraison)\S*/i);
      out = m ? m[0] : "";
    }
    if (cache) cache.hints.set(a, out);
    return out;
  }

  /** The smallest box, in CSS px, of a field we fill (and of the part of it left visible). */
  const MIN_SIDE = 6;
  /** The least effective opacity (the product over the field and its ancestors) we fill. */
  const MIN_OPACITY = 0.5;

  /** Intersection of two rects ({left, top, right, bottom}). */
  function intersect(a, b) {
    return { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
  }

  /**
   * The part of `r` (viewport coordinates) an ancestor `a` with `overflow` other than visible
   * leaves to be seen: `hidden`/`clip` cut at its padding box; `auto`/`scroll` at its whole
   * scrollable area (what the user can scroll to). A box the user cannot scroll to is clipped away.
   */
  function clipBy(a, s, r) {
    const box = clipBox(a, s);
    return box ? intersect(r, box) : r;
  }

  /** The box ancestor `a` clips its content to (viewport coordinates), or null when it clips
   * nothing; kept per collect (many controls share their ancestors). */
  function clipBox(a, s) {
    if (cache && cache.clips.has(a)) return cache.clips.get(a);
    let box = null;
    const ox = s.overflowX, oy = s.overflowY;
    // Overflow applies only to boxes that contain blocks (not to `display: contents` or inline).
    const clips = !((ox === "visible" || !ox) && (oy === "visible" || !oy)) && s.display !== "contents" && s.display !== "inline";
    if (clips) {
      const scrollsX = ox === "auto" || ox === "scroll", scrollsY = oy === "auto" || oy === "scroll";
      if ((scrollsX || scrollsY) && (a.clientWidth < MIN_SIDE || a.clientHeight < MIN_SIDE)) {
        // A scroll container too small to show anything shows nothing, whatever it could scroll to.
        box = { left: 0, top: 0, right: 0, bottom: 0 };
      } else {
        const b = a.getBoundingClientRect();
        const left = b.left + a.clientLeft, top = b.top + a.clientTop;
        box = {
          left: ox === "visible" ? -Infinity : scrollsX ? left - a.scrollLeft : left,
          top: oy === "visible" ? -Infinity : scrollsY ? top - a.scrollTop : top,
          right: ox === "visible" ? Infinity : scrollsX ? left - a.scrollLeft + a.scrollWidth : left + a.clientWidth,
          bottom: oy === "visible" ? Infinity : scrollsY ? top - a.scrollTop + a.scrollHeight : top + a.clientHeight,
        };
      }
    }
    if (cache) cache.clips.set(a, box);
    return box;
  }

  /** The root element's overflow, and the body's when the root's is visible, belong to the
   * viewport (whose edges the offscreen test covers), not to the element's own box. */
  function propagatesToViewport(a, doc, win) {
    if (a === doc.documentElement) return true;
    if (a !== doc.body) return false;
    const root = styleOf(win, doc.documentElement);
    return (root.overflowX === "visible" || !root.overflowX) && (root.overflowY === "visible" || !root.overflowY);
  }

  /** Visibility and fillability flags, computed now. `hitTest` false skips the "covered" check
   * (hit tests, the costliest part of collecting); fill() always makes it. The rules, a password
   * manager's: shown (no `display:none`, `visibility:hidden`, `hidden`), effective opacity at least
   * 0.5, at least 6×6 CSS px, not clipped away by an ancestor's overflow, `clip` or `clip-path`,
   * on the page, and not covered at its centre by another element (overlays that let clicks
   * through, `pointer-events:none`, included). */
  function fillability(el, hitTest = true) {
    const doc = el.ownerDocument;
    const win = doc.defaultView || window;
    const type = (el.getAttribute("type") || "").toLowerCase();
    const flags = {
      hidden: false, zero_size: false, offscreen: false, transparent: false, clipped: false, covered: false,
      disabled: !!el.disabled || !!el.closest("fieldset[disabled]"),
      readonly: !!el.readOnly || el.getAttribute("aria-readonly") === "true",
      password: type === "password",
      one_time_code: (el.getAttribute("autocomplete") || "").toLowerCase().includes("one-time-code"),
      cross_origin_frame: cache ? cache.crossOrigin : crossOriginFrame(),
      fillable: false,
    };
    if (type === "hidden") flags.hidden = true;
    const r = el.getBoundingClientRect();
    if (r.width < MIN_SIDE || r.height < MIN_SIDE) flags.zero_size = true;
    let seen = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    let opacity = 1;
    for (let a = el; a && a.nodeType === Node.ELEMENT_NODE; a = a.parentElement || (a.getRootNode() instanceof ShadowRoot ? a.getRootNode().host : null)) {
      const s = styleOf(win, a);
      if (s.display === "none" || (a === el && (s.visibility === "hidden" || s.visibility === "collapse"))) flags.hidden = true;
      if (a.hidden || a.getAttribute("aria-hidden") === "true" && a === el) flags.hidden = true;
      const o = parseFloat(s.opacity);
      if (Number.isFinite(o)) opacity *= o;
      if (s.clip && s.clip !== "auto" && (s.position === "absolute" || s.position === "fixed")) flags.clipped = true;
      if (s.clipPath && s.clipPath !== "none") flags.clipped = true;
      if (a !== el && !flags.zero_size && !propagatesToViewport(a, doc, win)) seen = clipBy(a, s, seen);
      if (flags.hidden) break;
    }
    if (opacity < MIN_OPACITY) flags.transparent = true;
    if (!flags.zero_size && (seen.right - seen.left < MIN_SIDE || seen.bottom - seen.top < MIN_SIDE)) flags.clipped = true;
    const sx = win.scrollX, sy = win.scrollY;
    const pageWidth = cache ? cache.pageWidth : Math.max(doc.documentElement.scrollWidth, win.innerWidth);
    if (r.right + sx <= 0 || r.bottom + sy <= 0 || r.left + sx > pageWidth + 100) flags.offscreen = true;
    if (hitTest && !flags.hidden && !flags.zero_size && !flags.offscreen && !flags.clipped) flags.covered = covered(el, r, doc, win);
    flags.fillable = !(flags.hidden || flags.zero_size || flags.offscreen || flags.transparent || flags.clipped ||
      flags.covered || flags.disabled || flags.readonly || flags.password || flags.one_time_code || flags.cross_origin_frame);
    return flags;
  }

  /** Is `top` (an element hit at the field's centre) part of the field, its label or our own UI? */
  function ownHit(el, top) {
    return top === el || el.contains(top) || top.contains(el) || top.localName === "secondself-autofill" ||
      !!(el.labels && [...el.labels].some((l) => l.contains(top)));
  }

  /**
   * Covered: another element paints over the field's centre. Hit-tested elements come from
   * `elementsFromPoint`; overlays that let clicks through (`pointer-events:none`) are invisible to
   * hit tests, so those whose box holds the centre are made hit-testable for one test (inline,
   * restored at once). A centre outside the viewport cannot be hit-tested: such a field is filled
   * only inside the form the user is in (autofill.js narrows the fills to it).
   */
  function covered(el, r, doc, win) {
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    if (!(cx >= 0 && cy >= 0 && cx < win.innerWidth && cy < win.innerHeight)) return false;
    const stack = doc.elementsFromPoint(cx, cy);
    const top = stack[0];
    if (top && !ownHit(el, top)) return true;
    for (const o of passThroughOverlays(doc, win)) {
      const b = o.getBoundingClientRect();
      if (cx < b.left || cx >= b.right || cy < b.top || cy >= b.bottom || o.contains(el)) continue;
      const saved = o.style.getPropertyValue("pointer-events"), prio = o.style.getPropertyPriority("pointer-events");
      o.style.setProperty("pointer-events", "auto", "important");
      try {
        const hit = doc.elementFromPoint(cx, cy);
        if (hit && (hit === o || o.contains(hit)) && !ownHit(el, hit)) return true;
      } finally {
        if (saved) o.style.setProperty("pointer-events", saved, prio);
        else o.style.removeProperty("pointer-events");
      }
    }
    return false;
  }

  /** Elements that paint but let clicks through (`pointer-events:none`, the topmost of each such
   * subtree) and are visible enough to hide what is under them; found once per fill. */
  function passThroughOverlays(doc, win) {
    if (fillCache && fillCache.overlays) return fillCache.overlays;
    const out = [];
    const all = doc.body ? doc.body.getElementsByTagName("*") : [];
    for (let i = 0; i < all.length && i < 20000; i++) {
      const e = all[i];
      const s = win.getComputedStyle(e);
      if (s.pointerEvents !== "none" || s.display === "none" || s.visibility === "hidden") continue;
      const parent = e.parentElement;
      if (parent && win.getComputedStyle(parent).pointerEvents === "none") continue; // inside an overlay already listed
      if (parseFloat(s.opacity) < 0.05) continue;
      out.push(e);
    }
    if (fillCache) fillCache.overlays = out;
    return out;
  }

  /** Per-fill cache (the overlays of the page), set by beginFill()/endFill(). */
  let fillCache = null;
  function beginFill() { fillCache = {}; }
  function endFill() { fillCache = null; }

  function crossOriginFrame() {
    if (window === window.top) return false;
    try {
      return window.top.location.origin !== window.location.origin;
    } catch (_) {
      return true;
    }
  }

  let lastElements = [];

  /** Describes every candidate control under `root` (default: the document). */
  function collect(root) {
    const doc = (root && root.ownerDocument) || document;
    const scope = root || doc;
    const all = [...scope.querySelectorAll("input,select,textarea,[contenteditable]")].filter(isCandidate);
    const forms = [...doc.forms];
    const perForm = new Map();
    lastElements = all;
    const win = doc.defaultView || window;
    cache = {
      styles: new Map(), headings: new Map(), hints: new Map(), clips: new Map(), labels: labelMap(scope.getRootNode()),
      crossOrigin: crossOriginFrame(), pageWidth: Math.max(doc.documentElement.scrollWidth, win.innerWidth),
    };
    try {
      return { fields: all.map((el, index) => describe(el, index, forms, perForm)) };
    } finally {
      cache = null;
    }
  }

  /** The descriptor of control `el`, number `index` of this collect(). */
  function describe(el, index, forms, perForm) {
    const form = el.form || el.closest("form");
    const formIndex = form ? forms.indexOf(form) : -1;
    const position = perForm.get(formIndex) || 0;
    perForm.set(formIndex, position + 1);
    const tag = el.localName === "input" || el.localName === "select" || el.localName === "textarea" ? el.localName : "contenteditable";
    const d = {
      index,
      tag,
      type: tag === "input" ? (el.getAttribute("type") || "text").toLowerCase() : tag === "select" ? (el.multiple ? "select-multiple" : "select-one") : tag,
      autocomplete: clean(el.getAttribute("autocomplete"), 80).toLowerCase(),
      name: clean(el.getAttribute("name"), 80),
      id: clean(el.id, 80),
      label: labelText(el),
      aria_label: clean(el.getAttribute("aria-label")),
      placeholder: clean(el.getAttribute("placeholder")),
      title: clean(el.getAttribute("title")),
      nearby: nearbyText(el),
      options: [],
      max_length: el.maxLength > 0 ? el.maxLength : null,
      pattern: el.getAttribute("pattern") ? clean(el.getAttribute("pattern"), 80) : null,
      form_index: formIndex,
      form_id: form ? clean(form.id || form.getAttribute("name") || form.getAttribute("action"), 80) : "",
      position,
      section: sectionText(el),
      flags: fillability(el, false), // "covered" is checked when filling
    };
    if (tag === "select") {
      const opts = el.options;
      for (let i = 0; i < opts.length && i < MAX_OPTIONS; i++) {
        d.options.push({ value: clean(opts[i].value, MAX_OPTION_TEXT), text: clean(opts[i].text, MAX_OPTION_TEXT) });
      }
    }
    return d;
  }

  function elementAt(index) {
    return lastElements[index] || null;
  }

  /** The descriptor index of `el` in the last collect(), or null. */
  function indexOf(el) {
    const i = lastElements.indexOf(el);
    return i < 0 ? null : i;
  }

  // ---- filling ----------------------------------------------------------------------------------

  const changed = []; // {el, value, style} in fill order, for undo

  function nativeSetter(el) {
    const proto = el.localName === "textarea" ? HTMLTextAreaElement.prototype
      : el.localName === "select" ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    return Object.getOwnPropertyDescriptor(proto, "value").set;
  }

  function fire(el) {
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  const norm = (s) => String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim().toLowerCase();

  /** The option matching `value` by value, then by label, then by a label prefix. */
  function findOption(select, value) {
    const v = norm(value);
    const opts = [...select.options];
    return opts.find((o) => o.value === value) || opts.find((o) => norm(o.value) === v) ||
      opts.find((o) => norm(o.text) === v) || (v.length >= 3 && opts.find((o) => norm(o.text).startsWith(v))) || null;
  }

  /** Writes `value` into `el` as a user would; refuses unfillable controls. */
  function fill(el, value) {
    if (!el || value == null) return false;
    if (!fillability(el).fillable) return false;
    const previous = el.localName === "select" || el.localName === "input" || el.localName === "textarea" ? el.value : el.textContent;
    if (el.localName === "select") {
      const opt = findOption(el, value);
      if (!opt) return false;
      nativeSetter(el).call(el, opt.value);
    } else if (el.localName === "input" || el.localName === "textarea") {
      nativeSetter(el).call(el, String(value));
    } else {
      el.textContent = String(value);
    }
    changed.push({ el, value: previous, style: null });
    fire(el);
    return true;
  }

  function fillIndex(index, value) {
    return fill(elementAt(index), value);
  }

  function highlight(el) {
    if (!el) return;
    const entry = [...changed].reverse().find((c) => c.el === el);
    const saved = { outline: el.style.outline, backgroundColor: el.style.backgroundColor };
    if (entry && !entry.style) entry.style = saved;
    else if (!entry) changed.push({ el, value: undefined, style: saved });
    el.style.outline = "2px solid #7c5cff";
    el.style.backgroundColor = "#f1edff";
  }

  /** Restores every value and style changed since the last undo, newest first. */
  function undo() {
    let n = 0;
    while (changed.length) {
      const { el, value, style } = changed.pop();
      if (value !== undefined) {
        if (el.localName === "select" || el.localName === "input" || el.localName === "textarea") nativeSetter(el).call(el, value);
        else el.textContent = value;
        fire(el);
        n++;
      }
      if (style) {
        el.style.outline = style.outline;
        el.style.backgroundColor = style.backgroundColor;
      }
    }
    return n;
  }

  /** Sections that group the controls of a page without a `<form>`. */
  const SECTION = "fieldset,[role=form],[role=group],[role=dialog],[role=region],dialog,section,article,aside,header,footer,nav,main";

  /** The form of `el`, or without one its nearest section (else its document's body). */
  function group(el) {
    if (!el) return null;
    const form = el.form || el.closest("form");
    if (form) return form;
    return el.closest(SECTION) || el.ownerDocument.body || el.ownerDocument.documentElement;
  }

  globalThis.SecondSelfAutofill = Object.freeze({ collect, elementAt, indexOf, isCandidate, fillability, fill, fillIndex, highlight, undo, findOption, group, beginFill, endFill });
})();
