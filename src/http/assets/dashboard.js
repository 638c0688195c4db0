// Runnel's queue dashboard: polls GET /api/overview and draws it; the Redrive buttons POST
// /api/redrive. Plain DOM, no framework; every text goes in through textContent.
"use strict";

const REFRESH_MS = 3000;
const SVG_NS = "http://www.w3.org/2000/svg";
let lastOk = 0;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

function fmtInt(n) {
  if (n === null || n === undefined) return "–";
  return Number(n).toLocaleString("en-US");
}

function fmtRate(r) {
  if (r === null || r === undefined) return "–";
  if (r === 0) return "0/s";
  if (r < 10) return r.toFixed(2).replace(/\.?0+$/, "") + "/s";
  return Math.round(r).toLocaleString("en-US") + "/s";
}

function fmtAge(ms) {
  if (ms === null || ms === undefined) return "–";
  const s = ms / 1000;
  if (s < 1) return ms + " ms";
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + " s";
  if (s < 3600) return Math.floor(s / 60) + " m " + Math.floor(s % 60) + " s";
  if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " m";
  return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
}

// A sparkline of rates [[t, in, done], ...] (`which`: 1 for in, 2 for done), drawn as steps:
// each rate is an average over the interval that ends at its t, from the previous sample's t
// (one sample interval before the first). The history fills the width, however long it is yet.
function sparkline(rates, which, cls, intervalMs) {
  const w = 100, h = 28, pad = 2;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", w);
  svg.setAttribute("height", h);
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  const base = document.createElementNS(SVG_NS, "line");
  base.setAttribute("x1", 0); base.setAttribute("x2", w);
  base.setAttribute("y1", h - pad); base.setAttribute("y2", h - pad);
  base.setAttribute("stroke", "#e3e7ec");
  svg.append(base);
  if (!rates || rates.length === 0) return svg;
  const left = rates[0][0] - intervalMs, right = rates[rates.length - 1][0];
  const max = Math.max(...rates.map((r) => r[which]), 1e-9);
  const x = (t) => (((t - left) / (right - left)) * w).toFixed(1);
  const y = (v) => (h - pad - (v / max) * (h - 2 * pad)).toFixed(1);
  const pts = [];
  rates.forEach((r, i) => {
    const from = i === 0 ? left : rates[i - 1][0];
    pts.push(`${x(from)},${y(r[which])}`, `${x(r[0])},${y(r[which])}`);
  });
  const area = document.createElementNS(SVG_NS, "polygon");
  area.setAttribute("points", `0,${h - pad} ${pts.join(" ")} ${w},${h - pad}`);
  area.setAttribute("class", `area ${cls}`);
  const line = document.createElementNS(SVG_NS, "polyline");
  line.setAttribute("points", pts.join(" "));
  line.setAttribute("class", `line ${cls}`);
  svg.append(area, line);
  return svg;
}

function latest(rates, which) {
  return rates && rates.length ? rates[rates.length - 1][which] : null;
}

function rateCell(rates, which, cls, data) {
  return el("div", { class: "spark-box", title: cls === "in" ? "per second, last 10 minutes" : "acknowledged or dead-lettered per second" },
    sparkline(rates, which, cls, data.sample_interval_ms),
    el("span", { class: "rate" }, fmtRate(latest(rates, which))));
}

function card(label, value, alert, id) {
  return el("div", { class: "card" + (alert ? " alert" : ""), "data-card": id },
    el("div", { class: "label" }, label), el("div", { class: "value" }, value));
}

function renderSummary(data) {
  let groups = 0, lag = 0, pending = 0;
  for (const s of data.streams) {
    if (s.dead_letter) continue;
    for (const g of s.groups) { groups++; lag += g.lag || 0; pending += g.pending; }
  }
  const dead = data.dead_letters.reduce((n, d) => n + d.length, 0);
  const streams = data.streams.filter((s) => !s.dead_letter).length;
  document.getElementById("summary").replaceChildren(
    card("Streams", fmtInt(streams), false, "streams"),
    card("Groups", fmtInt(groups), false, "groups"),
    card("Total lag", fmtInt(lag), false, "lag"),
    card("Pending", fmtInt(pending), false, "pending"),
    card("Dead letters", fmtInt(dead), dead > 0, "dead-letters"));
}

function renderDeadLetters(data) {
  const box = document.getElementById("dead-letters");
  if (data.dead_letters.length === 0) {
    box.replaceChildren(el("div", { class: "empty" }, "No group has a delivery policy with a dead-letter stream."));
    return;
  }
  const rows = data.dead_letters.map((d) => {
    const id = `${d.db}/${d.key}`;
    const btn = el("button", { class: "redrive", "data-redrive": id, disabled: d.length === 0 ? "" : null }, "Redrive");
    btn.addEventListener("click", () => redrive(d, btn));
    return el("tr", { "data-dlq": id },
      el("td", { class: "key" }, d.key, d.db ? el("span", { class: "dim" }, ` (db ${d.db})`) : null),
      el("td", { class: "num size" }, fmtInt(d.length)),
      el("td", {}, d.sources.join(", ")),
      el("td", { class: "num" }, btn));
  });
  box.replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, el("th", {}, "Dead-letter stream"), el("th", { class: "num" }, "Entries"),
      el("th", {}, "From stream/group"), el("th", { class: "num" }, ""))),
    el("tbody", {}, ...rows)));
}

