// serve's page: posts a dropped or chosen file raw to /v1/tag?taggram=true, shows the best tags as bars, draws the
// taggram from the JSON and shows the model's card from /v1/model. No libraries: the page must work offline.
"use strict";

const $ = id => document.getElementById(id);
const BARS = 10;          // tags shown as bars
const TAGGRAM_ROWS = 20;  // tags drawn in the taggram, best first

let apiKey = "";
let pending = null;       // a file waiting for an API key
let current = null;       // the request under way, cancelled when another file comes
let lastResult = null;    // redrawn when the window's width changes

function headers(extra) {
  const h = Object.assign({}, extra);
  if (apiKey) h["Authorization"] = "Bearer " + apiKey;
  return h;
}

/** The server's JSON `error`, else the status line: what to tell the user about a refused request. */
async function problem(response) {
  try {
    const body = await response.json();
    if (body && typeof body.error === "string") return body.error;
  } catch { /* not JSON: say the status instead */ }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}

function say(text) { $("status").textContent = text; }
function refuse(text) { $("error").textContent = text; }

// The server's 401 text tells API clients which header to send; the page's user needs to hear about the key field instead.
function askForKey(message) {
  $("key-form").hidden = false;
  refuse(message);
  $("key").focus();
}

// ---- the model's card ----

async function loadModel() {
  let response;
  try {
    response = await fetch("v1/model", { headers: headers() });
  } catch {
    return showCard([["server", "not reachable"]]);
  }
  if (response.status === 401) {
    showCard([["model", "needs an API key"]]);
    return askForKey(apiKey ? "This server did not accept that API key: enter it again." : "This server needs an API key: enter it below.");
  }
  if (!response.ok) return showCard([["model", await problem(response)]]);
  const m = await response.json();
  const seconds = m.segment_samples / m.sample_rate;
  showCard([
    ["file", m.model.split(/[\\/]/).pop(), m.model],
    ["kind", m.kind],
    ["spec", m.spec],
    ["tags", String(m.tags.length), m.tags.join(", ")],
    ["sample rate", m.sample_rate.toLocaleString("en-US") + " Hz"],
    ["segment", `${m.segment_samples.toLocaleString("en-US")} samples (${seconds.toFixed(2)} s)`],
    ["parameters", m.parameters == null ? "not counted" : m.parameters.toLocaleString("en-US")],
  ]);
}

function showCard(rows) {
  const card = $("card");
  card.replaceChildren();
  for (const [name, value, title] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dd.dataset.field = name;
    if (title) dd.title = title;
    card.append(dt, dd);
  }
}

// ---- tagging ----

async function tag(file, note = "") {
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  refuse("");
  $("results").hidden = true;
  $("progress").hidden = false;
  say(`${note}Tagging ${file.name} (${size(file.size)})...`);
  const started = performance.now();
  try {
    const response = await fetch("v1/tag?taggram=true", {
      method: "POST",
      body: file,
      headers: headers({ "Content-Type": file.type || "application/octet-stream" }),
      signal: controller.signal,
    });
    if (response.status === 401) {
      pending = file;
      say("");
      return askForKey(`${file.name} was not tagged: ${apiKey ? "this server did not accept that API key; enter it again" : "this server needs an API key; enter it below"}.`);
    }
    if (!response.ok) {
      say("");
      // 4xx: the file (or request) was refused; 5xx: the server could not tag it now (busy, timed out)
      return refuse(`${file.name} ${response.status < 500 ? "was refused" : "was not tagged"}: ${await problem(response)}`);
    }
    const result = await response.json();
    const elapsed = (performance.now() - started) / 1000;
    show(file.name, result);
    say(`${note}Tagged ${file.name} in ${elapsed.toFixed(1)} s.`);
  } catch (e) {
    if (e.name === "AbortError") return;
    say("");
    refuse(`${file.name} was not tagged: the server could not be reached (${e.message}).`);
  } finally {
    if (current === controller) {
      current = null;
      $("progress").hidden = true;
    }
  }
}

function size(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function show(name, result) {
  lastResult = result;
  const best = Object.entries(result.scores).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  $("summary").textContent =
    `${name}: ${result.duration_s.toFixed(1)} s of audio in ${result.segments} segment${result.segments === 1 ? "" : "s"}; ` +
    `a clip's score is the mean of its segments'.`;
  const bars = $("bars");
  bars.replaceChildren();
  for (const [tagName, score] of best.slice(0, BARS)) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.className = "tag";
    label.textContent = tagName;
    label.title = tagName;
    const track = document.createElement("span");
    track.className = "track";
    track.setAttribute("aria-hidden", "true");
    const fill = document.createElement("span");
    fill.className = "fill";
    fill.style.width = `${Math.max(0, Math.min(1, score)) * 100}%`;
    track.append(fill);
    const number = document.createElement("span");
    number.className = "score";
    number.textContent = score.toFixed(2);
    li.append(label, track, number);
    bars.append(li);
  }
  $("results").hidden = false;
  drawTaggram(result);
}

// ---- the taggram: segments (time) across, tags down, score as colour ----

// viridis at 0, 1/8, ..., 1 (matplotlib's), as the PNG taggrams of `tag --taggram` use
const VIRIDIS = [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
                 [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]];

