// The dashboard page: a runs list and one run's view (curves, grids, histogram, config, Play panel), built
// from the JSON endpoints with plain DOM calls (never innerHTML with data), kept live by server-sent events.
"use strict";

const state = { view: null, timers: [], source: null };

// ---- small helpers ----------------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    // Styles go through the CSSOM: the page's policy refuses style attributes.
    else if (k === "style") for (const [name, value] of Object.entries(v)) el.style.setProperty(name, value);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function s(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function api(path) {
  const r = await fetch(path, { cache: "no-store" });
  const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
  return body;
}

// Fetches a picture; returns an object URL and the grid headers, or throws the server's JSON error message.
// A busy server (503) says when to ask again; the page waits that long, a few times, before showing the error.
async function picture(path) {
  let r = await fetch(path, { cache: "no-store" });
  for (let attempt = 0; r.status === 503 && attempt < 5; attempt++) {
    await new Promise(done => setTimeout(done, 1000 * (+r.headers.get("Retry-After") || 1)));
    r = await fetch(path, { cache: "no-store" });
  }
  if (!r.ok) {
    const body = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
    throw new Error(body.error || `HTTP ${r.status}`);
  }
  const blob = await r.blob();
  const timing = /dur=([\d.]+)/.exec(r.headers.get("Server-Timing") || "");
  return {
    url: URL.createObjectURL(blob),
    rows: +r.headers.get("X-Grid-Rows"), cols: +r.headers.get("X-Grid-Cols"), gutter: +r.headers.get("X-Grid-Gutter"),
    ms: timing ? +timing[1] : null, checkpoint: r.headers.get("X-Checkpoint"), seed: r.headers.get("X-Seed"),
  };
}

// Significant digits without trailing zeros after a decimal point (so 100 stays 100 and 0.2500 becomes 0.25).
function fmt(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(+v)) return "–";
  const text = (+v).toPrecision(digits);
  return text.includes(".") && !text.includes("e") ? text.replace(/\.?0+$/, "") : text;
}
const enc = encodeURIComponent;

