// stat3sim explorer: the page's controls, the run/poll loop and the SVG charts.
// No external resources: everything the page needs is in /app.js, /app.css and the JSON API.
"use strict";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];
const REF_COLOR = "#111111";
const SVG = "http://www.w3.org/2000/svg";
const CELL_NAMES = {tumor: "tumor cells", macrophage: "macrophages", mdsc: "MDSCs", neutrophil: "neutrophils",
  dc: "dendritic cells", cd8: "CD8⁺ T cells", cd4: "CD4⁺ T cells", caf: "CAFs", adipocyte: "adipocytes"};
const SERUM_NAMES = {serum_IL6_pg_mL: ["IL-6", "pg/mL"], serum_IL11_pg_mL: ["IL-11", "pg/mL"],
  serum_TNFa_pg_mL: ["TNFα", "pg/mL"], serum_TGFb_pg_mL: ["TGF-β", "pg/mL"], serum_CRP_mg_L: ["CRP", "mg/L"]};

const state = {options: null, drugs: {}, arms: [], params: {}, job: null, pollTimer: null, pending: false,
  series: {}, armNames: [], debounce: null, seenDone: -1};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// ------------------------------------------------------------------ numbers
function fmt(x) {
  if (x === null || x === undefined || !isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 1e5 || a < 1e-3) return x.toExponential(1).replace("e+", "e");
  if (a >= 100) return x.toFixed(0);
  return Number(x.toPrecision(3)).toString();
}

// a tick label: as many decimals as the step between ticks needs
function tickFmt(t, step) {
  const a = Math.abs(t);
  if (a === 0) return "0";
  if (a >= 1e5 || a < 1e-3) {
    const digits = Math.max(1, Math.min(4, Math.ceil(Math.log10(a / step)) ));
    return t.toExponential(Math.max(0, digits - 1) ).replace("e+", "e");
  }
  const dec = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return t.toFixed(dec);
}

function niceTicks(lo, hi, n) {
  if (!(hi > lo)) { const d = Math.abs(lo) * 0.1 || 1; lo -= d; hi += d; }
  const raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return {lo: Math.min(lo, ticks[0]), hi: Math.max(hi, ticks[ticks.length - 1]), ticks, step};
}

function logTicks(lo, hi) {
  const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  const ticks = [];
  const stride = Math.max(1, Math.ceil((b - a) / 6));
  for (let k = a; k <= b; k += stride) ticks.push(Math.pow(10, k));
  return {lo: Math.pow(10, a), hi: Math.pow(10, b), ticks, step: 0};
}

