/*
 * SecondSelf memory manager (side panel, Memory tab): import files and notes with a progress
 * bar, search, show the distilled profile (facts by kind, bio, topics) with edit / pin / delete,
 * list sources with delete, export and restore a backup, delete everything, show storage use.
 * All memory work happens in the engine (`memory.*` requests); this file is DOM in, DOM out.
 * Must not: send memory anywhere but the engine, or put it in a web page.
 */
import { t, tn, factLabel, importFailure } from "./i18n.js";
import { mib, toBase64 } from "./files.js";

const { request, MAX_IMPORT_BYTES, MAX_BACKUP_BYTES } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);


function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

const KIND_ORDER = ["name", "contact", "address", "work", "date", "person", "preference", "health", "finance", "identifier", "goal", "project", "other"];
const kindLabel = (kind) => t(`kind${kind[0].toUpperCase()}${kind.slice(1)}`);
const label = factLabel;
const day = (ts) => (ts ? new Date(ts * 1000).toISOString().slice(0, 10) : "");

function renderProfile(p) {
  $("bio").textContent = p.bio || "";
  if (p.unreadable) status(tn("recordsDamaged", p.unreadable, p.unreadable));
  $("topics").replaceChildren(...p.topics.map((t) => el("span", { class: "chip" }, t)));
  const facts = $("facts");
  if (p.facts.length === 0) {
    facts.replaceChildren(el("p", { class: "muted" }, t("profileEmpty")));
  } else {
    const groups = KIND_ORDER.map((kind) => [kind, p.facts.filter((f) => f.kind === kind)]).filter(([, fs]) => fs.length);
    facts.replaceChildren(...groups.map(([kind, fs]) => el("div", { class: "fact-group", dataset: { kind } }, el("h3", {}, kindLabel(kind)), ...fs.map(renderFact))));
  }
  $("source-count").textContent = p.sources.length ? `(${p.sources.length})` : "";
  $("sources").replaceChildren(
    ...p.sources.map((s) =>
      el(
        "li",
        { dataset: { sourceId: s.id } },
        el("span", {}, el("span", { class: "name" }, s.name), el("br"), el("span", { class: "meta" }, t("sourceMeta", s.kind, s.chunk_ids.length, day(s.dated || s.imported_at)))),
        el("button", { class: "icon danger", type: "button", title: t("deleteSourceTitle", s.name), onclick: () => deleteSource(s) }, t("delete")),
      ),
    ),
  );
}

function renderFact(f) {
  const sensitive = f.sensitivity === "sensitive";
  const value = el("span", { class: "value" }, sensitive ? "••••••" : f.value);
  if (sensitive) {
    value.title = t("sensitiveTitle");
    value.addEventListener("click", () => (value.textContent = f.value), { once: true });
  }
  // Read from text a web page wrote: not filled into forms or given to sites until confirmed.
  const unconfirmed = f.from_page && !f.pinned;
  const row = el(
    "div",
    { class: "fact", dataset: { factKey: f.key, factId: f.id, fromPage: unconfirmed ? "1" : "" } },
    el(
      "span",
      { class: "key" },
      label(f.key),
      sensitive ? el("span", { class: "badge sensitive" }, t("badgeSensitive")) : null,
      f.pinned ? el("span", { class: "badge pinned" }, t("badgeYourEdit")) : null,
      unconfirmed ? el("span", { class: "badge from-page", title: t("fromPageTitle") }, t("badgeFromPage")) : null,
    ),
    el(
      "span",
      { class: "tools" },
      unconfirmed ? el("button", { class: "icon", type: "button", title: t("confirmTitle"), onclick: () => mutate({ kind: "memory.pin", key: f.key, value: f.value }) }, t("confirm")) : null,
      el("button", { class: "icon", type: "button", title: t("editTitle"), onclick: () => editFact(f, row) }, t("edit")),
      f.pinned || unconfirmed ? null : el("button", { class: "icon", type: "button", title: t("pinTitle"), onclick: () => mutate({ kind: "memory.pin", key: f.key, value: f.value }) }, t("pin")),
      el("button", { class: "icon danger", type: "button", title: t("forgetTitle"), onclick: () => mutate({ kind: "memory.forget", fact_id: f.id }) }, t("delete")),
    ),
    value,
  );
  return row;
}

function editFact(f, row) {
  const input = el("input", { class: "edit-input", value: f.value, "aria-label": t("newValueFor", label(f.key)) });
  const save = () => mutate({ kind: "memory.pin", key: f.key, value: input.value.trim() });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") save();
    if (e.key === "Escape") refresh();
  });
  row.querySelector(".value").replaceWith(input);
  input.focus();
}

