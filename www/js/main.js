// micrograd playground: the page. Controls -> Rust state -> step() -> numbers -> canvas.
// Rust owns the model, the data and every number shown; this module only handles input,
// draws, and keeps the settings in the URL hash.

import init, { Playground, graph_example, graph_examples } from '../micrograd-playground.js';
import {
  DASH,
  DEFAULT_SPEED,
  L2_SLIDER,
  LR_SLIDER,
  SPEED_STOPS,
  fmtInt,
  fmtL2,
  fmtLoss,
  fmtPercent,
  fmtSci,
  l2FromSlider,
  lrFromSlider,
  roundSig,
  sliderFromL2,
  sliderFromLr,
  speedIndex,
} from './format.js';
import { History } from './history.js';
import { Chart } from './chart.js';
import { PlotRenderer, drawThumbnail } from './render.js';
import { createGraphView } from './graphview.js';
import { DATASETS, DEFAULT_UI, encodeHash, parseHash } from './state.js';

// ---------------------------------------------------------------- panic banner
// Defined before the wasm module starts: the Rust panic hook calls it with the message.

let dead = false;

function showFatal(message) {
  dead = true;
  const banner = document.getElementById('panic-banner');
  document.getElementById('panic-message').textContent = String(message || 'unknown error');
  banner.hidden = false;
  const play = document.getElementById('play');
  if (play) {
    play.textContent = 'Play';
    play.disabled = true;
  }
}

globalThis.micrograd_panic = (message) => showFatal(message);

document.getElementById('panic-reload').addEventListener('click', () => window.location.reload());

// ---------------------------------------------------------------- constants, elements

const RESOLUTION = 150; // boundary grid cells per side (the model is evaluated at every cell centre each frame)
const FRAME_BUDGET_MS = 12; // step() time per frame above which speed is lowered
const NOTICE_TTL_MS = 12000;
const MAX_NOTICES = 5;
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing element #${id}`);
  return el;
};

const el = {
  play: $('play'),
  step: $('step'),
  reset: $('reset'),
  speed: $('speed'),
  speedValue: $('speed-value'),
  exportBtn: $('export'),
  importBtn: $('import'),
  importFile: $('import-file'),
  notices: $('notices'),
  diverged: $('diverged'),
  divergedMessage: $('diverged-message'),
  divergedReset: $('diverged-reset'),
  noise: $('noise'),
  noiseValue: $('noise-value'),
  nPoints: $('n-points'),
  nPointsValue: $('n-points-value'),
  testFraction: $('test-fraction'),
  testFractionValue: $('test-fraction-value'),
  addClass: $('add-class'),
  clearPoints: $('clear-points'),
  layers: $('layers'),
  neurons: $('neurons'),
  activation: $('activation'),
  loss: $('loss'),
  seed: $('seed'),
  newSeed: $('new-seed'),
  plot: $('plot'),
  heat: $('heat'),
  loading: $('loading'),
  status: $('status-message'),
  discretize: $('discretize'),
  chart: $('chart'),
  lr: $('lr'),
  lrValue: $('lr-value'),
  lrNowWrap: $('lr-now-wrap'),
  lrNow: $('r-lr'),
  l2: $('l2'),
  l2Value: $('l2-value'),
  optimizer: $('optimizer'),
  momentum: $('momentum'),
  momentumValue: $('momentum-value'),
  batch: $('batch'),
  batchValue: $('batch-value'),
  lrDecay: $('lr-decay'),
  r: {
    step: $('r-step'),
    epoch: $('r-epoch'),
    sps: $('r-sps'),
    points: $('r-points'),
    trainLoss: $('r-train-loss'),
    testLoss: $('r-test-loss'),
    trainAcc: $('r-train-acc'),
    testAcc: $('r-test-acc'),
  },
};

// ---------------------------------------------------------------- state