function ago(iso) {
  const sec = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (sec < 90) return `${Math.round(sec)} s ago`;
  if (sec < 5400) return `${Math.round(sec / 60)} min ago`;
  if (sec < 172800) return `${Math.round(sec / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

function badge(status, detail) {
  return h("span", { class: `badge ${status}`, title: detail || status, "data-status": status }, status);
}

function stopTimers() {
  state.timers.forEach(clearInterval);
  state.timers = [];
  if (state.source) { state.source.close(); state.source = null; }
  document.getElementById("live").hidden = true;
}

function show(...nodes) {
  const main = document.getElementById("main");
  main.replaceChildren(...nodes);
}

function crumb(...nodes) {
  document.getElementById("crumb").replaceChildren(...nodes);
}

// ---- charts -----------------------------------------------------------------------------------------------

function niceTicks(min, max, count) {
  if (!(max > min)) { const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1; min -= pad; max += pad; }
  const raw = (max - min) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  const step = (f >= 7.5 ? 10 : f >= 3.5 ? 5 : f >= 1.5 ? 2 : 1) * mag;
  const lo = Math.floor(min / step) * step, hi = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(+v.toFixed(12));
  return { lo, hi, ticks };
}

// series: [{ name, color, points: [[x, y], ...] }]; draws axes, grid lines, lines and (when few) point markers.
function lineChart(series, xLabel, yLabel) {
  const W = 560, H = 260, L = 52, R = 12, T = 10, B = 38;
  const pts = series.flatMap(se => se.points).filter(p => Number.isFinite(p[1]));
  const wrap = h("div", { class: "chart-wrap" });
  if (pts.length === 0) {
    wrap.append(h("p", { class: "muted" }, "No epochs yet."));
    return wrap;
  }
  const xs = pts.map(p => p[0]), ys = pts.map(p => p[1]);
  const xMin = Math.min(...xs), xMax = Math.max(...xs);
  const xt = niceTicks(xMin, Math.max(xMax, xMin + 1), 6);
  const xTicks = xt.ticks.filter(v => Number.isInteger(v));
  const yt = niceTicks(Math.min(...ys), Math.max(...ys), 5);
  const X = v => L + (v - xt.lo) / (xt.hi - xt.lo) * (W - L - R);
  const Y = v => T + (1 - (v - yt.lo) / (yt.hi - yt.lo)) * (H - T - B);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": yLabel });
  for (const v of yt.ticks) {
    svg.append(s("line", { class: "gridline", x1: L, x2: W - R, y1: Y(v), y2: Y(v) }));
    svg.append(s("text", { x: L - 6, y: Y(v) + 4, "text-anchor": "end" }, fmt(v, 3)));
  }
  for (const v of xTicks) {
    svg.append(s("line", { class: "axis", x1: X(v), x2: X(v), y1: H - B, y2: H - B + 4 }));
    svg.append(s("text", { x: X(v), y: H - B + 16, "text-anchor": "middle" }, String(v)));
  }
  svg.append(s("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
  svg.append(s("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B }));
  svg.append(s("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, xLabel));
  svg.append(s("text", { x: 12, y: (T + H - B) / 2, transform: `rotate(-90 12 ${(T + H - B) / 2})`, "text-anchor": "middle" }, yLabel));
  for (const se of series) {
    const p = se.points.filter(q => Number.isFinite(q[1]));
    if (p.length === 0) continue;
    svg.append(s("polyline", { class: "series", stroke: se.color, points: p.map(q => `${X(q[0]).toFixed(1)},${Y(q[1]).toFixed(1)}`).join(" ") }));
    if (p.length <= 60) {
      for (const q of p) {
        svg.append(s("circle", { cx: X(q[0]), cy: Y(q[1]), r: 2.5, fill: se.color }, s("title", {}, `${se.name}, epoch ${q[0]}: ${fmt(q[1])}`)));
      }
    }
  }
  wrap.append(svg, h("div", { class: "legend" }, series.map(se => h("span", { style: { "--c": se.color } }, se.name))));
  return wrap;
}

// ---- runs list --------------------------------------------------------------------------------------------

async function showList() {
  crumb("runs");
  const card = h("div", { class: "card" });
  show(h("h1", {}, "Runs"), card);
  const refresh = async () => {
    try {
      const data = await api("/api/runs");
      if (data.single_run && data.runs.length === 1 && state.view === "list") {
        location.hash = `#/run/${enc(data.runs[0].name)}`;
        return;
      }
      if (!data.exists) {
        card.replaceChildren(h("p", { class: "error" }, `${data.runs_dir} does not exist yet.`));
        return;
      }
      if (data.runs.length === 0) {
        card.replaceChildren(h("p", { class: "muted" }, `No runs in ${data.runs_dir} yet. Start one with: dcgan train --out ${data.runs_dir}/my-run`));
        return;
      }
      const rows = data.runs.map(r => h("tr", { "data-run": r.name },
        h("td", {}, h("a", { href: `#/run/${enc(r.name)}` }, r.name)),
        h("td", {}, r.dataset || "–"),
        h("td", { class: "num" }, r.epochs_total ? `${r.epochs_done} / ${r.epochs_total}` : String(r.epochs_done)),
        h("td", { class: "num" }, fmt(r.g_loss)),
        h("td", { class: "num" }, fmt(r.d_loss)),
        h("td", { class: "num" }, fmt(r.fid)),
        h("td", {}, badge(r.status, r.status_detail || r.error)),
        h("td", { class: "muted" }, ago(r.updated))));
      card.replaceChildren(h("p", { class: "muted" }, data.runs_dir),
        h("table", {}, h("thead", {}, h("tr", {}, ["run", "data set", "epochs", "G loss", "D loss", "FID", "status", "updated"].map(t => h("th", {}, t)))),
          h("tbody", {}, rows)));
    } catch (e) {
      card.replaceChildren(h("p", { class: "error" }, `Cannot list runs: ${e.message}`));
    }
  };
  await refresh();
  state.timers.push(setInterval(refresh, 5000));
}

// ---- one run ----------------------------------------------------------------------------------------------

