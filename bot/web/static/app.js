// The dashboard: no build step, no CDN. Words come from the service's catalog (/words/<lang>).
"use strict";
const $ = (s) => document.querySelector(s);
const state = { words: {}, lang: localStorage.getItem("lang") || "en", rows: new Map(),
  sort: "usdt_kimp", desc: true, filter: "", source: null, timer: null };

function w(key, params) {
  let s = state.words[key] || key;
  for (const [k, v] of Object.entries(params || {})) s = s.replace("{" + k + "}", v);
  return s;
}

async function api(path, opts) {
  const r = await fetch(path + (path.includes("?") ? "&" : "?") + "lang=" + state.lang,
    Object.assign({ credentials: "same-origin" }, opts));
  if (r.status === 401) { showLogin(); throw new Error("unauthorized"); }
  return r;
}

async function loadWords() {
  state.words = await (await fetch("/words/" + state.lang)).json();
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-w]").forEach((el) => { el.textContent = w(el.dataset.w); });
  document.querySelectorAll("[data-ph]").forEach((el) => { el.placeholder = w(el.dataset.ph); });
  document.title = w("web.title");
}

function showLogin() { $("#login").hidden = false; $("#main").hidden = true; $("#logout").hidden = true; }

function pct(v) { return v === null || v === undefined ? "—" : v.toFixed(2) + "%"; }
function num(v) { return v === null || v === undefined ? "—" : Number(v).toLocaleString("en-US"); }

function renderKimp() {
  const rows = [...state.rows.values()].filter((r) => r.coin.includes(state.filter));
  const k = state.sort, dir = state.desc ? -1 : 1;
  rows.sort((a, b) => {
    if (a[k] === null) return 1; if (b[k] === null) return -1;
    return (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0) * dir;
  });
  const body = $("#kimp tbody");
  body.replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    tr.className = "pick"; tr.dataset.coin = r.coin;
    const cells = [r.coin + (r.suspended ? " ⏸" : "") + (r.implausible ? " ⚠" : ""),
      pct(r.usdt_kimp), pct(r.fx_kimp), num(r.upbit_krw), num(r.binance_usdt),
      r.age === null ? "—" : r.age.toFixed(1)];
    cells.forEach((c, i) => {
      const td = document.createElement("td"); td.textContent = c;
      if (i === 3 || i === 4) td.className = "wide";
      if (i === 1 && r.usdt_kimp !== null) td.className = r.usdt_kimp >= 0 ? "pos" : "neg";
      tr.append(td);
    });
    tr.addEventListener("click", () => showCoin(r.coin));
    return tr;
  }));
  document.querySelectorAll("#kimp th").forEach((th) => {
    th.classList.toggle("asc", th.dataset.sort === k && !state.desc);
    th.classList.toggle("desc", th.dataset.sort === k && state.desc);
  });
}

function showCoin(coin) {
  $("#detail").hidden = false;
  $("#detail-coin").textContent = coin;
  $("#chart").alt = coin;
  $("#chart").src = "/api/kimp/" + encodeURIComponent(coin) + "/chart.png?hours=24&t=" + Date.now();
  loadExec(coin).catch(() => {});
}

async function loadExec(coin) {
  // The executable premium both ways at KIMP_EXEC_SIZE_KRW, or why there is none.
  const d = await (await api("/api/kimp/" + encodeURIComponent(coin))).json();
  const e = d.executable;
  const fig = (v, why) => (v === null || v === undefined ? "— " + (why || "") : pct(v));
  table("#exec", e ? [[w("web.forward"), fig(e.forward_pct, e.forward_why)],
    [w("web.reverse"), fig(e.reverse_pct, e.reverse_why)]] : []);
}

function table(sel, rows) {
  const body = $(sel + " tbody");
  if (!rows.length) { const tr = document.createElement("tr"); const td = document.createElement("td");
    td.textContent = w("web.none"); tr.append(td); body.replaceChildren(tr); return; }
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    for (const c of cells) { const td = document.createElement("td");
      if (c instanceof Node) td.append(c); else td.textContent = c; tr.append(td); }
    return tr;
  }));
}

async function control(name, action) {
  const ask = await (await api("/api/bots/" + encodeURIComponent(name) + "/" + action, { method: "POST" })).json();
  const question = w("web.confirm", { action: w("web." + action), bot: name }) +
    (ask.held && ask.held.length ? "\n" + ask.held.join("\n") : "");
  if (!window.confirm(question)) return;
  await api("/api/confirm/" + encodeURIComponent(ask.confirm), { method: "POST" });
  await loadBots();
}