async function mutate(body) {
  try {
    renderProfile(await request(body));
  } catch (err) {
    status(t("updateFailed", err.message));
  }
  showUsage();
}

async function deleteSource(s) {
  if (!confirm(t("deleteSourceConfirm", s.name))) return;
  await mutate({ kind: "memory.delete_source", source_id: s.id });
}

function status(text) {
  $("data-status").textContent = text;
}

async function refresh() {
  try {
    renderProfile(await request({ kind: "memory.overview" }));
  } catch (err) {
    $("facts").replaceChildren(el("p", { class: "error" }, t("memoryUnavailable", err.message)));
  }
  showUsage();
}

async function importFiles(files) {
  const list = [...files];
  if (!list.length) return;
  const bar = $("import-bar");
  const results = $("import-results");
  results.replaceChildren();
  $("import-progress").hidden = false;
  bar.max = list.length + 1;
  bar.value = 0;
  let imported = 0;
  let duplicates = 0;
  for (const [i, file] of list.entries()) {
    $("import-label").textContent = t("importingFile", file.name);
    $("import-count").textContent = `${i + 1} / ${list.length}`;
    let line;
    try {
      // Refused before a byte is read: a huge file would be copied three times on its way in.
      if (file.size > MAX_IMPORT_BYTES) throw new Error(t("tooBig", mib(file.size), mib(MAX_IMPORT_BYTES)));
      const { outcome } = await request({ kind: "memory.import", name: file.webkitRelativePath || file.name, data: await toBase64(file) });
      if (outcome.status === "imported") imported += 1;
      if (outcome.status === "duplicate") duplicates += 1;
      line = outcome.status === "failed" ? el("li", { class: "failed" }, `✗ ${importFailure(file.name, outcome)}`) : null;
    } catch (err) {
      line = el("li", { class: "failed" }, `✗ ${file.name}: ${err.message}`);
    }
    if (line) results.append(line);
    bar.value = i + 1;
  }
  $("import-label").textContent = t("learning");
  try {
    renderProfile(await request({ kind: "memory.distil" }));
  } catch (err) {
    results.append(el("li", { class: "failed" }, t("distilFailed", err.message)));
  }
  bar.value = bar.max;
  if (duplicates) results.append(el("li", {}, tn("duplicates", duplicates, duplicates)));
  $("import-label").textContent = tn("imported", list.length, imported, list.length);
  $("import-count").textContent = "";
  showUsage();
  embedMissing();
}

// Passages without a vector (new imports, memory from before search by meaning) are embedded
// by the engine batch by batch; the panel shows how far it is. One run at a time: a second call
// while one runs asks it to go again when it ends.
let embedding = null;
let embedAgain = false;
function embedMissing() {
  if (embedding) {
    embedAgain = true;
    return embedding;
  }
  embedding = (async () => {
    do {
      embedAgain = false;
      const bar = $("embed-bar");
      const onEvent = (ev) => {
        if (!ev || ev.kind !== "engine.progress" || ev.stage !== "embed" || !ev.total) return;
        $("embed-progress").hidden = false;
        $("embed-status").textContent = t("embedReading");
        $("embed-count").textContent = `${ev.done} / ${ev.total}`;
        bar.max = ev.total;
        bar.value = ev.done;
      };
      try {
        const { embedded, meaning } = await request({ kind: "memory.embed" }, { onEvent });
        if (!meaning) {
          $("embed-progress").hidden = false;
          $("embed-status").textContent = t("meaningOff");
        } else if (embedded || !$("embed-progress").hidden) {
          $("embed-progress").hidden = false;
          $("embed-status").textContent = t("meaningReady");
          $("embed-count").textContent = "";
          bar.value = bar.max;
        }
      } catch (err) {
        $("embed-progress").hidden = false;
        $("embed-status").textContent = t("meaningPaused", err.message);
      }
    } while (embedAgain);
    embedding = null;
  })();
  return embedding;
}

let searchTimer = null;
async function search(query) {
  const out = $("search-results");
  if (!query.trim()) {
    out.replaceChildren();
    return;
  }
  try {
    const { hits } = await request({ kind: "memory.search", query, k: 8 });
    if (!hits.length) {
      out.replaceChildren(el("li", { class: "muted" }, t("noMatches")));
      return;
    }
    out.replaceChildren(
      ...hits.map((h) =>
        el(
          "li",
          { class: "hit" },
          h.kind === "fact" ? el("span", {}, el("strong", {}, label(h.key)), ": ", h.sensitivity === "sensitive" ? t("sensitiveHidden") : h.value) : el("span", {}, h.text.length > 220 ? `${h.text.slice(0, 220)}…` : h.text),
          el("div", { class: "src" }, h.source),
        ),
      ),
    );
  } catch (err) {
    out.replaceChildren(el("li", { class: "failed" }, err.message));
  }
}