async function showRun(name) {
  const base = `/api/runs/${enc(name)}`;
  crumb(h("a", { href: "#/" }, "runs"), " / ", name);
  const view = {
    version: null, epochs: [], follow: true,
    head: h("div", { class: "head" }), banner: h("div"),
    samples: h("div", { class: "card samples" }), losses: h("div", { class: "card" }), quality: h("div", { class: "card" }),
    hist: h("div", { class: "card" }), times: h("div", { class: "card" }),
    play: h("div", { class: "card wide" }), config: h("div", { class: "card wide" }),
  };
  show(view.head, view.banner, h("div", { class: "grid" }, view.samples, view.losses, view.quality, view.play, view.hist, view.times, view.config));

  const sampleImg = h("img", { class: "pixels", id: "epoch-grid", alt: "generated grid of the chosen epoch" });
  const slider = h("input", { type: "range", id: "epoch-slider", min: 1, max: 1, value: 1, "aria-label": "epoch" });
  const sliderLabel = h("span", { class: "muted" });
  const follow = h("input", { type: "checkbox", checked: true, id: "follow" });
  const setEpoch = (i) => {
    const e = view.epochs[i];
    if (e === undefined) return;
    slider.value = i;
    sliderLabel.textContent = `epoch ${e} of ${view.epochs[view.epochs.length - 1]}`;
    sampleImg.src = `${base}/samples/${e}.png`;
  };
  slider.addEventListener("input", () => { follow.checked = false; setEpoch(+slider.value); });
  follow.addEventListener("change", () => { if (follow.checked) setEpoch(view.epochs.length - 1); });
  view.samples.append(h("h2", {}, "Samples by epoch"), sampleImg,
    h("div", { class: "slider" }, slider, sliderLabel, h("label", { class: "muted" }, follow, " latest")));

  const histImg = h("img", { class: "hist", alt: "histogram of the discriminator's outputs" });
  view.hist.append(h("h2", {}, "Discriminator output D(x), last epoch"), histImg);

  const refresh = async () => {
    let detail, metrics;
    try {
      [detail, metrics] = await Promise.all([api(base), api(`${base}/metrics`)]);
    } catch (e) {
      view.banner.replaceChildren(h("p", { class: "error", id: "run-error" }, `This run cannot be shown: ${e.message}`));
      return;
    }
    const r = detail.run;
    view.version = r.version;
    view.head.replaceChildren(h("h1", { id: "run-name" }, r.name), badge(r.status, r.status_detail),
      h("span", { class: "facts" }, [r.dataset, r.epochs_total ? `epoch ${r.epochs_done} of ${r.epochs_total}` : `${r.epochs_done} epochs`,
        r.fid !== null ? `FID ${fmt(r.fid)}` : null, `updated ${ago(r.updated)}`, r.status_detail].filter(Boolean).join(" · ")));
    const problems = [];
    if (r.error) problems.push(`This run is damaged: ${r.error}`);
    if (metrics.skipped_lines > 0) problems.push(`${metrics.skipped_lines} line(s) of metrics.jsonl could not be read and are left out.`);
    view.banner.replaceChildren(...problems.map(p => h("p", { class: "error" }, p)));

    // Grids: the slider runs over every epoch that has one; "latest" keeps it on the newest while training.
    view.epochs = detail.sample_epochs;
    if (view.epochs.length === 0) {
      sampleImg.removeAttribute("src");
      sliderLabel.textContent = "no grid yet";
    } else {
      slider.max = view.epochs.length - 1;
      slider.min = 0;
      setEpoch(follow.checked ? view.epochs.length - 1 : Math.min(+slider.value, view.epochs.length - 1));
    }

    const ep = metrics.epochs;
    const col = key => ep.map(m => [m.epoch, m[key]]);
    view.losses.replaceChildren(h("h2", {}, "Losses per epoch"), lineChart([
      { name: "generator", color: "#2563eb", points: col("g_loss") },
      { name: "discriminator", color: "#dc2626", points: col("d_loss") },
    ], "epoch", "binary cross-entropy"));
    const quality = [
      { name: "D(real) mean", color: "#059669", points: col("d_real_mean") },
      { name: "D(fake) mean", color: "#d97706", points: col("d_fake_mean") },
      { name: "D real accuracy", color: "#6366f1", points: col("d_real_acc") },
      { name: "D fake accuracy", color: "#db2777", points: col("d_fake_acc") },
    ];
    const fid = ep.filter(m => typeof m.fid === "number");
    view.quality.replaceChildren(h("h2", {}, "Quality over epochs"), lineChart(quality, "epoch", "probability / accuracy"),
      fid.length ? lineChart([{ name: "FID", color: "#111827", points: fid.map(m => [m.epoch, m.fid]) }], "epoch", "FID (lower is better)")
        : h("p", { class: "note" }, "The discriminator's view: near 0.5 on both means the generator fools it. No FID was measured for this run."));
    view.times.replaceChildren(h("h2", {}, "Epoch times"), lineChart([
      { name: "seconds per epoch", color: "#0f766e", points: col("seconds") },
    ], "epoch", "seconds"), h("p", { class: "note" }, ep.length ? `last epoch: ${fmt(ep[ep.length - 1].seconds, 3)} s, ${fmt(ep[ep.length - 1].images_per_s, 4)} images/s` : ""));

    if (detail.has_histogram) histImg.src = `${base}/histogram.svg?v=${r.version}`;
    else histImg.removeAttribute("src");

    // config.json as written, then (muted) the settings it predates with the values the run loads with.
    const setting = (k, v, cls, title) => h("div", { class: cls, title }, h("span", {}, k), h("span", {}, typeof v === "object" ? JSON.stringify(v) : String(v)));
    const defaults = Object.entries(detail.config_defaults || {});
    const predates = "not in config.json (written before this setting existed): the value this run loads with";
    view.config.replaceChildren(h("h2", {}, "Config"), h("div", { class: "config" },
      Object.entries(detail.config || {}).map(([k, v]) => setting(k, v, "kv")),
      defaults.map(([k, v]) => setting(k, v, "kv default", predates))),
      defaults.length ? h("p", { class: "note", id: "config-defaults" }, `In italics: ${predates}.`) : null);

    await play.update(detail);
  };

  const play = playPanel(base, view.play);
  await refresh();
  listen(base, () => view.version, refresh);
}