async function loadBots() {
  const bots = await (await api("/api/bots")).json();
  table("#bots", bots.map((b) => {
    const running = b.state === "running";
    const btn = document.createElement("button");
    btn.textContent = w(running ? "web.stop" : "web.start");
    btn.dataset.bot = b.name; btn.dataset.action = running ? "stop" : "start";
    btn.addEventListener("click", () => control(b.name, btn.dataset.action));
    return [b.name, b.strategy, b.symbols, w(running ? "web.running" : "web.stopped"), btn];
  }));
}

async function loadRest() {
  const [pos, status] = await Promise.all([api("/api/positions"), api("/api/status")]);
  table("#positions", (await pos.json()).map((p) =>
    [p.instrument, p.owner || "", p.qty, p.entry_price, p.mark || "—", p.unrealized || "—"]));
  // The /status lines of the market data (each venue's health, each connection's last frame).
  const st = await status.json();
  const lines = (st.lines && st.lines.streams) || [];
  table("#streams", lines.length ? lines.map((l) => [l.trim()])
    : st.streams.map((s) => [s.connection, s.state, s.age.toFixed(0) + " s"]));
}

function addAlert(text, first) {
  const li = document.createElement("li"); li.textContent = text;
  if (first) $("#alerts").prepend(li); else $("#alerts").append(li);
}

async function loadAlerts() {
  const data = await (await api("/api/alerts")).json();
  $("#alerts").replaceChildren();
  data.recent.forEach((t) => addAlert(t, false));
}

async function loadEquity() {
  // Cumulative realised PnL per day (the same figures as /daily), oldest first.
  const data = await (await api("/api/profit?unit=day&n=30")).json();
  let total = 0;
  const pts = data.periods.slice().reverse().map((d) => (total += Number(d.realized_krw)));
  const svg = $("#equity"), ns = "http://www.w3.org/2000/svg";
  const lo = Math.min(0, ...pts), hi = Math.max(0, ...pts), span = hi - lo || 1;
  const y = (v) => 95 - ((v - lo) / span) * 90;
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts.map((v, i) => `${(i / Math.max(1, pts.length - 1)) * 300},${y(v)}`).join(" "));
  const zero = document.createElementNS(ns, "line");
  for (const [k, v] of [["x1", 0], ["x2", 300], ["y1", y(0)], ["y2", y(0)]]) zero.setAttribute(k, v);
  svg.replaceChildren(zero, line);
}

function connect() {
  if (state.source) state.source.close();
  const es = new EventSource("/api/stream");
  state.source = es;
  es.addEventListener("open", () => { $("#live").textContent = w("web.live"); $("#live").classList.add("on"); });
  es.addEventListener("error", () => { $("#live").textContent = w("web.offline"); $("#live").classList.remove("on"); });
  es.addEventListener("kimp", (e) => { for (const r of JSON.parse(e.data)) state.rows.set(r.coin, r); renderKimp(); });
  es.addEventListener("fill", (e) => {
    const f = JSON.parse(e.data); const li = document.createElement("li");
    li.textContent = `${f.instrument} ${f.side} ${f.qty} @ ${f.price}`;
    $("#fills").prepend(li);
  });
  es.addEventListener("stream", () => loadRest());
  es.addEventListener("alert", (e) => addAlert(JSON.parse(e.data), true));
}

async function start() {
  const r = await api("/api/kimp");
  const data = await r.json();
  state.rows = new Map(data.coins.map((c) => [c.coin, c]));
  $("#login").hidden = true; $("#main").hidden = false; $("#logout").hidden = false;
  renderKimp();
  await Promise.all([loadBots(), loadRest(), loadAlerts(), loadEquity()]);
  connect();
  // Data ages move on even when nothing is pushed: refresh positions and stream health.
  if (!state.timer) state.timer = setInterval(() => { if (!$("#main").hidden) loadRest().catch(() => {}); }, 5000);
}

document.addEventListener("DOMContentLoaded", async () => {
  $("#lang").value = state.lang;
  await loadWords();
  $("#lang").addEventListener("change", async () => {
    state.lang = $("#lang").value; localStorage.setItem("lang", state.lang);
    await loadWords(); renderKimp(); if (!$("#main").hidden) await loadBots();
  });
  $("#filter").addEventListener("input", () => { state.filter = $("#filter").value.toUpperCase(); renderKimp(); });
  document.querySelectorAll("#kimp th").forEach((th) => th.addEventListener("click", () => {
    if (state.sort === th.dataset.sort) state.desc = !state.desc;
    else { state.sort = th.dataset.sort; state.desc = th.dataset.sort !== "coin"; }
    renderKimp();
  }));
  $("#login").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch("/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: $("#token").value }), credentials: "same-origin" });
    $("#login-error").hidden = r.ok;
    if (r.ok) await start();
  });
  $("#logout").addEventListener("click", async () => {
    await fetch("/logout", { method: "POST", credentials: "same-origin" });
    if (state.source) state.source.close();
    showLogin();
  });
  try { await start(); } catch (e) { showLogin(); }
});