function groupRow(s, g, data) {
  const id = `${s.db}/${s.key}/${g.name}`;
  const oldClass = g.oldest_pending_ms !== null && g.oldest_pending_ms > 60000 ? "old" : null;
  const lagClass = g.lag !== null && g.lag > 1000 ? "lag-high" : null;
  const consumers = g.consumers.length
    ? g.consumers.map((c) => el("span", { class: "consumer", title: `idle ${fmtAge(c.idle_ms)}` }, c.name, " ", el("b", {}, fmtInt(c.pending))))
    : [el("span", { class: "dim" }, "none")];
  return el("tr", { "data-group": id },
    el("td", { class: "key" }, g.name),
    el("td", { class: "num lag " + (lagClass || "") }, fmtInt(g.lag)),
    el("td", { class: "num pending" }, fmtInt(g.pending)),
    el("td", { class: "num oldest " + (oldClass || "") }, fmtAge(g.oldest_pending_ms)),
    el("td", {}, ...consumers),
    el("td", {}, rateCell(g.rates, 1, "in", data)),
    el("td", {}, rateCell(g.rates, 2, "done", data)),
    el("td", { class: "num dead" }, fmtInt(g.dead_lettered)),
    el("td", { class: "key dim" }, g.dead_letter_key || "–"));
}

function renderStreams(data) {
  const box = document.getElementById("streams");
  if (data.streams.length === 0) {
    box.replaceChildren(el("div", { class: "panel empty" }, "No streams you may read."));
    return;
  }
  const blocks = data.streams.map((s) => {
    const head = el("div", { class: "stream-head" },
      el("span", { class: "stream-name" }, s.key),
      s.db ? el("span", { class: "tag" }, `db ${s.db}`) : null,
      s.dead_letter ? el("span", { class: "tag dlq" }, "dead letters") : null,
      el("span", { class: "kv" }, "length ", el("b", { class: "length" }, fmtInt(s.length))),
      el("span", { class: "kv" }, "added ", el("b", {}, fmtInt(s.entries_added))),
      el("span", { class: "kv" }, "last id ", el("b", {}, s.last_id)),
      el("span", { class: "kv push" }, "added"),
      rateCell(s.rates, 1, "in", data));
    let body;
    if (s.groups.length === 0) {
      body = el("div", { class: "empty" }, "No consumer groups.");
    } else {
      body = el("table", { class: "groups" },
        el("colgroup", {}, ...["c-name", "c-num", "c-num", "c-age", "c-consumers", "c-spark", "c-spark", "c-num", "c-key"]
          .map((c) => el("col", { class: c }))),
        el("thead", {}, el("tr", {},
          el("th", {}, "Group"), el("th", { class: "num" }, "Lag"), el("th", { class: "num" }, "Pending"),
          el("th", { class: "num" }, "Oldest pending"), el("th", {}, "Consumers (pending)"),
          el("th", {}, "Delivered"), el("th", {}, "Acked"), el("th", { class: "num" }, "Dead-lettered"),
          el("th", {}, "Dead-letter stream"))),
        el("tbody", {}, ...s.groups.map((g) => groupRow(s, g, data))));
    }
    return el("div", { class: "stream", "data-stream": `${s.db}/${s.key}` }, head, body);
  });
  box.replaceChildren(...blocks);
}

function toast(text, isError) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.className = "toast" + (isError ? " error" : "");
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

async function redrive(d, btn) {
  if (!window.confirm(`Move the dead letters of ${d.key} back to their source streams?`)) return;
  btn.disabled = true;
  try {
    const res = await fetch("/api/redrive", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ key: d.key, db: d.db }),
    });
    const body = await res.json();
    if (!res.ok) toast(`Redrive refused: ${body.error}`, true);
    else toast(`Redrove ${body.redriven} ${body.redriven === 1 ? "entry" : "entries"} from ${d.key}`);
  } catch (e) {
    toast(`Redrive failed: ${e}`, true);
  }
  await refresh();
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const res = await fetch("/api/overview", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const data = await res.json();
    renderSummary(data);
    renderDeadLetters(data);
    renderStreams(data);
    document.getElementById("rate-note").textContent =
      `rates over up to the last ${data.history_window_ms / 60000} minutes` + (data.truncated ? " · list truncated" : "");
    lastOk = Date.now();
    status.className = "status";
    status.textContent = "updated " + new Date(data.now_ms).toLocaleTimeString();
  } catch (e) {
    status.className = "status error";
    status.textContent = `cannot load the overview (${e.message})` +
      (lastOk ? ` · last update ${Math.round((Date.now() - lastOk) / 1000)} s ago` : "");
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