// The Play panel: a checkpoint, a seed and a count give a grid; two clicked tiles and a step count give a walk.
function playPanel(base, card) {
  const ckpt = h("select", { id: "play-checkpoint", "aria-label": "checkpoint" });
  const seed = h("input", { type: "number", id: "play-seed", min: 0, max: 4294967295, value: 0, "aria-label": "seed" });
  const count = h("select", { id: "play-count", "aria-label": "count" }, [16, 36, 64, 100, 144, 256].map(n => h("option", { value: n, selected: n === 64 }, n)));
  const label = h("select", { id: "play-label", "aria-label": "digit" }, [...Array(10).keys()].map(n => h("option", { value: n }, n)));
  const labelBox = h("label", { hidden: true }, "digit", label);
  const draw = h("button", { id: "draw" }, "Draw");
  const fresh = h("button", { id: "new-samples", class: "secondary" }, "New samples");
  const steps = h("input", { type: "number", id: "walk-steps", min: 2, max: 32, value: 10, "aria-label": "steps" });
  const walk = h("button", { id: "walk", class: "secondary" }, "Walk");
  const gridImg = h("img", { class: "pixels", id: "play-grid", alt: "fresh samples" });
  const stripImg = h("img", { class: "pixels", id: "walk-strip", alt: "latent walk" });
  const gridNote = h("p", { class: "note" });
  const walkNote = h("p", { class: "note" }, "Click two samples in the grid to walk from the first to the second.");
  const error = h("p", { class: "error", hidden: true, id: "play-error" });
  const pick = { from: 0, to: 1, next: "from", grid: null };
  let conditional = false, busy = false;

  card.append(h("h2", {}, "Play"),
    h("div", { class: "controls" },
      h("label", {}, "checkpoint", ckpt), h("label", {}, "seed", seed), h("label", {}, "count", count), labelBox,
      draw, fresh, h("label", {}, "walk steps", steps), walk),
    error,
    h("div", { class: "play" }, h("div", {}, gridImg, gridNote), h("div", { class: "strip" }, stripImg, walkNote)));

  const query = (extra) => {
    const q = new URLSearchParams({ seed: seed.value || "0", count: count.value, ...extra });
    if (ckpt.value) q.set("checkpoint", ckpt.value);
    if (conditional) q.set("label", label.value);
    return q.toString();
  };
  const fail = (e) => { error.textContent = e.message; error.hidden = false; };
  const swap = (img, url) => { const old = img.src; img.src = url; if (old.startsWith("blob:")) URL.revokeObjectURL(old); };

  async function drawGrid() {
    if (busy || !ckpt.value) return;
    busy = true; draw.disabled = fresh.disabled = true;
    try {
      const p = await picture(`${base}/generate?${query({})}`);
      swap(gridImg, p.url);
      gridImg.dataset.seed = p.seed;
      pick.grid = p; pick.from = 0; pick.to = Math.min(1, +count.value - 1); pick.next = "from";
      gridNote.textContent = `${count.value} samples, seed ${p.seed}, ${p.checkpoint}; drawn in ${fmt(p.ms, 3)} ms at the server`;
      error.hidden = true;
    } catch (e) { fail(e); } finally { busy = false; draw.disabled = fresh.disabled = false; }
  }

  async function drawWalk() {
    if (!ckpt.value) return;
    try {
      const p = await picture(`${base}/interpolate?${query({ from: pick.from, to: pick.to, steps: steps.value })}`);
      swap(stripImg, p.url);
      walkNote.textContent = `From sample ${pick.from} to sample ${pick.to} in ${steps.value} steps (${fmt(p.ms, 3)} ms). Click two samples to choose others.`;
      error.hidden = true;
    } catch (e) { fail(e); }
  }

  // A click maps to a tile through the grid's layout headers (tiles of equal size between gutters).
  gridImg.addEventListener("click", (ev) => {
    const g = pick.grid;
    if (!g || !gridImg.naturalWidth) return;
    const x = ev.offsetX * gridImg.naturalWidth / gridImg.clientWidth, y = ev.offsetY * gridImg.naturalHeight / gridImg.clientHeight;
    const tw = (gridImg.naturalWidth - g.gutter) / g.cols, th = (gridImg.naturalHeight - g.gutter) / g.rows;
    const i = Math.floor(y / th) * g.cols + Math.floor(x / tw);
    if (i < 0 || i >= +count.value) return;
    pick[pick.next] = i;
    if (pick.next === "to") drawWalk();
    else walkNote.textContent = `Walk from sample ${i} to... (click another sample)`;
    pick.next = pick.next === "from" ? "to" : "from";
  });
  draw.addEventListener("click", drawGrid);
  fresh.addEventListener("click", () => { seed.value = Math.floor(Math.random() * 4294967295); drawGrid(); });
  walk.addEventListener("click", drawWalk);
  seed.addEventListener("keydown", (ev) => { if (ev.key === "Enter") drawGrid(); });

  return {
    async update(detail) {
      conditional = !!detail.conditional;
      labelBox.hidden = !conditional;
      let list;
      try { list = (await api(`${base}/checkpoints`)).checkpoints; } catch (e) { fail(e); return; }
      const chosen = ckpt.value;
      const same = ckpt.options.length === list.length && list.every((c, i) => ckpt.options[i].value === c.name);
      if (!same) {
        ckpt.replaceChildren(...list.map(c => h("option", { value: c.name, disabled: !!c.error, title: c.error || "" },
          c.error ? `${c.name} (damaged)` : `${c.name} (epoch ${c.epoch})`)));
        const good = list.filter(c => !c.error);
        ckpt.value = list.some(c => c.name === chosen && !c.error) ? chosen : (good.length ? good[good.length - 1].name : "");
      }
      const none = list.length === 0;
      draw.disabled = fresh.disabled = walk.disabled = none || !ckpt.value;
      if (none) gridNote.textContent = "No checkpoint yet: one is written every --checkpoint-every epochs and at the end.";
      else if (!gridImg.getAttribute("src") && ckpt.value) { await drawGrid(); await drawWalk(); }
    },
  };
}

