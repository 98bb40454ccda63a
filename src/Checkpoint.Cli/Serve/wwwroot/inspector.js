// ckpt inspector: plain DOM, no framework and nothing from a CDN. Every value is set through textContent.
"use strict";

const state = { thread: null, history: [], selected: null, compare: [] };

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function getJson(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function showError(error) {
  const box = document.getElementById("error");
  box.textContent = String(error.message || error);
  box.hidden = false;
}

const time = iso => iso.replace("T", " ").slice(0, 19) + "Z";
const json = value => JSON.stringify(value, null, 2);
const next = list => list.length === 0 ? "end" : list.join(", ");

async function loadThreads() {
  document.getElementById("database").textContent = (await getJson("/api/database")).description;
  const list = document.getElementById("threads");
  list.replaceChildren();
  for (const thread of await getJson("/api/threads")) {
    const item = el("li", { className: "thread" },
      el("strong", { textContent: thread.threadId }),
      el("div", { className: "sub", textContent: `step ${thread.step} · ${thread.checkpoints} checkpoints · ${next(thread.next)}${thread.interrupted ? " (paused)" : ""}` }));
    item.dataset.thread = thread.threadId;
    item.addEventListener("click", () => selectThread(thread.threadId).catch(showError));
    list.append(item);
  }
}

async function selectThread(threadId) {
  for (const item of document.querySelectorAll("#threads li")) item.classList.toggle("selected", item.dataset.thread === threadId);
  const history = await getJson(`/api/threads/${encodeURIComponent(threadId)}/history`);
  Object.assign(state, { thread: threadId, history: history.checkpoints, selected: null, compare: [] });
  document.getElementById("history-title").textContent = `History of ${threadId} (${history.checkpoints.length} checkpoints)`;
  document.getElementById("diff").hidden = true;
  drawTree();
}

// A line of history reads down; at a fork the later children hang under it as branches (as `ckpt history` draws it).
function drawTree() {
  const ids = new Set(state.history.map(c => c.id));
  const children = new Map();
  for (const c of state.history) {
    if (c.parentId && ids.has(c.parentId)) {
      if (!children.has(c.parentId)) children.set(c.parentId, []);
      children.get(c.parentId).push(c);
    }
  }
  const line = start => {
    const list = el("ul");
    for (let current = start; current;) {
      const kids = children.get(current.id) || [];
      const item = el("li", null, nodeRow(current));
      for (const branch of kids.slice(1)) item.append(line(branch));
      list.append(item);
      current = kids[0];
    }
    return list;
  };
  const tree = el("div", { className: "tree" });
  for (const root of state.history.filter(c => !c.parentId || !ids.has(c.parentId))) tree.append(line(root));
  document.getElementById("history").replaceChildren(tree);
}

function nodeRow(checkpoint) {
  const box = el("input", { type: "checkbox", title: "compare" });
  box.addEventListener("click", event => { event.stopPropagation(); toggleCompare(checkpoint.id, box.checked).catch(showError); });
  const row = el("div", { className: "node" }, box,
    el("span", { textContent: `step ${checkpoint.step} ${checkpoint.source.toLowerCase()} → ${next(checkpoint.next)}` }),
    el("span", { className: "id", textContent: checkpoint.id.slice(0, 18) + "…" }),
    checkpoint.fork ? el("span", { className: "badge fork", textContent: "fork" }) : null,
    checkpoint.interrupted ? el("span", { className: "badge interrupt", textContent: "interrupt" }) : null);
  row.dataset.checkpoint = checkpoint.id;
  row.title = `${checkpoint.id}\n${time(checkpoint.createdAt)}`;
  row.addEventListener("click", () => selectCheckpoint(checkpoint.id).catch(showError));
  return row;
}

async function selectCheckpoint(id) {
  state.selected = id;
  for (const row of document.querySelectorAll(".node")) row.classList.toggle("selected", row.dataset.checkpoint === id);
  const c = await getJson(`/api/checkpoints/${encodeURIComponent(id)}`);
  const fields = [["checkpoint", c.id], ["thread", c.threadId + (c.namespace ? ` (namespace ${c.namespace})` : "")], ["parent", c.parentId || "(none)"],
    ["step", `${c.step} (${c.source.toLowerCase()})`], ["created", time(c.createdAt)], ["next", next(c.next)],
    ["metadata", Object.entries(c.metadata).map(([k, v]) => `${k}=${v}`).join(", ") || "(none)"]];
  const pane = document.getElementById("checkpoint");
  pane.replaceChildren(
    el("h2", { textContent: `Checkpoint at step ${c.step}` }),
    table(["", ""], fields, false));
  for (const [name, value] of Object.entries(c.state)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isMessage)) {
      pane.append(el("h3", { textContent: `${name} (${value.length})` }), messages(value));
    }
  }
  pane.append(
    el("h3", { textContent: "State" }), el("pre", { className: "state", textContent: json(c.state) }),
    el("h3", { textContent: "Channels" }),
    table(["Channel", "Layout", "Version", "Items", "Bytes"], c.channels.map(ch => [ch.name, ch.layout.toLowerCase(), ch.version, ch.items ?? "", `${ch.bytes} B`])),
    el("h3", { textContent: "Pending writes" }),
    c.pendingWrites.length === 0 ? el("p", { className: "muted", textContent: "(none)" })
      : table(["Node", "Task", "#", "Channel", "Value"], c.pendingWrites.map(w => [w.node, w.taskId.slice(0, 12) + "…", w.index, w.channel, JSON.stringify(w.value)])),
    el("h3", { textContent: "Interrupts" }),
    c.interrupts.length === 0 ? el("p", { className: "muted", textContent: "(none)" })
      : el("ul", { className: "interrupts" }, ...c.interrupts.map(i => el("li", { textContent: `${i.node}: ${JSON.stringify(i.value)}` }))));
}

