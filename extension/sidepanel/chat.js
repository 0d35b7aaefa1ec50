/*
 * SecondSelf side panel, Chat tab: a conversation with the on-device model. Loads the model
 * (progress bar), streams the answer's pieces as they arrive, Stop cancels after the current
 * token, New conversation clears it. The conversation is kept where only the extension can read
 * it (chat-store.js) so it survives closing and reopening the panel; Delete all removes it.
 * Must not: build prompts or post-process answers (the engine does); log message contents.
 */
const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);
import { loadTurns, saveTurns, onCleared } from "./chat-store.js";
import { t } from "./i18n.js";

/** @type {{role: "user"|"assistant", content: string, meta?: string, cites?: {source: string, url?: string, text: string}[]}[]} */
let turns = [];
let busy = false;

/** The kept conversation, loaded once; a question asked before it is in waits for it. */
const loaded = loadTurns().then((kept) => {
  turns = [...kept, ...turns];
  render();
});

const saveConversation = () => saveTurns(turns);

onCleared(() => {
  turns = [];
  render();
});

/** Opens a cited memory: its page when it came from one, else the Memory tab searching for it. */
function openCitation(cite) {
  if (cite.url && /^https?:/.test(cite.url)) {
    chrome.tabs.create({ url: cite.url });
    return;
  }
  document.getElementById("tab-memory").click();
  const search = document.getElementById("search");
  search.value = cite.text.slice(0, 120);
  search.dispatchEvent(new Event("input", { bubbles: true }));
}

function bubble(turn) {
  const li = document.createElement("li");
  li.className = turn.role;
  li.textContent = turn.content;
  if (turn.cites && turn.cites.length) {
    const list = document.createElement("ul");
    list.className = "cites";
    for (const cite of turn.cites) {
      const item = document.createElement("li");
      const link = document.createElement("button");
      link.type = "button";
      link.className = "cite";
      link.textContent = `↳ ${cite.source}${cite.page ? ` · ${t("citePage", cite.page)}` : ""}${cite.date ? ` · ${cite.date}` : ""}`;
      link.title = cite.text;
      link.addEventListener("click", () => openCitation(cite));
      // The sentence the answer rests on, under its source.
      const quote = document.createElement("q");
      quote.className = "cite-text";
      quote.textContent = cite.text;
      item.append(link, quote);
      list.append(item);
    }
    li.append(list);
  }
  if (turn.meta) {
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = turn.meta;
    li.append(meta);
  }
  return li;
}

function render() {
  $("chat-log").replaceChildren(...turns.map(bubble));
  $("chat-empty").hidden = turns.length > 0;
}

function showError(message) {
  const box = $("chat-error");
  box.hidden = !message;
  box.textContent = message || "";
}

function setBusy(on) {
  busy = on;
  $("chat-send").disabled = on;
  $("chat-stop").hidden = !on;
  $("chat-new").disabled = on;
}

function formatBackend(b) {
  return b ? (b.type === "gpu" ? b.adapter : "CPU") : "";
}

function showModel(state) {
  const label = $("chat-model");
  if (state.state === "ready" && state.model) {
    label.textContent = `${state.model.name} · ${formatBackend(state.model.backend)}`;
    label.title = state.model.fallback ? t("webgpuNotUsed", state.model.fallback) : "";
  } else if (state.state === "failed") {
    label.textContent = t("modelFailedShort");
  } else {
    label.textContent = state.state === "loading" ? t("modelLoading") : t("modelNotLoaded");
  }
}

async function ensureModel() {
  const bar = $("model-progress-bar");
  const box = $("model-progress");
  box.hidden = false;
  try {
    const state = await request(
      { kind: "model.load" },
      {
        onEvent: (e) => {
          if (e.kind !== "engine.progress") return;
          const mb = (n) => (n / (1024 * 1024)).toFixed(0);
          $("model-progress-label").textContent = e.stage === "download model" ? t("readingModel") : t("placingModel");
          $("model-progress-count").textContent = e.stage === "download model" && e.total ? `${mb(e.done)} / ${mb(e.total)} MB` : "";
          bar.value = e.total ? e.done / e.total : 0;
        },
      },
    );
    showModel(state);
    return state;
  } finally {
    box.hidden = true;
  }
}

async function send(text) {
  showError("");
  await loaded;
  turns.push({ role: "user", content: text });
  const answer = { role: "assistant", content: "" };
  turns.push(answer);
  render();
  const li = $("chat-log").lastElementChild;
  li.classList.add("streaming");
  setBusy(true);
  try {
    await ensureModel();
    const onEvent = (e) => {
      if (e.kind !== "chat.piece") return;
      answer.content += e.text;
      li.firstChild ? (li.firstChild.textContent = answer.content) : (li.textContent = answer.content);
      li.scrollIntoView({ block: "end" });
    };
    const mode = $("chat-mode").value;
    const rate = (tokens, ms) => (ms > 0 && tokens > 0 ? t("metaRate", ((tokens * 1000) / ms).toFixed(1)) : "");
    if (mode === "plain") {
      const history = turns.slice(0, -1).filter((t) => t.mode === "plain" || !t.mode).map(({ role, content }) => ({ role, content }));
      const done = await request({ kind: "chat.generate", messages: history }, { onEvent });
      answer.content = done.text;
      answer.meta = `${t("metaModelOnly", done.tokens)}${rate(done.tokens, done.ms)}${done.stop === "cancelled" ? t("metaStopped") : ""}`;
    } else {
      const asker = mode === "third-party" ? { type: "third-party", role: $("chat-role").value.trim() || t("roleSomeone") } : { type: "user" };
      const done = await request({ kind: "chat.ask", question: text, asker }, { onEvent });
      answer.content = done.answer.text;
      answer.cites = done.answer.citations.map(({ source, url, text, date, page }) => ({ source, url, text, date, page }));
      const who = asker.type === "user" ? t("metaFromMemory", done.tokens) : t("metaFor", asker.role, done.tokens);
      answer.meta = `${who}${rate(done.tokens, done.ms)}`;
    }
    turns[turns.length - 2].mode = mode;
    answer.mode = mode;
  } catch (err) {
    showError(t("noAnswer", err.message));
    if (!answer.content) turns.pop();
  } finally {
    setBusy(false);
    render();
    await saveConversation();
  }
}

$("chat-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = $("chat-input");
  const text = input.value.trim();
  if (!text || busy) return;
  input.value = "";
  send(text);
});

$("chat-input").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    $("chat-form").requestSubmit();
  }
});

$("chat-stop").addEventListener("click", () => request({ kind: "chat.cancel" }).catch(() => {}));

$("chat-new").addEventListener("click", async () => {
  turns = [];
  render();
  showError("");
  await saveConversation();
});

$("chat-mode").addEventListener("change", () => {
  $("chat-role").hidden = $("chat-mode").value !== "third-party";
});

$("tab-chat").addEventListener("click", () => {
  request({ kind: "model.status" }).then(showModel, () => {});
});