function colour(score) {
  const x = Math.max(0, Math.min(1, score)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return `rgb(${a.map((v, k) => Math.round(v + (b[k] - v) * f)).join(",")})`;
}

/** A step of 1, 2 or 5 times a power of ten giving about `count` ticks over `span`. */
function step(span, count) {
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
}

function drawTaggram(result) {
  const canvas = $("taggram");
  const t = result.taggram;
  const segments = t.scores.length;
  // rows: the tags with the best clip scores, best first
  const order = t.tags.map((name, j) => [name, j]).sort((a, b) => result.scores[b[0]] - result.scores[a[0]]).slice(0, TAGGRAM_ROWS);
  const style = getComputedStyle(document.body);
  const ink = style.getPropertyValue("--ink").trim() || "#000";
  const muted = style.getPropertyValue("--muted").trim() || "#555";
  const font = "12px system-ui, sans-serif";

  const ctx = canvas.getContext("2d");
  ctx.font = font;
  const labelWidth = Math.ceil(Math.max(...order.map(([name]) => ctx.measureText(name).width))) + 10;
  const width = canvas.parentElement.clientWidth;
  const rowHeight = order.length > 12 ? 16 : 22;
  const [left, right, top, bottom] = [labelWidth, 58, 6, 34];
  const plotWidth = Math.max(40, width - left - right);
  const plotHeight = rowHeight * order.length;
  const height = top + plotHeight + bottom;

  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.style.height = `${height}px`;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = font;

  const duration = (segments - 1) * t.hop_s + t.segment_s;
  const x = seconds => left + (seconds / duration) * plotWidth;
  // cells: segment s covers [s * hop, s * hop + hop), the last one its whole length
  order.forEach(([, j], row) => {
    for (let s = 0; s < segments; s++) {
      const start = s * t.hop_s;
      const end = s === segments - 1 ? duration : start + t.hop_s;
      ctx.fillStyle = colour(t.scores[s][j]);
      // whole pixels, overlapping by one, so thin cells leave no seams
      const x0 = Math.floor(x(start));
      ctx.fillRect(x0, top + row * rowHeight, Math.max(1, Math.ceil(x(end)) - x0), rowHeight);
    }
  });

  // tag labels
  ctx.fillStyle = ink;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  order.forEach(([name], row) => ctx.fillText(name, left - 6, top + row * rowHeight + rowHeight / 2));

  // time axis
  ctx.strokeStyle = muted;
  ctx.fillStyle = muted;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const tick = step(duration, Math.max(2, Math.floor(plotWidth / 90)));
  const decimals = Math.max(0, -Math.floor(Math.log10(tick)));
  for (let s = 0; s <= duration + 1e-9; s += tick) {
    ctx.beginPath();
    ctx.moveTo(x(s) + 0.5, top + plotHeight);
    ctx.lineTo(x(s) + 0.5, top + plotHeight + 4);
    ctx.stroke();
    ctx.fillText(s.toFixed(decimals), x(s), top + plotHeight + 6);
  }
  ctx.fillText("time (s)", left + plotWidth / 2, top + plotHeight + 20);

  // colour bar: 0 at the bottom, 1 at the top
  const barX = left + plotWidth + 12;
  for (let i = 0; i < plotHeight; i++) {
    ctx.fillStyle = colour(1 - i / Math.max(1, plotHeight - 1));
    ctx.fillRect(barX, top + i, 12, 1);
  }
  ctx.fillStyle = muted;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText("1", barX + 16, top + 5);
  ctx.fillText("0", barX + 16, top + plotHeight - 5);

  const shown = order.length < t.tags.length ? `the ${order.length} best of ${t.tags.length} tags` : `${t.tags.length} tags`;
  canvas.setAttribute("aria-label", `Taggram: ${shown} over ${segments} segments of ${t.segment_s.toFixed(2)} s.`);
  canvas.dataset.segments = String(segments);
  canvas.dataset.rows = String(order.length);
  canvas.onmousemove = event => {
    const box = canvas.getBoundingClientRect();
    const px = event.clientX - box.left, py = event.clientY - box.top;
    const row = Math.floor((py - top) / rowHeight);
    const s = Math.min(segments - 1, Math.floor(((px - left) / plotWidth) * duration / t.hop_s));
    if (px < left || px > left + plotWidth || row < 0 || row >= order.length || s < 0) return;
    const [name, j] = order[row];
    const start = s * t.hop_s;
    $("readout").textContent = `${name}, ${start.toFixed(2)}-${(start + t.segment_s).toFixed(2)} s: ${t.scores[s][j].toFixed(3)}`;
  };
}

// ---- choosing and dropping ----

function take(files) {
  if (!files || files.length === 0) return;
  tag(files[0], files.length > 1 ? `One file at a time: ${files.length - 1} more left out. ` : "");
}

$("choose").addEventListener("click", () => $("file").click());
$("file").addEventListener("change", event => {
  take(event.target.files);
  event.target.value = ""; // choosing the same file again tags it again
});

// a file dropped anywhere on the page is taken; the drop area lights up while one is dragged over the page
let dragDepth = 0;
window.addEventListener("dragenter", event => { event.preventDefault(); dragDepth++; $("drop").classList.add("over"); });
window.addEventListener("dragleave", () => { if (--dragDepth <= 0) { dragDepth = 0; $("drop").classList.remove("over"); } });
window.addEventListener("dragover", event => event.preventDefault());
window.addEventListener("drop", event => {
  event.preventDefault();
  dragDepth = 0;
  $("drop").classList.remove("over");
  take(event.dataTransfer && event.dataTransfer.files);
});

$("key-form").addEventListener("submit", async event => {
  event.preventDefault();
  apiKey = $("key").value.trim();
  refuse("");
  await loadModel();
  if (pending && apiKey) {
    const file = pending;
    pending = null;
    tag(file);
  }
});

let resizing = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => { if (lastResult && !$("results").hidden) drawTaggram(lastResult); }, 100);
});

loadModel();