// ------------------------------------------------------------------- charts
// lines: [{name, color, x: [...], y: [...], dash}]
function lineChart(key, title, unit, lines, opts) {
  opts = opts || {};
  const W = opts.width || 420, H = opts.height || 220, L = 58, R = 12, T = 24, B = 34;
  const box = el("div", {class: "chart", "data-key": key});
  const pts = [];
  for (const ln of lines) ln.x.forEach((x, i) => { const y = ln.y[i]; if (y !== null && isFinite(y) && (!opts.log || y > 0)) pts.push([x, y]); });
  if (!pts.length) {
    box.append(el("div", {class: "empty", text: `${title}: nothing to draw`}));
    return box;
  }
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  const xt = niceTicks(Math.min(...xs), Math.max(...xs), 6);
  let ylo = Math.min(...ys), yhi = Math.max(...ys);
  if (!opts.log && opts.zero !== false && ylo >= 0 && ylo < yhi * 0.5) ylo = 0;
  const yt = opts.log ? logTicks(ylo, yhi) : niceTicks(ylo, yhi, 5);
  const sx = (x) => L + (x - xt.lo) / (xt.hi - xt.lo) * (W - L - R);
  const sy = opts.log
    ? (y) => T + (1 - (Math.log10(y) - Math.log10(yt.lo)) / (Math.log10(yt.hi) - Math.log10(yt.lo))) * (H - T - B)
    : (y) => T + (1 - (y - yt.lo) / (yt.hi - yt.lo)) * (H - T - B);
  const s = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title});
  s.append(svg("text", {x: L, y: 15, "font-size": 13, "font-weight": 600, fill: "#1d3557"}, title));
  if (unit) s.append(svg("text", {x: W - R, y: 15, "font-size": 11, fill: "#667", "text-anchor": "end"}, unit));
  const grid = svg("g", {stroke: "#e3e7ec", "stroke-width": 1});
  const labels = svg("g", {"font-size": 10.5, fill: "#445"});
  for (const t of yt.ticks) {
    const y = sy(t);
    grid.append(svg("line", {x1: L, x2: W - R, y1: y, y2: y}));
    labels.append(svg("text", {x: L - 5, y: y + 3.5, "text-anchor": "end"}, yt.step ? tickFmt(t, yt.step) : fmt(t)));
  }
  for (const t of xt.ticks) {
    const x = sx(t);
    grid.append(svg("line", {x1: x, x2: x, y1: T, y2: H - B}));
    labels.append(svg("text", {x, y: H - B + 14, "text-anchor": "middle"}, tickFmt(t, xt.step)));
  }
  labels.append(svg("text", {x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", fill: "#667"}, "day"));
  s.append(grid, labels);
  s.append(svg("rect", {x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#b8c2cc"}));
  const g = svg("g", {fill: "none", "stroke-width": 1.8, "stroke-linejoin": "round"});
  // the reference (first) is drawn last, thinner, so an arm that does not differ from it leaves it visible
  for (const ln of [...lines.slice(1), ...lines.slice(0, 1)]) {
    let d = "", pen = false;
    ln.x.forEach((x, i) => {
      const y = ln.y[i];
      if (y === null || !isFinite(y) || (opts.log && y <= 0)) { pen = false; return; }
      d += `${pen ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      pen = true;
    });
    if (!d) continue;
    const p = svg("path", {d, stroke: ln.color, class: "line", "data-arm": ln.name});
    if (ln.dash) p.setAttribute("stroke-dasharray", ln.dash);
    if (ln === lines[0] && lines.length > 1) p.setAttribute("stroke-width", 1.3);
    p.append(svg("title", {}, ln.name));
    g.append(p);
  }
  s.append(g);
  box.append(s);
  return box;
}

function armColor(i) { return i === 0 ? REF_COLOR : COLORS[(i - 1) % COLORS.length]; }

function linesOf(column) {
  const out = [];
  state.armNames.forEach((name, i) => {
    const s = state.series[name];
    if (s && s[column]) out.push({name, color: armColor(i), x: s.time_days, y: s[column]});
  });
  return out;
}

function drawCharts() {
  const all = Object.values(state.series);
  const cols = new Set();
  for (const s of all) for (const c of Object.keys(s)) cols.add(c);
  // tumor
  const tumor = $("chart-tumor");
  tumor.replaceChildren(lineChart("tumor_volume_mm3", "Tumor volume", "mm³", linesOf("tumor_volume_mm3"),
    {width: 900, height: 300, log: $("tumor-log").checked}));
  // pSTAT3 per cell type
  const p = $("chart-pstat3");
  p.replaceChildren();
  const pcols = [...cols].filter((c) => c.endsWith(".pSTAT3"));
  const order = Object.keys(CELL_NAMES);
  pcols.sort((a, b) => order.indexOf(a.split(".")[0]) - order.indexOf(b.split(".")[0]));
  for (const c of pcols) {
    const cell = c.split(".")[0];
    p.append(lineChart(c, `pSTAT3 · ${CELL_NAMES[cell] || cell}`, "fraction", linesOf(c)));
  }
  // serum
  const sr = $("chart-serum");
  sr.replaceChildren();
  for (const [c, [name, unit]] of Object.entries(SERUM_NAMES)) if (cols.has(c)) sr.append(lineChart(c, `serum ${name}`, unit, linesOf(c)));
  // drugs
  const dr = $("chart-drugs");
  dr.replaceChildren();
  const dcols = [...cols].filter((c) => c.endsWith("_plasma_nM")).sort();
  if (!dcols.length) dr.append(el("div", {class: "chart"}, el("div", {class: "empty", text: "No drug in these arms."})));
  for (const c of dcols) {
    const drug = drugOfColumn(c);
    dr.append(lineChart(c, `${drug} (plasma)`, "nM", linesOf(c), {zero: true}));
  }
  drawLegend();
}

function drugOfColumn(c) {
  const prefix = c.slice(0, -"_plasma_nM".length);
  for (const name of Object.keys(state.drugs)) if (name.replace(/[^A-Za-z0-9]/g, "_") === prefix) return name;
  return prefix;
}

function drawLegend() {
  const lg = $("legend");
  lg.replaceChildren();
  if (!state.armNames.length) { lg.append(el("span", {class: "hint", text: "Run to see the arms here."})); return; }
  const arms = (state.job && state.job.arms) || [];
  state.armNames.forEach((name, i) => {
    const sw = el("span", {class: "swatch"});
    sw.style.background = armColor(i);
    const info = arms.find((a) => a.name === name) || {};
    const k = el("span", {class: "key" + (info.state === "failed" ? " failed" : "")}, sw,
      el("span", {text: name + (info.state === "failed" ? " (failed)" : info.state === "waiting" ? " (running…)" : "")}));
    if (info.error) k.title = info.error;
    lg.append(k);
  });
}

// ------------------------------------------------------------------ controls
function drugOptions(select, chosen) {
  for (const d of state.options.drugs) {
    const o = el("option", {value: d.name, text: `${d.name} — ${d.target}`});
    if (d.name === chosen) o.selected = true;
    select.append(o);
  }
}

function renderArms() {
  const box = $("arms");
  box.replaceChildren();
  const lim = state.options.limits;
  state.arms.forEach((arm, i) => {
    const card = el("div", {class: "arm", "data-index": i});
    card.style.borderLeftColor = armColor(i + 1);
    const rm = el("button", {type: "button", class: "small remove-arm", title: "remove this arm", text: "✕"});
    rm.addEventListener("click", () => { state.arms.splice(i, 1); renderArms(); changed(); });
    card.append(el("div", {class: "arm-head"}, el("span", {text: `Arm ${i + 1}`}), rm));
    arm.regimens.forEach((reg, j) => {
      const d = state.drugs[reg.drug];
      const sel = el("select", {class: "drug", "aria-label": "drug"});
      drugOptions(sel, reg.drug);
      sel.addEventListener("change", () => {
        const nd = state.drugs[sel.value];
        reg.drug = nd.name; reg.dose = nd.dose;
        renderArms(); changed();
      });
      const dose = el("input", {type: "number", class: "dose", step: "any", min: 0, max: d.max, value: reg.dose,
        "aria-label": "dose"});
      dose.addEventListener("change", () => { reg.dose = Number(dose.value); changed(); });
      const start = el("input", {type: "number", class: "start", step: "any", min: 0, value: reg.start_day || 0,
        "aria-label": "start day"});
      start.addEventListener("change", () => { reg.start_day = Number(start.value); changed(); });
      const x = el("button", {type: "button", class: "small", title: "remove this drug", text: "−"});
      x.addEventListener("click", () => {
        arm.regimens.splice(j, 1);
        if (!arm.regimens.length) state.arms.splice(i, 1);
        renderArms(); changed();
      });
      const row = el("div", {class: "regimen"},
        el("div", {class: "drug-cell"}, sel), x,
        el("div", {}, el("label", {text: `dose (${d.unit})`}), dose),
        el("div", {}, el("label", {text: "from day"}), start),
        el("div", {class: "sched", text: d.kind === "dose"
          ? `${d.schedule}; standard: ${d.standard}` : `constant free exposure (no human PK); default 3× potency`}));
      card.append(row);
    });
    if (arm.regimens.length < lim.max_regimens) {
      const add = el("button", {type: "button", class: "small add-drug", text: "+ drug"});
      add.addEventListener("click", () => {
        const used = new Set(arm.regimens.map((r) => r.drug));
        const d = state.options.drugs.find((x) => !used.has(x.name));
        arm.regimens.push({drug: d.name, dose: d.dose, start_day: 0});
        renderArms(); changed();
      });
      card.append(el("div", {class: "row"}, add));
    }
    box.append(card);
  });
  $("add-arm").disabled = state.arms.length >= lim.max_arms;
  $("preset").disabled = state.arms.length >= lim.max_arms;
  $("arm-count").textContent = `(${state.arms.length} of ${lim.max_arms})`;
}

function renderParams() {
  const ul = $("params");
  ul.replaceChildren();
  for (const [pid, v] of Object.entries(state.params)) {
    const x = el("button", {type: "button", class: "small", text: "✕", title: "remove"});
    x.addEventListener("click", () => { delete state.params[pid]; renderParams(); changed(); });
    ul.append(el("li", {}, el("code", {text: pid}), ` = ${v} `, x));
  }
  const n = Object.keys(state.params).length;
  $("param-count").textContent = n ? `(${n})` : "";
}

function request() {
  const body = {scenario: $("scenario").value, subtype: $("subtype").value, days: Number($("days").value),
    points_per_day: Number($("ppd").value),
    arms: state.arms.map((a) => ({regimens: a.regimens.map((r) => ({drug: r.drug, dose: r.dose, start_day: r.start_day || 0}))}))};
  const dia = $("diameter").value.trim();
  if (dia !== "") body.diameter_mm = Number(dia);
  if (Object.keys(state.params).length) body.parameters = {...state.params};
  return body;
}

function changed() {
  if (!$("auto").checked) { setStatus("Changed: press Run."); return; }
  document.body.dataset.state = "busy";
  clearTimeout(state.debounce);
  state.debounce = setTimeout(startRun, 400);
}

// ---------------------------------------------------------------- run/poll
function setStatus(text) { $("status").textContent = text; }
function showError(text) { const e = $("error"); e.textContent = text || ""; e.hidden = !text; }

function setProgress(done, total, running) {
  const bar = $("progress");
  const pct = total ? Math.round(100 * done / total) : 0;
  bar.firstElementChild.style.width = pct + "%";
  bar.setAttribute("aria-valuenow", pct);
  bar.classList.toggle("running", !!running);
}

function setDownloads(s) {
  const files = (s && s.files) || {};
  const set = (id, href) => {
    const a = $(id);
    a.classList.toggle("disabled", !href);
    a.setAttribute("href", href || "#");
  };
  set("download-csv", files["timecourses.csv"]);
  set("open-report", files["report.html"]);
  set("download-report", files["report.html"] ? files["report.html"] + "?download=1" : null);
  const mk = $("make-report"), rep = s ? s.report : "none";
  mk.disabled = !s || s.state !== "done" || rep === "queued" || rep === "running" || rep === "ready";
  mk.textContent = rep === "queued" || rep === "running" ? "Making the report…" : rep === "ready" ? "Report ready"
    : rep === "failed" ? "Retry report" : "Make report";
}

async function makeReport() {
  const id = state.job && state.job.id;
  if (!id) return;
  try {
    state.job = await api(`/api/runs/${id}/report`, {method: "POST"});
    setDownloads(state.job);
    pollReport(id);
  } catch (e) { showError(e.message); }
}

async function pollReport(id) {
  if (!state.job || state.job.id !== id) return;
  let s;
  try { s = await api(`/api/runs/${id}`); } catch (e) { showError(e.message); return; }
  if (!state.job || state.job.id !== id) return;
  state.job = s;
  setDownloads(s);
  if (s.report === "failed") showError(`report: ${s.report_error || "failed"}`);
  if (s.report === "ready") document.body.dataset.report = id;  // tests wait for this
  if (s.report === "queued" || s.report === "running") setTimeout(() => pollReport(id), 500);
}

async function api(path, init) {
  const r = await fetch(path, init);
  let data = null;
  try { data = await r.json(); } catch (e) { data = {error: `HTTP ${r.status}`}; }
  if (!r.ok) throw new Error(data.error || `HTTP ${r.status}`);
  return data;
}

async function startRun() {
  document.body.dataset.state = "busy";  // tests wait for "idle"
  if (state.job && (state.job.state === "queued" || state.job.state === "running")) { state.pending = true; return; }
  state.pending = false;
  showError("");
  try {
    const r = await api("/api/runs", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(request())});
    state.job = {id: r.id, state: "queued", arms: []};
    state.seenDone = -1;
    setDownloads(null);
    delete document.body.dataset.run;
    delete document.body.dataset.report;
    setStatus("Queued…");
    setProgress(0, 1, true);
    poll();
  } catch (e) {
    showError(e.message);
    setStatus("Not run: fix the input above.");
    document.body.dataset.state = "idle";
  }
}

async function poll() {
  const id = state.job && state.job.id;
  if (!id) return;
  let s;
  try { s = await api(`/api/runs/${id}`); } catch (e) { showError(e.message); document.body.dataset.state = "idle"; return; }
  if (!state.job || state.job.id !== id) return;
  state.job = s;
  setProgress(s.progress.done, s.progress.total, s.state === "running" || s.state === "queued");
  setStatus(s.state === "done" ? `Done in ${s.elapsed_s.toFixed(1)} s: ${s.arms.length} arms, ${s.request.days} days.`
    : s.state === "failed" ? "Failed." : `${s.step} (${s.progress.done}/${s.progress.total}, ${s.elapsed_s.toFixed(0)} s)`);
  $("warnings").replaceChildren(...(s.warnings || []).map((w) => el("li", {text: w})));
  if (s.arms_done.length !== state.seenDone) {
    state.seenDone = s.arms_done.length;
    const got = await api(`/api/runs/${id}/series`);
    if (!state.job || state.job.id !== id) return;
    state.armNames = s.arms.map((a) => a.name);
    state.series = got.series;
    drawCharts();
  } else drawLegend();
  if (s.state === "failed") showError(s.error || "the run failed");
  if (s.state === "done") {
    setDownloads(s);
    document.body.dataset.run = id;  // tests wait for this
  }
  if (s.state === "done" || s.state === "failed") {
    if (state.pending) startRun(); else document.body.dataset.state = "idle";
    return;
  }
  state.pollTimer = setTimeout(poll, 400);
}

// ---------------------------------------------------------------------- init
function scenarioChanged(first) {
  const sc = state.options.scenarios.find((s) => s.name === $("scenario").value);
  $("scenario-desc").textContent = sc.description + (sc.therapies.length ? ` Gives: ${sc.therapies.join(", ")}.` : "");
  $("subtype").value = sc.subtype;
  if (!first) changed();
}

async function init() {
  let o;
  try { o = await api("/api/options"); } catch (e) { showError(`cannot load the choices: ${e.message}`); return; }
  state.options = o;
  for (const d of o.drugs) state.drugs[d.name] = d;
  for (const s of o.scenarios) $("scenario").append(el("option", {value: s.name, text: s.name}));
  $("scenario").value = o.default_scenario;
  for (const s of o.subtypes) $("subtype").append(el("option", {value: s, text: s}));
  const lim = o.limits;
  $("days").max = lim.max_days;
  $("days").value = lim.default_days;
  $("diameter").min = lim.diameter_mm[0];
  $("diameter").max = lim.diameter_mm[1];
  for (const p of o.presets) $("preset").append(el("option", {value: p.name, text: p.name}));
  for (const p of o.parameters) $("param-ids").append(el("option", {value: p.id}));
  const toci = o.presets.find((p) => p.name === "tocilizumab");
  state.arms = toci ? [{regimens: toci.regimens.map((r) => ({...r}))}] : [];
  scenarioChanged(true);
  renderArms();
  renderParams();
  drawLegend();

  $("scenario").addEventListener("change", () => scenarioChanged(false));
  for (const id of ["subtype", "days", "ppd", "diameter"]) $(id).addEventListener("change", changed);
  $("tumor-log").addEventListener("change", drawCharts);
  $("run").addEventListener("click", startRun);
  $("make-report").addEventListener("click", makeReport);
  $("add-arm").addEventListener("click", () => {
    const d = o.drugs[0];
    state.arms.push({regimens: [{drug: d.name, dose: d.dose, start_day: 0}]});
    renderArms(); changed();
  });
  $("preset").addEventListener("change", () => {
    const p = o.presets.find((x) => x.name === $("preset").value);
    $("preset").value = "";
    if (!p || state.arms.length >= lim.max_arms) return;
    state.arms.push({regimens: p.regimens.map((r) => ({...r}))});
    renderArms(); changed();
  });
  $("param-id").addEventListener("input", () => {
    const p = o.parameters.find((x) => x.id === $("param-id").value);
    $("param-hint").textContent = p ? `${p.description || p.id} — default ${fmt(p.default)} ${p.unit}, ` +
      `allowed ${fmt(p.min)}–${fmt(p.max)}` : "";
    if (p) $("param-value").value = p.default;
  });
  $("add-param").addEventListener("click", () => {
    const pid = $("param-id").value.trim(), v = Number($("param-value").value);
    if (!pid || $("param-value").value === "") return;
    state.params[pid] = v;
    renderParams(); changed();
  });
  setStatus("Running the first arms…");
  startRun();
}

document.addEventListener("DOMContentLoaded", init);