let wasm = null; // the wasm exports (wasm.memory)
let pg = null; // the Playground
let stats = null; // the latest stats
let view = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
let points = new Float32Array(0);
let playing = true;
const ui = { ...DEFAULT_UI };
const history = new History(512);
const plot = new PlotRenderer(el.plot, el.heat);
const chart = new Chart(el.chart);
let cursor = null; // keyboard cursor on the plot, data coordinates
let dirty = { boundary: true, points: true, chart: true, readouts: true };
const lastDraw = { boundary: 0, chart: 0, readouts: 0, notices: 0 };
// What the top layer of the plot shows now (to redraw it only on a change).
const drawn = { highlight: -1 };
const stepTimes = []; // the last few frames' step() times, ms
let budgetFrom = 0; // no speed changes before this time (wasm tier-up at start)
const rate = { t: 0, step: 0, value: NaN }; // measured steps per second (fallback)
const counters = { frames: 0, boundaryDraws: 0, chartDraws: 0 }; // for tests and curiosity
let graph = null; // the graph view panel (graphview.js), once the wasm module is ready

function errText(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

// ---------------------------------------------------------------- notices

/**
 * Show a message in the polite live region. kind: info | warn | error. `text` may be a list:
 * its lines become one notice (one paragraph each), so that a batch of messages (a link with
 * many out-of-range settings) is not cut down by the MAX_NOTICES cap.
 */
function notify(text, { kind = 'warn', sticky = false } = {}) {
  const lines = (Array.isArray(text) ? text : [text]).map(String);
  const message = lines.join('\n');
  for (const li of el.notices.children) {
    if (li.dataset.text === message) {
      li.dataset.until = String(sticky ? Infinity : performance.now() + NOTICE_TTL_MS);
      return;
    }
  }
  const li = document.createElement('li');
  li.className = kind;
  li.dataset.text = message;
  li.dataset.until = String(sticky ? Infinity : performance.now() + NOTICE_TTL_MS);
  const paragraphs = lines.map((line) => {
    const p = document.createElement('p');
    p.textContent = line; // never as HTML
    return p;
  });
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Dismiss';
  close.title = 'Hide this message';
  close.addEventListener('click', () => li.remove());
  if (paragraphs.length === 1) {
    li.append(paragraphs[0], close);
  } else {
    const body = document.createElement('div'); // the lines stack; the button stays beside
    body.append(...paragraphs);
    li.append(body, close);
  }
  el.notices.append(li);
  while (el.notices.children.length > MAX_NOTICES) el.notices.firstElementChild.remove();
}

function expireNotices(now) {
  for (const li of [...el.notices.children]) {
    if (Number(li.dataset.until) < now && !li.contains(document.activeElement)) li.remove();
  }
}

/** Show the messages the Rust side collected (clamped values, point limit, ...). */
function flushNotices() {
  if (!pg || dead) return;
  let list;
  try {
    list = pg.notices();
  } catch (e) {
    return;
  }
  // Messages from one call belong together (the clamps of one link): one notice for them all.
  if (Array.isArray(list) && list.length) notify(list.length === 1 ? list[0] : list, { kind: 'warn' });
}

// ---------------------------------------------------------------- URL

let urlTimer = 0;

function writeUrlNow() {
  urlTimer = 0;
  if (!pg || dead) return;
  const hash = encodeHash(pg.config(), ui);
  if (hash !== window.location.hash) {
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  }
}

/** Update the URL soon (debounced: browsers throttle frequent replaceState calls). */
function scheduleUrl() {
  if (urlTimer) clearTimeout(urlTimer);
  urlTimer = setTimeout(writeUrlNow, 250);
}

// ---------------------------------------------------------------- controls <-> config

function setOutput(output, text) {
  if (output.textContent !== text) output.textContent = text;
}

function showSpeed() {
  el.speed.value = String(speedIndex(ui.speed));
  const text = `${ui.speed} step${ui.speed === 1 ? '' : 's'}/frame`;
  setOutput(el.speedValue, text);
  el.speed.setAttribute('aria-valuetext', text);
}

function showLr(lr) {
  el.lr.value = String(sliderFromLr(lr));
  const text = fmtSci(lr);
  setOutput(el.lrValue, text);
  el.lr.setAttribute('aria-valuetext', text);
}

function showL2(l2) {
  el.l2.value = String(sliderFromL2(l2));
  const text = fmtL2(l2);
  setOutput(el.l2Value, text);
  el.l2.setAttribute('aria-valuetext', text);
}

function showMomentum(m) {
  el.momentum.value = String(m);
  setOutput(el.momentumValue, String(roundSig(m, 3)));
}

function nTrain() {
  return stats && Number.isFinite(stats.n_train) ? stats.n_train : 0;
}

function showBatch(bs) {
  const n = nTrain();
  const max = Math.max(1, n);
  el.batch.max = String(max);
  const full = bs === 0 || bs >= n;
  el.batch.value = String(full ? max : Math.max(1, bs));
  const text = full ? `full (${n})` : String(bs);
  setOutput(el.batchValue, text);
  el.batch.setAttribute('aria-valuetext', text);
  el.batch.disabled = n <= 1;
}

function showPercent(input, output, v) {
  input.value = String(v);
  setOutput(output, `${Math.round(v * 100)}%`);
}

function buildNeuronInputs(hidden) {
  const current = [...el.neurons.querySelectorAll('input')].map((i) => Number(i.value));
  if (current.length === hidden.length && current.every((v, i) => v === hidden[i])) return;
  const focusedIndex = [...el.neurons.querySelectorAll('input')].indexOf(document.activeElement);
  el.neurons.replaceChildren();
  hidden.forEach((size, i) => {
    const label = document.createElement('label');
    const text = document.createElement('span');
    text.textContent = `Layer ${i + 1}`;
    const input = document.createElement('input');
    input.type = 'number';
    input.id = `neurons-${i}`;
    input.min = '1';
    input.max = '32';
    input.step = '1';
    input.inputMode = 'numeric';
    input.value = String(size);
    input.title = `Neurons in hidden layer ${i + 1} (1 to 32); rebuilds the network`;
    input.addEventListener('change', () => onNeuronsChange(i, input));
    label.append(text, input);
    el.neurons.append(label);
  });
  if (focusedIndex >= 0 && focusedIndex < hidden.length) $(`neurons-${focusedIndex}`).focus();
}

/** Put every control in line with the Playground's config (after a build or a refused change). */
function syncControls() {
  const c = pg.config();
  for (const name of DATASETS) {
    const radio = document.getElementById(`ds-${name}`);
    if (radio) radio.checked = c.dataset === name;
  }
  const custom = c.dataset === 'custom';
  el.noise.value = String(c.noise);
  setOutput(el.noiseValue, String(roundSig(c.noise, 3)));
  el.nPoints.value = String(c.n_points);
  setOutput(el.nPointsValue, String(c.n_points));
  el.noise.disabled = custom;
  el.nPoints.disabled = custom;
  el.noise.title = custom
    ? 'Not used for your own points'
    : 'How much random jitter the generated points get; regenerates the data';
  el.nPoints.title = custom ? 'Not used for your own points' : 'How many points to generate; regenerates the data';
  showPercent(el.testFraction, el.testFractionValue, c.test_fraction);

  el.layers.value = String(c.hidden.length);
  buildNeuronInputs(c.hidden);
  el.activation.value = c.activation;
  el.loss.value = c.loss;
  el.seed.value = String(c.seed);

  showLr(c.learning_rate);
  showL2(c.l2);
  el.optimizer.value = c.optimizer;
  showMomentum(c.momentum);
  el.momentum.disabled = c.optimizer !== 'momentum';
  showBatch(c.batch_size);
  el.lrDecay.checked = !!c.lr_decay;
  el.lrNowWrap.hidden = !c.lr_decay;

  showSpeed();
  el.discretize.checked = ui.discretize;
}

// ---------------------------------------------------------------- building

/** Make a Playground from a config; returns it or throws the constructor's error. */
function construct(config) {
  return new Playground(config);
}

/** Swap in a new Playground and reset what belongs to the old run. */
function adopt(next) {
  if (pg) {
    try {
      pg.free();
    } catch {
      /* already freed */
    }
  }
  pg = next;
  history.clear();
  rate.t = 0;
  stepTimes.length = 0;
  el.diverged.hidden = true;
  view = pg.view();
  plot.view = view;
  stats = pg.stats();
  points = pg.points();
  syncControls();
  flushNotices();
  updateCustomThumb();
  markDirty();
  scheduleUrl();
  if (graph) graph.modelChanged();
}

/** Rebuild from the current config with some fields changed. False (and a notice) if refused. */
function rebuild(changes) {
  if (!pg || dead) return false;
  const config = { ...pg.config(), ...changes };
  if (config.dataset !== 'custom') delete config.points;
  let next;
  try {
    next = construct(config);
  } catch (e) {
    notify(`That setting could not be used: ${errText(e)}`, { kind: 'error' });
    syncControls();
    return false;
  }
  adopt(next);
  return true;
}

function markDirty() {
  dirty = { boundary: true, points: true, chart: true, readouts: true };
}

// ---------------------------------------------------------------- transport

function setPlaying(on) {
  playing = on && !dead;
  el.play.textContent = playing ? 'Pause' : 'Play';
  el.play.title = playing
    ? 'Pause training (the network keeps its weights)'
    : 'Resume training from where it stopped';
  rate.t = 0;
}

el.play.addEventListener('click', () => {
  if (stats && stats.diverged) {
    notify('Training diverged: press Reset (perhaps after lowering the learning rate) to start again.');
    return;
  }
  setPlaying(!playing);
});

el.step.addEventListener('click', () => {
  if (!pg || dead) return;
  setPlaying(false);
  runSteps(1);
  markDirty();
});

function doReset() {
  if (!pg || dead) return;
  const wasDiverged = stats && stats.diverged;
  if (rebuild({}) && wasDiverged) setPlaying(true);
}

el.reset.addEventListener('click', doReset);
el.divergedReset.addEventListener('click', () => {
  doReset();
  el.play.focus();
});

el.speed.addEventListener('input', () => {
  ui.speed = SPEED_STOPS[Number(el.speed.value)] || DEFAULT_SPEED;
  stepTimes.length = 0;
  showSpeed();
  scheduleUrl();
});

// ---------------------------------------------------------------- live training controls

function live(fn) {
  if (!pg || dead) return;
  try {
    fn();
  } catch (e) {
    notify(`That setting could not be used: ${errText(e)}`, { kind: 'error' });
  }
  flushNotices();
  stats = pg.stats();
  // A changed setting lifts a divergence stop on the Rust side: let training go on.
  if (!stats.diverged) el.diverged.hidden = true;
  dirty.readouts = true;
  scheduleUrl();
}

el.lr.addEventListener('input', () => {
  const lr = lrFromSlider(el.lr.value);
  live(() => pg.set_learning_rate(lr));
  showLr(pg.config().learning_rate);
});

el.l2.addEventListener('input', () => {
  const l2 = l2FromSlider(el.l2.value);
  live(() => pg.set_l2(l2));
  showL2(pg.config().l2);
});

el.optimizer.addEventListener('change', () => {
  live(() => pg.set_optimizer(el.optimizer.value));
  const c = pg.config();
  el.optimizer.value = c.optimizer;
  el.momentum.disabled = c.optimizer !== 'momentum';
});

el.momentum.addEventListener('input', () => {
  const m = Number(el.momentum.value);
  live(() => pg.set_momentum(m));
  showMomentum(pg.config().momentum);
});

el.batch.addEventListener('input', () => {
  const v = Number(el.batch.value);
  const bs = v >= Number(el.batch.max) ? 0 : v;
  live(() => pg.set_batch_size(bs));
  showBatch(pg.config().batch_size);
});

el.lrDecay.addEventListener('change', () => {
  live(() => pg.set_lr_decay(el.lrDecay.checked));
  el.lrNowWrap.hidden = !pg.config().lr_decay;
});

el.discretize.addEventListener('change', () => {
  ui.discretize = el.discretize.checked;
  dirty.boundary = true;
  scheduleUrl();
});

// ---------------------------------------------------------------- data controls (rebuild)

for (const name of DATASETS) {
  const radio = document.getElementById(`ds-${name}`);
  if (!radio) continue;
  radio.addEventListener('change', () => {
    if (!radio.checked) return;
    if (name === 'custom') {
      // Keep the points on screen as the user's own, so they can be edited.
      rebuild({ dataset: 'custom', points: currentPointList() });
    } else {
      rebuild({ dataset: name });
    }
  });
}

function currentPointList() {
  const out = [];
  for (let i = 0; i + 3 < points.length; i += 4) {
    out.push([roundSig(points[i], 6), roundSig(points[i + 1], 6), points[i + 2] > 0 ? 1 : -1]);
  }
  return out;
}

el.noise.addEventListener('input', () => setOutput(el.noiseValue, String(roundSig(Number(el.noise.value), 3))));
el.noise.addEventListener('change', () => rebuild({ noise: Number(el.noise.value) }));
el.nPoints.addEventListener('input', () => setOutput(el.nPointsValue, el.nPoints.value));
el.nPoints.addEventListener('change', () => rebuild({ n_points: Number(el.nPoints.value) }));
el.testFraction.addEventListener('input', () =>
  setOutput(el.testFractionValue, `${Math.round(Number(el.testFraction.value) * 100)}%`),
);
el.testFraction.addEventListener('change', () => rebuild({ test_fraction: Number(el.testFraction.value) }));

el.clearPoints.addEventListener('click', () => {
  if (rebuild({ dataset: 'custom', points: [] })) {
    notify('Points cleared: click the plot to add your own (Shift+click for the other class).', { kind: 'info' });
  }
});

// ---------------------------------------------------------------- model controls (rebuild)

function intOr(value, fallback) {
  const n = Number(value);
  return Number.isFinite(n) && value !== '' ? Math.round(n) : fallback;
}

el.layers.addEventListener('change', () => {
  const hidden = pg.config().hidden.slice();
  const n = Math.max(0, Math.min(6, intOr(el.layers.value, hidden.length)));
  const last = hidden.length ? hidden[hidden.length - 1] : 8;
  while (hidden.length < n) hidden.push(last);
  hidden.length = n;
  rebuild({ hidden });
});

function onNeuronsChange(i, input) {
  const hidden = pg.config().hidden.slice();
  const v = intOr(input.value, hidden[i]);
  hidden[i] = Math.max(1, Math.min(32, v));
  if (hidden[i] !== v) notify(`Neurons per layer go from 1 to 32; layer ${i + 1} set to ${hidden[i]}.`, { kind: 'info' });
  rebuild({ hidden });
}

el.activation.addEventListener('change', () => rebuild({ activation: el.activation.value }));
el.loss.addEventListener('change', () => rebuild({ loss: el.loss.value }));
el.seed.addEventListener('change', () => {
  const seed = intOr(el.seed.value, NaN);
  if (!Number.isFinite(seed) || seed < 0) {
    notify('The seed is a whole number, 0 or more.', { kind: 'error' });
    syncControls();
    return;
  }
  rebuild({ seed });
});
el.newSeed.addEventListener('click', () => rebuild({ seed: Math.floor(Math.random() * 1e6) }));

// ---------------------------------------------------------------- adding points

function addPoint(x, y, label) {
  if (!pg || dead) return;
  let ok = false;
  try {
    ok = pg.add_point(x, y, label);
  } catch (e) {
    notify(`The point could not be added: ${errText(e)}`, { kind: 'error' });
  }
  flushNotices();
  if (!ok) return;
  // The first added point turns the data set into the user's own ("custom").
  points = pg.points();
  stats = pg.stats();
  view = pg.view();
  plot.view = view;
  syncControls();
  updateCustomThumb();
  markDirty();
  scheduleUrl();
  if (graph) graph.pointsChanged();
}

function chosenLabel(shift) {
  const base = Number(el.addClass.value) > 0 ? 1 : -1;
  return shift ? -base : base;
}

/** The index of the point drawn nearest to CSS-pixel position (px, py) on the plot, or -1. */
function nearestPoint(px, py) {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i + 3 < points.length; i += 4) {
    const [x, y] = plot.toCanvas(points[i], points[i + 1]);
    const d = (x - px) ** 2 + (y - py) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i / 4;
    }
  }
  return best;
}