// Server-sent events say when the run folder changed; if the stream fails, poll instead.
function listen(base, currentVersion, refresh) {
  const live = document.getElementById("live");
  live.hidden = false;
  const onVersion = (v) => { if (v !== currentVersion()) refresh(); };
  if (window.EventSource) {
    const src = new EventSource(`${base}/events`);
    state.source = src;
    src.addEventListener("version", (ev) => { live.className = "live"; onVersion(JSON.parse(ev.data).version); });
    src.addEventListener("error", () => {
      live.className = "live off";
      if (src.readyState === EventSource.CLOSED && state.source === src) { state.source = null; poll(); }
    });
  } else {
    poll();
  }
  function poll() {
    state.timers.push(setInterval(async () => {
      try { onVersion((await api(base)).run.version); } catch { /* the next tick tries again */ }
    }, 3000));
  }
}

// ---- routing ----------------------------------------------------------------------------------------------

async function route() {
  stopTimers();
  const m = /^#\/run\/([^/]+)$/.exec(location.hash);
  state.view = m ? "run" : "list";
  try {
    if (m) await showRun(decodeURIComponent(m[1]));
    else await showList();
  } catch (e) {
    show(h("p", { class: "error" }, e.message));
  }
}

window.addEventListener("hashchange", route);
route();