async function showUsage() {
  try {
    const { usage, quota } = await navigator.storage.estimate();
    const mb = (n) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
    $("storage-usage").textContent = t("storageUse", mb(usage), mb(quota));
  } catch {
    $("storage-usage").textContent = t("storageUnknown");
  }
}

async function exportBackup() {
  try {
    const { backup } = await request({ kind: "memory.export" });
    const blob = new Blob([JSON.stringify(backup)], { type: "application/json" });
    const a = el("a", { href: URL.createObjectURL(blob), download: `secondself-backup-${day(backup.exported_at)}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    status(t("backupSaved"));
  } catch (err) {
    status(t("exportFailed", err.message));
  }
}

async function restoreBackup(file) {
  if (!file) return;
  let backup;
  if (file.size > MAX_BACKUP_BYTES) {
    status(t("backupTooBig", file.name, mib(file.size), mib(MAX_BACKUP_BYTES)));
    return;
  }
  try {
    backup = JSON.parse(await file.text());
  } catch {
    status(t("notBackup", file.name));
    return;
  }
  try {
    renderProfile(await request({ kind: "memory.restore", backup }));
    status(t("restored", file.name));
    embedMissing();
  } catch (err) {
    status(t("restoreFailed", err.message));
  }
  showUsage();
}

$("import-files").addEventListener("change", (e) => importFiles(e.target.files).finally(() => (e.target.value = "")));
$("restore-file").addEventListener("change", (e) => restoreBackup(e.target.files[0]).finally(() => (e.target.value = "")));
$("export").addEventListener("click", exportBackup);
$("delete-all").addEventListener("click", () => ($("confirm-delete").hidden = false));
$("confirm-delete-no").addEventListener("click", () => ($("confirm-delete").hidden = true));
$("confirm-delete-yes").addEventListener("click", async () => {
  $("confirm-delete").hidden = true;
  await mutate({ kind: "memory.clear" });
  status(t("allDeleted"));
});
/** The browser's bookmarks as a Netscape bookmark file (what every browser exports), the same
 * bytes for the same bookmarks: the engine reads it as it reads an exported `bookmarks.html`. */
function bookmarksFile(tree) {
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const out = ["<!DOCTYPE NETSCAPE-Bookmark-file-1>", "<TITLE>Bookmarks</TITLE>", "<DL><p>"];
  const walk = (nodes, pad) => {
    for (const n of nodes) {
      const date = n.dateAdded ? ` ADD_DATE="${Math.floor(n.dateAdded / 1000)}"` : "";
      if (n.url) out.push(`${pad}<DT><A HREF="${esc(n.url)}"${date}>${esc(n.title || n.url)}</A>`);
      else if (n.children && n.title) {
        out.push(`${pad}<DT><H3${date}>${esc(n.title)}</H3>`, `${pad}<DL><p>`);
        walk(n.children, `${pad}  `);
        out.push(`${pad}</DL><p>`);
      } else if (n.children) walk(n.children, pad);
    }
  };
  walk(tree, "  ");
  out.push("</DL><p>");
  return out.join("\n");
}

// The bookmarks permission is optional: asked at this click, first thing (the browser's prompt
// needs the click's gesture), never before.
$("import-bookmarks").addEventListener("click", () => {
  chrome.permissions.request({ permissions: ["bookmarks"] }).then(
    async (granted) => {
      if (!granted) return status(t("bookmarksDenied"));
      const file = new File([bookmarksFile(await chrome.bookmarks.getTree())], "bookmarks.html", { type: "text/html" });
      await importFiles([file]);
    },
    (err) => status(t("bookmarksFailed", err.message)),
  );
});
$("note-open").addEventListener("click", () => {
  $("note-form").hidden = false;
  $("note-text").focus();
});
$("note-cancel").addEventListener("click", () => ($("note-form").hidden = true));
$("note-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("note-text").value.trim();
  if (!text) return;
  const { outcome } = await request({ kind: "memory.remember", text });
  if (outcome.status === "failed") status(outcome.message);
  $("note-text").value = "";
  $("note-form").hidden = true;
  refresh();
  embedMissing();
});
$("search").addEventListener("input", (e) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(e.target.value), 150);
});

// Ask the browser to keep this memory under disk pressure (best-effort storage can be evicted).
if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
// Memory from before search by meaning (or an import the panel was closed during) is read now.
refresh().then(() => embedMissing());