/** In the graph view's "Pick point" mode a click or Enter picks a point instead of adding one. */
function pickAt(px, py) {
  const i = nearestPoint(px, py);
  if (i >= 0) graph.pickPoint(i);
  else notify('There are no points to pick: add some first.', { kind: 'info' });
}

el.plot.addEventListener('click', (ev) => {
  const rect = el.plot.getBoundingClientRect();
  if (graph && graph.picking) {
    pickAt(ev.clientX - rect.left, ev.clientY - rect.top);
    return;
  }
  const at = plot.toData(ev.clientX - rect.left, ev.clientY - rect.top);
  if (!at) return;
  addPoint(at[0], at[1], chosenLabel(ev.shiftKey));
});

el.plot.addEventListener('focus', () => {
  if (!cursor) cursor = [(view.xmin + view.xmax) / 2, (view.ymin + view.ymax) / 2];
  dirty.points = true;
});
el.plot.addEventListener('blur', () => {
  cursor = null;
  dirty.points = true;
});
el.plot.addEventListener('keydown', (ev) => {
  if (!cursor) return;
  const dx = (view.xmax - view.xmin) / 40;
  const dy = (view.ymax - view.ymin) / 40;
  const moves = { ArrowLeft: [-dx, 0], ArrowRight: [dx, 0], ArrowUp: [0, dy], ArrowDown: [0, -dy] };
  if (moves[ev.key]) {
    ev.preventDefault();
    cursor = [
      Math.min(view.xmax, Math.max(view.xmin, cursor[0] + moves[ev.key][0])),
      Math.min(view.ymax, Math.max(view.ymin, cursor[1] + moves[ev.key][1])),
    ];
    dirty.points = true;
  } else if (ev.key === 'Enter') {
    ev.preventDefault();
    if (graph && graph.picking) pickAt(...plot.toCanvas(cursor[0], cursor[1]));
    else addPoint(cursor[0], cursor[1], chosenLabel(ev.shiftKey));
  }
});

