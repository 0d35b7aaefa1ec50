/*
 * SecondSelf side panel, Engine tab → Training: "Train my SecondSelf" shows what training on
 * memory would learn (`train.plan`), starts it (`train.memory`) and, when it is done, the
 * held-out questions answered right before and after (`train.compare`); it also starts a LoRA
 * training job from a JSONL file the user picks (`train.start`), shows its progress (step, loss curve, tokens/s, time left) from the
 * job's `train.progress` events, and pauses, resumes or cancels it. A job a browser restart
 * stopped shows as interrupted, with Resume. "Chat answers with" switches the adapter in use
 * (`adapter.use`). Must not: read or check the file's contents (the engine does).
 */
import { t, tn } from "./i18n.js";

const { request } = globalThis.SecondSelfProtocol;
const $ = (id) => document.getElementById(id);
const losses = [];

function drawLoss() {
  const line = $("train-loss").querySelector("polyline");
  if (losses.length === 0) return line.setAttribute("points", "");
  const max = Math.max(...losses.map((p) => p[1]), 1e-6);
  const last = losses[losses.length - 1][0] || 1;
  line.setAttribute("points", losses.map(([s, l]) => `${((s / last) * 296 + 2).toFixed(1)},${(78 - (l / max) * 74).toFixed(1)}`).join(" "));
}

function minutes(s) {
  if (!Number.isFinite(s)) return "";
  return s < 90 ? t("secondsLeft", Math.round(s)) : t("minutesLeft", Math.round(s / 60));
}

function show(state) {
  if (Array.isArray(state.curve) && state.curve.length >= losses.length) {
    losses.splice(0, losses.length, ...state.curve);
    drawLoss();
  }
  const running = state.state === "running";
  const resumable = state.state === "paused" || state.state === "interrupted";
  $("train-progress").hidden = !(running || resumable || state.state === "done");
  if (state.total) {
    $("train-bar").max = state.total;
    $("train-bar").value = state.step;
    $("train-step").textContent = `${t("trainStep", state.step, state.total)}${state.loss != null ? t("trainLoss", state.loss.toFixed(3)) : ""}`;
  }
  $("train-pause").hidden = !running;
  $("train-resume").hidden = !resumable;
  $("train-cancel").hidden = !(running || resumable);
  const words = {
    idle: state.active ? t("trainIdleActive", state.active) : t("trainNone"),
    running: t("trainRunning", state.name ?? ""),
    paused: t("trainPaused"),
    interrupted: t("trainInterrupted"),
    done: t("trainDone", state.active ?? state.name),
    cancelled: t("trainCancelled"),
    failed: t("trainFailed", state.error ?? ""),
  };
  $("train-status").textContent = words[state.state] ?? state.state;
  $("train-stale").hidden = !state.stale;
  if (Array.isArray(state.compared)) showCompare({ rows: state.compared });
  $("train-memory").disabled = running;
  const choice = $("adapter-choice");
  const options = [["", t("baseModel")], ...(state.adapters || []).map((a) => [a, t("adapterOption", a)])];
  choice.replaceChildren(...options.map(([value, label]) => Object.assign(document.createElement("option"), { value, textContent: label })));
  choice.value = state.active ?? "";
}

function onEvent(e) {
  if (e.kind !== "train.progress") return;
  losses.push([e.step, e.loss]);
  drawLoss();
  show({ state: "running", step: e.step, total: e.total, loss: e.loss, adapters: [...$("adapter-choice").options].map((o) => o.value).filter(Boolean), active: $("adapter-choice").value || null });
  $("train-eta").textContent = t("trainEta", Math.round(e.tokens_per_s), minutes(e.eta_s));
}

let live = false;

/** Runs a training request to its end; resolves with the job's last state (or null). */
async function job(body) {
  live = true;
  let state = null;
  try {
    state = await request(body, { onEvent });
    show(state);
  } catch (err) {
    $("train-status").textContent = err.message;
  }
  live = false;
  refresh();
  return state;
}

async function refresh() {
  try {
    const state = await request({ kind: "train.status" });
    if (live) return;
    show(state);
    // A job started from another panel: follow it until it ends.
    if (state.state === "running") setTimeout(refresh, 3000);
  } catch (err) {
    $("train-status").textContent = t("unknownError", err.message);
  }
}

$("train-file").addEventListener("change", async (ev) => {
  const file = ev.target.files[0];
  ev.target.value = "";
  if (!file) return;
  losses.length = 0;
  drawLoss();
  $("train-status").textContent = t("preparingFile", file.name);
  job({ kind: "train.start", data: await file.text(), objective: $("train-objective").value });
});
const TASKS = ["memory-self", "closed-book", "third-party", "identity"];
const key = (task) => task.replace(/-/g, "_");

function showPlan(plan) {
  const list = $("train-plan-list");
  const items = plan.examples.length === 0
    ? [t("trainPlanNone")]
    : [...plan.examples.map((e) => t(`trainPlan_${key(e.task)}`, e.n)), t("trainPlanHeldOut", plan.held_out), tn("trainPlanPrivate", plan.sources, plan.sources)];
  list.replaceChildren(...items.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  list.hidden = false;
}

function showCompare(reply) {
  const rows = TASKS.map((task) => reply.rows.find((r) => r.task === task)).filter(Boolean).map((r) => {
    const tr = document.createElement("tr");
    for (const text of [t(`trainTask_${key(r.task)}`), `${r.untrained}/${r.n}`, `${r.trained}/${r.n}`]) {
      tr.append(Object.assign(document.createElement(tr.childElementCount ? "td" : "th"), { textContent: text }));
    }
    tr.firstChild.scope = "row";
    return tr;
  });
  $("train-compare").querySelector("tbody").replaceChildren(...rows);
  $("train-compare").hidden = rows.length === 0;
}

async function compare() {
  try {
    showCompare(await request({ kind: "train.compare" }, {
      onEvent: (e) => {
        if (e.kind === "engine.progress" && e.stage === "compare") $("train-status").textContent = t("trainComparing", e.done + 1, e.total);
      },
    }));
    $("train-status").textContent = t("trainDone", "personal");
  } catch (err) {
    $("train-status").textContent = err.message;
  }
}

$("train-plan").addEventListener("click", async () => {
  try {
    showPlan(await request({ kind: "train.plan" }));
  } catch (err) {
    $("train-status").textContent = err.message;
  }
});
$("train-memory").addEventListener("click", async () => {
  losses.length = 0;
  drawLoss();
  $("train-compare").hidden = true;
  const state = await job({ kind: "train.memory" });
  if (state?.state === "done") compare();
});
$("train-pause").addEventListener("click", () => request({ kind: "train.pause" }).catch(() => {}));
$("train-resume").addEventListener("click", () => job({ kind: "train.resume" }));
$("train-cancel").addEventListener("click", () => request({ kind: "train.cancel" }).then(show).catch(() => {}));
$("adapter-choice").addEventListener("change", (ev) => {
  request({ kind: "adapter.use", name: ev.target.value || null }).then(show).catch((err) => {
    $("train-status").textContent = err.message;
  });
});
$("tab-engine").addEventListener("click", refresh);
