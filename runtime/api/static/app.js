// The live page of `automate serve`: start a task or workflow, follow its run over SSE, browse history.
// Plain browser JavaScript, no build step. Every value shown is set as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const END = new Set(["run_completed", "run_failed"]);
const PLACEHOLDER = "schedule a meeting with Ana tomorrow at 3pm";
const MARKS = { done: "✓", failed: "✗", needs_clarification: "?", skipped: "–", running: "…", pending: "·" };
let token = localStorage.getItem("automate.token") || "";
let watching = null;       // AbortController of the run being followed
let historyOffset = 0;
let historyGeneration = 0;
let pending = null;        // the question (a task result) the next line in the Ask box answers
let confirming = null;     // an answer understood and shown, waiting for "Go ahead"

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${token}`, ...(options.headers || {}) };
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401) setConnection(false, "wrong or missing token");
    throw new Error(describeError(response.status, body));
  }
  return { status: response.status, body };
}

function describeError(status, body) {
  const detail = body?.detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("\n");
  return `${status}: ${detail || "request failed"}`;
}

function setConnection(ok, text) {
  $("connection").textContent = text;
  $("connection").className = ok ? "badge done" : "muted";
}

function when(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

function duration(ms) {
  if (ms == null) return "";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function setStatus(status) {
  const badge = $("run-status");
  badge.textContent = status.replace("_", " ");
  badge.className = `badge ${status}`;
}

// ---- starting work -------------------------------------------------------------------------

async function submitTask(event) {
  event.preventDefault();
  $("start-error").textContent = "";
  const text = $("task-text").value.trim();
  if (!text) return;
  // An answer to a question is merged into the request asked, and shown before it runs (as chat does).
  const answering = pending;
  const dryRun = $("dry-run").checked;
  const result = await startTask({ text, dry_run: dryRun || answering !== null, answering });
  if (answering && !dryRun && result?.status === "planned") askToConfirm({ text, answering }, result);
  if (answering) $("task-text").value = "";
}

async function startTask(request) {
  // Follows the run it starts; shows any other result. The result, or null for a run or an error.
  try {
    const { status, body } = await api("/api/tasks", { method: "POST", body: JSON.stringify(request) });
    if (status === 202) {
      follow(body.run_id);
      return null;
    }
    showResult(body);
    return body;
  } catch (error) {
    $("start-error").textContent = error.message;
    return null;
  }
}

function askToConfirm(request, preview) {
  confirming = request;
  $("run-message").textContent = preview.message.replace("Plan (dry run, nothing changed):", "I will:");
  $("confirm-box").hidden = false;
  $("task-go").focus();
}

async function decide(go) {
  const request = confirming;
  confirming = null;
  $("confirm-box").hidden = true;
  if (!request) return;
  if (go) await startTask(request);
  else $("run-message").textContent = "Cancelled; nothing changed.";
}

function ask(result) {
  // The next line typed in the Ask box answers this question: a number, a time, an address…
  pending = result?.status === "needs_clarification" ? result : null;
  $("task-submit").textContent = pending ? "Answer" : "Run";
  $("task-text").placeholder = pending ? "your answer: a number, a time, an address…" : PLACEHOLDER;
  if (!pending) return;
  $("run-message").textContent = questionText(result);
  $("task-text").focus();
}

function questionText(result) {
  return result.message + (result.options?.length
    ? "\n" + result.options.map((o, i) => `  ${i + 1}. ${o}`).join("\n") : "");
}

function showResult(result) {
  // A dry run, a decline or a question: no run to follow, only the answer.
  stopFollowing();
  $("run-id").textContent = result.run_id || "(not run)";
  setStatus(result.status);
  $("run-message").textContent = questionText(result);
  $("run-steps").replaceChildren(...(result.steps || []).map((s) =>
    stepRow(s.status, `${s.agent}.${s.action}`, s.message, "")));
  $("run-events").replaceChildren();
  ask(result);
}

async function loadWorkflows() {
  const { body } = await api("/api/workflows");
  const select = $("workflow-name");
  select.replaceChildren(...body.workflows.map((w) =>
    el("option", { value: w.name, title: w.description }, `${w.name} (${w.trigger})`)));
  select.workflows = Object.fromEntries(body.workflows.map((w) => [w.name, w]));
  showInputs();
}

function showInputs() {
  const workflow = $("workflow-name").workflows?.[$("workflow-name").value];
  const fields = Object.entries(workflow?.inputs || {}).map(([name, spec]) => {
    const input = el("input", { type: "text", name, placeholder: spec.default ?? (spec.type || "") });
    return el("label", {}, `${name}${spec.default == null && spec.required !== false ? " *" : ""}`, input);
  });
  $("workflow-inputs").replaceChildren(...fields);
}

async function submitWorkflow(event) {
  event.preventDefault();
  $("start-error").textContent = "";
  const name = $("workflow-name").value;
  if (!name) return;
  const inputs = {};
  for (const input of $("workflow-inputs").querySelectorAll("input")) {
    if (input.value.trim()) inputs[input.name] = input.value.trim();
  }
  try {
    const { body } = await api(`/api/workflows/${encodeURIComponent(name)}/runs`, {
      method: "POST",
      body: JSON.stringify({ inputs }),
    });
    follow(body.run_id);
  } catch (error) {
    $("start-error").textContent = error.message;
  }
}

// ---- following a run live -------------------------------------------------------------------

function stopFollowing() {
  if (watching) watching.abort();
  watching = null;
}

function stepRow(status, target, said, took) {
  return el("li", { class: status, "data-status": status },
    el("span", { class: "mark" }, MARKS[status] || "·"),
    el("span", { class: "target" }, target),
    el("span", { class: "took muted" }, took),
    el("span", { class: "said" }, said || ""));
}

async function refreshRun(runId) {
  const { body: run } = await api(`/api/runs/${runId}`);
  if ($("run-id").textContent !== runId) return run;
  setStatus(run.status);
  $("run-message").textContent = run.error || `${run.kind} “${run.name}”`;
  $("run-steps").replaceChildren(...run.steps.map((s) =>
    stepRow(s.status, `${s.step_id} · ${s.target}`, s.error || s.message, duration(s.duration_ms))));
  return run;
}

function showEvent(event) {
  const detail = event.data ? JSON.stringify(event.data) : "";
  $("run-events").append(el("tr", { "data-seq": event.seq },
    el("td", {}, event.seq), el("td", {}, when(event.at)), el("td", {}, event.type),
    el("td", {}, event.step_id || ""), el("td", {}, detail)));
}

function markStarted(event) {
  // Show a step as running the moment it starts, before its outcome is stored.
  const rows = [...$("run-steps").children];
  const label = `${event.step_id} · ${event.data?.target || ""}`;
  const row = rows.find((r) => r.querySelector(".target").textContent === label);
  const fresh = stepRow("running", label, event.data?.in_doubt ? "again (in doubt after a stop)" : "", "");
  if (row) row.replaceWith(fresh); else $("run-steps").append(fresh);
}

async function follow(runId) {
  stopFollowing();
  const controller = new AbortController();
  watching = controller;
  ask(null);
  $("run-id").textContent = runId;
  $("run-steps").replaceChildren();
  $("run-events").replaceChildren();
  setStatus("running");
  $("run-message").textContent = "";
  let last = 0;
  for (let attempt = 0; !controller.signal.aborted; attempt++) {
    try {
      if (await readStream(runId, last, controller.signal, (event) => {
        last = event.seq;
        showEvent(event);
        if (event.type === "step_started") markStarted(event);
        else refreshRun(runId).catch(() => {});
      })) break;
    } catch (error) {
      if (controller.signal.aborted) return;
      $("run-message").textContent = `connection lost (${error.message}); reconnecting…`;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * (attempt + 1))));
  }
  if (!controller.signal.aborted) {
    const run = await refreshRun(runId).catch(() => null);
    loadHistory(true).catch(() => {});
    // A task run that stopped at a question (a clash, a past time) is answered in the Ask box.
    if (run?.kind === "task" && run.status === "needs_clarification" && watching === controller) {
      const { body } = await api(`/api/runs/${runId}/result`);
      ask(body);
    }
  }
}

// Reads the SSE stream after event `after`; true once the run has ended.
// fetch rather than EventSource: EventSource cannot send the Authorization header.
async function readStream(runId, after, signal, onEvent) {
  const headers = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
  if (after) headers["Last-Event-ID"] = String(after);
  const response = await fetch(`/api/runs/${runId}/events`, { headers, signal });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let ended = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return ended;
    buffer += value.replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = {};
      for (const line of frame.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const key = colon < 0 ? line : line.slice(0, colon);
        fields[key] = (fields[key] ? fields[key] + "\n" : "") + line.slice(colon + 1).replace(/^ /, "");
      }
      if (fields.event === "error") {
        $("run-message").textContent = JSON.parse(fields.data).error;
        setStatus("failed");
        return true;
      }
      if (!fields.data || !fields.event) continue;
      const event = JSON.parse(fields.data);
      onEvent(event);
      if (END.has(event.type)) ended = true;
    }
  }
}

// ---- history --------------------------------------------------------------------------------

async function loadHistory(reset) {
  // Two loads can overlap (a run ends while the person pages): only the latest one draws.
  const generation = ++historyGeneration;
  const offset = reset ? 0 : historyOffset;
  const { body } = await api(`/api/runs?limit=20&offset=${offset}`);
  if (generation !== historyGeneration) return;
  if (reset) $("history-rows").replaceChildren();
  for (const run of body.runs) {
    const what = run.steps.length === 1 ? run.steps[0].target : `${run.steps.length} steps`;
    const row = el("tr", { "data-run": run.run_id },
      el("td", {}, when(run.created_at)), el("td", { class: "mono" }, run.run_id.slice(-8)),
      el("td", {}, `${run.kind === "workflow" ? "[workflow] " : ""}${run.name} — ${what}`),
      el("td", {}, el("span", { class: `badge ${run.status}` }, run.status.replace("_", " "))),
      el("td", {}, duration(run.duration_ms)));
    row.addEventListener("click", () => follow(run.run_id));
    $("history-rows").append(row);
  }
  historyOffset = body.next_offset ?? offset + body.runs.length;
  $("history-more").hidden = body.next_offset == null;
}

// ---- start-up -------------------------------------------------------------------------------

async function connect(event) {
  event?.preventDefault();
  token = $("token").value.trim() || token;
  localStorage.setItem("automate.token", token);
  try {
    await loadWorkflows();
    await loadHistory(true);
    setConnection(true, "connected");
  } catch (error) {
    setConnection(false, error.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", connect);
  $("task-form").addEventListener("submit", submitTask);
  $("task-go").addEventListener("click", () => decide(true));
  $("task-cancel").addEventListener("click", () => decide(false));
  $("workflow-form").addEventListener("submit", submitWorkflow);
  $("workflow-name").addEventListener("change", showInputs);
  $("history-refresh").addEventListener("click", () => loadHistory(true));
  $("history-more").addEventListener("click", () => loadHistory(false));
  if (token) connect();
});