// ---------------------------------------------------------------- export / import

el.exportBtn.addEventListener('click', () => {
  if (!pg || dead) return;
  let text;
  try {
    text = pg.to_json();
  } catch (e) {
    notify(`Export failed: ${errText(e)}`, { kind: 'error' });
    return;
  }
  const blob = new Blob([text], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  const c = pg.config();
  a.download = `micrograd-${c.dataset}-step${stats ? stats.step : 0}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  notify(`Model exported as ${a.download}.`, { kind: 'info' });
});

el.importBtn.addEventListener('click', () => el.importFile.click());

el.importFile.addEventListener('change', async () => {
  const file = el.importFile.files && el.importFile.files[0];
  el.importFile.value = '';
  if (!file || !pg || dead) return;
  let text;
  try {
    text = await file.text();
  } catch (e) {
    notify(`Import failed: the file could not be read (${errText(e)}).`, { kind: 'error' });
    return;
  }
  let next;
  try {
    next = Playground.from_json(text);
  } catch (e) {
    notify(`Import failed, the current run is kept: ${errText(e)}`, { kind: 'error', sticky: true });
    return;
  }
  adopt(next);
  notify(`Imported ${file.name}.`, { kind: 'info' });
});

// ---------------------------------------------------------------- thumbnails

function drawDatasetThumbnails() {
  for (const name of DATASETS) {
    if (name === 'custom') continue;
    const canvas = document.querySelector(`#ds-${name} + canvas`);
    if (!canvas) continue;
    let p = null;
    try {
      p = construct({ dataset: name, hidden: [], n_points: 120, test_fraction: 0 });
      drawThumbnail(canvas, p.points(), p.view());
      p.notices();
    } catch (e) {
      // A thumbnail is decoration: leave it blank.
    } finally {
      if (p) p.free();
    }
  }
}

function updateCustomThumb() {
  const canvas = document.querySelector('#ds-custom + canvas');
  if (!canvas || !pg) return;
  if (pg.config().dataset === 'custom') drawThumbnail(canvas, points, view);
}

// ---------------------------------------------------------------- the loop

function runSteps(n) {
  const t0 = performance.now();
  stats = pg.step(n);
  const dt = performance.now() - t0;
  history.push(stats);
  dirty = { boundary: true, points: dirty.points, chart: true, readouts: true };
  if (stats.diverged) {
    setPlaying(false);
    el.divergedMessage.textContent = stats.message || 'the loss is no longer a finite number.';
    el.diverged.hidden = false;
  }
  return dt;
}

/**
 * Lower the speed when a frame's steps take too long, so the page stays responsive: when
 * the median of the last 8 frames' step() times is over budget. Not in the first second,
 * while the browser is still optimising the freshly loaded wasm.
 */
function frameBudget(dt, now) {
  if (now < budgetFrom || ui.speed <= 1) return;
  stepTimes.push(dt);
  if (stepTimes.length < 8) return;
  const median = [...stepTimes].sort((a, b) => a - b)[4];
  stepTimes.length = 0;
  if (median <= FRAME_BUDGET_MS) return;
  const target = Math.max(1, Math.floor((ui.speed * (FRAME_BUDGET_MS * 0.75)) / median));
  const next = SPEED_STOPS[speedIndex(target)];
  if (next >= ui.speed) return;
  const from = ui.speed;
  ui.speed = next;
  showSpeed();
  scheduleUrl();
  notify(
    `Speed lowered from ${from} to ${next} steps per frame: ${from} steps took ${Math.round(median)} ms, ` +
      `more than the ${FRAME_BUDGET_MS} ms a smooth frame allows.`,
    { kind: 'info' },
  );
}

function measuredRate(now) {
  if (!playing || !stats) return NaN;
  if (!rate.t) {
    rate.t = now;
    rate.step = stats.step;
    return rate.value;
  }
  if (now - rate.t >= 1000) {
    rate.value = ((stats.step - rate.step) * 1000) / (now - rate.t);
    rate.t = now;
    rate.step = stats.step;
  }
  return rate.value;
}

function updateReadouts(now) {
  const s = stats;
  if (!s) return;
  const sps = Number.isFinite(s.steps_per_second) && s.steps_per_second > 0 ? s.steps_per_second : measuredRate(now);
  setOutput(el.r.step, fmtInt(s.step));
  setOutput(el.r.epoch, fmtInt(Number.isFinite(s.epoch) ? Math.floor(s.epoch) : NaN));
  setOutput(el.r.sps, playing ? fmtInt(sps) : DASH);
  const nt = Number.isFinite(s.n_train) ? s.n_train : 0;
  const nv = Number.isFinite(s.n_test) ? s.n_test : 0;
  setOutput(el.r.points, `${nt} train · ${nv} test`);
  setOutput(el.r.trainLoss, fmtLoss(s.train_loss));
  setOutput(el.r.testLoss, fmtLoss(s.test_loss));
  setOutput(el.r.trainAcc, fmtPercent(s.train_accuracy));
  setOutput(el.r.testAcc, fmtPercent(s.test_accuracy));
  setOutput(el.lrNow, fmtSci(s.learning_rate));
  setOutput(el.status, s.message && !s.diverged ? s.message : '');
  if (Number(el.batch.max) !== Math.max(1, nt)) showBatch(pg.config().batch_size);
}

function drawBoundary() {
  const ptr = pg.boundary(RESOLUTION);
  // A fresh view each time: memory growth detaches old ones.
  const values = new Float32Array(wasm.memory.buffer, ptr, RESOLUTION * RESOLUTION);
  plot.setBoundary(values, RESOLUTION, ui.discretize);
}

function frame(now) {
  if (dead) return;
  requestAnimationFrame(frame);
  try {
    if (playing) {
      const dt = runSteps(ui.speed);
      frameBudget(dt, now);
    }
    if (now - lastDraw.notices > 500) {
      expireNotices(now);
      lastDraw.notices = now;
    }
    flushNotices();
    // With reduced motion, redraw the boundary twice a second and the chart once.
    const slow = reducedMotion.matches;
    const due = (key, ms) => dirty[key] && (!slow || now - lastDraw[key] >= ms || !playing);
    counters.frames += 1;
    if (due('boundary', 500)) {
      drawBoundary();
      counters.boundaryDraws += 1;
      dirty.boundary = false;
      lastDraw.boundary = now;
    }
    // The top layer (axes, points, ring, cursor) only when one of them changed.
    const highlight = graph ? graph.highlightPoint() : -1;
    if (dirty.points || highlight !== drawn.highlight) {
      if (dirty.points) points = pg.points();
      plot.draw(points, { cursor, highlight });
      dirty.points = false;
      drawn.highlight = highlight;
    }
    if (due('chart', 1000)) {
      chart.draw(history);
      counters.chartDraws += 1;
      dirty.chart = false;
      lastDraw.chart = now;
    }
    if (due('readouts', 250)) {
      updateReadouts(now);
      dirty.readouts = false;
      lastDraw.readouts = now;
    }
    if (graph) {
      try {
        graph.tick(now);
      } catch (e) {
        // A failure of the graph view is reported, but does not stop training.
        if (!dead) notify(`The graph view could not update: ${errText(e)}`, { kind: 'error' });
      }
    }
  } catch (e) {
    // After a Rust panic the banner is already up; anything else is shown the same way.
    if (!dead) showFatal(errText(e));
    setPlaying(false);
  }
}

function resizeAll() {
  plot.resize();
  chart.resize();
  markDirty();
}

// ---------------------------------------------------------------- start

function startConfig() {
  const parsed = parseHash(window.location.hash);
  if (parsed.errors.length) {
    notify(
      `The settings in this link could not be read (${parsed.errors.join('; ')}). Starting from the defaults.`,
      { kind: 'error', sticky: true },
    );
    return { config: {}, fromLink: true, bad: true };
  }
  Object.assign(ui, parsed.ui);
  return { config: parsed.config, fromLink: !parsed.empty, bad: false };
}

function startGraphView() {
  try {
    graph = createGraphView({
      graphExamples: graph_examples,
      graphExample: graph_example,
      getPg: () => (dead ? null : pg),
      getPoints: () => points,
      getStep: () => (stats ? stats.step : 0),
      notify,
      errText,
      reducedMotion,
      onHighlight: () => {
        dirty.points = true;
      },
      onPicking: (on) => {
        el.plot.classList.toggle('picking', on);
        if (on) notify('Click a point on the plot to draw the neuron on it (Esc cancels).', { kind: 'info' });
      },
    });
  } catch (e) {
    // The graph view is an addition: the playground trains without it.
    notify(`The graph view could not start: ${errText(e)}`, { kind: 'error', sticky: true });
  }
}

async function main() {
  wasm = await init();
  startGraphView();
  const { config, fromLink, bad } = startConfig();
  let first;
  try {
    first = construct(config);
  } catch (e) {
    notify(`The settings in this link could not be used: ${errText(e)}. Starting from the defaults.`, {
      kind: 'error',
      sticky: true,
    });
    Object.assign(ui, DEFAULT_UI);
    first = construct({});
    history.clear();
  }
  adopt(first);
  if (bad || fromLink) writeUrlNow(); // replace a bad link with the settings actually used

  for (const b of [el.play, el.step, el.reset, el.exportBtn, el.importBtn]) b.disabled = false;
  el.loading.hidden = true;
  setPlaying(true);

  resizeAll();
  new ResizeObserver(() => resizeAll()).observe(el.plot);
  new ResizeObserver(() => {
    chart.resize();
    dirty.chart = true;
  }).observe(el.chart);
  reducedMotion.addEventListener('change', markDirty);

  window.addEventListener('hashchange', () => {
    const parsed = parseHash(window.location.hash);
    if (parsed.errors.length) {
      notify(`The settings in the address bar could not be read (${parsed.errors.join('; ')}); keeping the current run.`, {
        kind: 'error',
      });
      return;
    }
    let next;
    try {
      next = construct(parsed.config);
    } catch (e) {
      notify(`The settings in the address bar could not be used: ${errText(e)}; keeping the current run.`, {
        kind: 'error',
      });
      return;
    }
    Object.assign(ui, parsed.ui);
    adopt(next);
  });

  budgetFrom = performance.now() + 1000;
  requestAnimationFrame(frame);
  // Thumbnails after the first frame, so the trained view shows first.
  setTimeout(drawDatasetThumbnails, 50);
}

main().catch((e) => {
  el.loading.textContent = 'The network could not start.';
  showFatal(`could not start: ${errText(e)}`);
});

// Keyboard users get each control's help text (its title) in a line at the bottom of the
// window while it has focus: a title alone shows only on mouse hover.
const focusHelp = document.getElementById('focus-help');
document.addEventListener('focusin', (ev) => {
  const t = ev.target instanceof Element ? ev.target.closest('[title]') : null;
  if (t && t.matches(':focus-visible') && t.title) {
    focusHelp.textContent = t.title;
    focusHelp.hidden = false;
  } else {
    focusHelp.hidden = true;
  }
});
document.addEventListener('focusout', () => {
  focusHelp.hidden = true;
});

// Exposed for debugging from the console and for the end-to-end tests.
globalThis.playground = {
  get pg() {
    return pg;
  },
  get stats() {
    return stats;
  },
  get ui() {
    return { ...ui };
  },
  get counters() {
    return { ...counters };
  },
  get graph() {
    return graph ? graph.state : null;
  },
  get limits() {
    return { lr: LR_SLIDER, l2: L2_SLIDER, speed: SPEED_STOPS };
  },
  /** The wasm linear memory's size in bytes (read-only; the soak test watches it). */
  memoryBytes() {
    return wasm ? wasm.memory.buffer.byteLength : 0;
  },
};