const isMessage = value => value && typeof value === "object" && ("Content" in value || "content" in value);

function messages(list) {
  return el("div", { className: "messages" }, ...list.map(m => {
    const role = String(m.Role ?? m.role ?? "");
    const content = m.Content ?? m.content;
    return el("div", { className: `message ${role.toLowerCase()}` },
      el("span", { className: "role", textContent: role }), typeof content === "string" ? content : JSON.stringify(content));
  }));
}

function table(headings, rows, withHead = true) {
  const result = el("table");
  if (withHead) result.append(el("thead", null, el("tr", null, ...headings.map(h => el("th", { textContent: h })))));
  result.append(el("tbody", null, ...rows.map(r => el("tr", null, ...r.map(v => el("td", { textContent: String(v) }))))));
  return result;
}

// Two ticked checkpoints are compared oldest to newest (ids are time-ordered; the history is sorted by them).
async function toggleCompare(id, on) {
  state.compare = state.compare.filter(x => x !== id);
  if (on) state.compare.push(id);
  if (state.compare.length > 2) {
    const dropped = state.compare.shift();
    document.querySelector(`.node[data-checkpoint="${dropped}"] input`).checked = false;
  }
  const box = document.getElementById("diff");
  if (state.compare.length < 2) { box.hidden = true; return; }
  const order = state.history.map(c => c.id);
  const [a, b] = [...state.compare].sort((x, y) => order.indexOf(x) - order.indexOf(y));
  const diff = await getJson(`/api/diff?a=${a}&b=${b}`);
  const rows = diff.changes.map(change => el("tr", null, el("td", { textContent: change.channel }), el("td", null, ...describe(change))));
  box.replaceChildren(
    el("h2", { textContent: `Diff: step ${diff.a.step} → step ${diff.b.step}` }),
    el("p", { className: "muted", textContent: `${diff.a.id} → ${diff.b.id}` }),
    diff.changes.length === 0 ? el("p", { textContent: "No channel differs." })
      : el("table", { className: "changes" }, el("thead", null, el("tr", null, el("th", { textContent: "Channel" }), el("th", { textContent: "Change" }))), el("tbody", null, ...rows)));
  box.hidden = false;
}

function describe(change) {
  if (change.change === "list") {
    return [...change.removed.map(v => el("div", { className: "removed", textContent: "- " + JSON.stringify(v) })),
      ...change.added.map(v => el("div", { className: "added", textContent: "+ " + JSON.stringify(v) }))];
  }
  if (change.change === "added") return [el("div", { className: "added", textContent: "added " + JSON.stringify(change.after) })];
  if (change.change === "removed") return [el("div", { className: "removed", textContent: "removed (was " + JSON.stringify(change.before) + ")" })];
  return [el("span", { textContent: `${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}` })];
}

loadThreads().catch(showError);
