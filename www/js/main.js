// micrograd playground: the page's entry point. It wires the modules together and owns the
// few actions that touch several of them. The Playground itself lives in a Web Worker
// (worker.js): controls -> worker (Rust state) -> snapshot -> canvas, and the main thread only
// handles input and draws, so it never freezes whatever the settings.

import { createApp, currentMode, markDirty } from './app.js';
import { REGRESSION_SETS, labelText, learnDatasets, targetRange } from './classes.js';
import { WorkerClient } from './client.js';
import { createConfusion } from './confusion.js';
import { createControls } from './controls.js';
import { createCsvData } from './csvdata.js';
import { $, errText } from './dom.js';
import { createFiles } from './files.js';
import { createGraphView } from './graphview.js';
import { createLegend } from './legend.js';
import { createLoop } from './loop.js';
import { createNotices } from './notices.js';
import { createPlotInput } from './plotinput.js';
import { Chart } from './chart.js';
import { PlotRenderer, drawThumbnail } from './render.js';
import { indexSettings } from './settings.js';
import { createZeroLines } from './zerolines.js';
import { createHiddenSpace } from './hiddenspace.js';
import { createRuns } from './runs.js';

const app = createApp();
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const notices = createNotices($('notices'));
const { notify } = notices;
const plot = new PlotRenderer($('plot'), $('heat'), $('unit-heat'));
const chart = new Chart($('chart'));
const el = { loading: $('loading'), diverged: $('diverged'), divergedMessage: $('diverged-message') };
let graph = null; // the graph view panel, once the worker answered
let controls = null; // the settings panel, once the settings table came
let files = null;
let settings = null; // the settings table by name (src/settings.rs)
let zeroLines = null; // the zero lines over the plot, once the graph view is up
let hiddenSpace = null; // the hidden layer's view panel
let runs = null; // the kept runs (created in main())

// ---------------------------------------------------------------- a fatal error

function showFatal(message) {
  app.dead = true;
  $('panic-message').textContent = String(message || 'unknown error');
  $('panic-banner').hidden = false;
  if (controls) controls.disable();
}

// A panic in wasm on this thread (the worker reports its own through the client).
globalThis.micrograd_panic = (message) => showFatal(message);
$('panic-reload').addEventListener('click', () => window.location.reload());

// ---------------------------------------------------------------- the worker

const loop = createLoop(app, {
  get client() {
    return client;
  },
  plot,
  chart,
  get controls() {
    return controls;
  },
  notices,
  graph: () => graph,
  setSpeed,
  speedStops: () => settings.get('speed').kind.stops,
  onDiverged,
  onStopped,
  overlays: () => (runs ? runs.overlays() : []),
  legend: createLegend($('legend')),
  confusion: createConfusion(),
  reducedMotion,
});

const client = new WorkerClient({ onSnapshot: loop.onSnapshot, onPanic: showFatal });

/** Ask the worker; on failure say what failed (and resolve with null). */
function ask(type, args, what) {
  return client.request(type, args).catch((e) => {
    if (!app.dead && what) notify(`${what}: ${errText(e)}`, { kind: 'error' });
    return null;
  });
}

// ---------------------------------------------------------------- actions

/** Mirror a new Playground (a rebuild, reset, import or link) and reset what belonged to the old run. */
function adopt(s) {
  // The run that ends here is kept, to compare and restore.
  if (runs && app.generation > 0) runs.keep(app, lastHash || window.location.hash);
  app.generation = s.generation;
  app.config = s.config;
  app.view = s.view;
  app.points = s.points;
  app.stats = s.stats;
  app.grid = null;
  plot.view = s.view;
  app.history.clear();
  loop.resetBudget();
  el.diverged.hidden = true;
  controls.sync();
  notices.fromRust(s.notices);
  updateCustomThumb();
  markDirty(app);
  scheduleUrl();
  if (graph) graph.modelChanged();
  if (zeroLines) zeroLines.changed();
  if (hiddenSpace) hiddenSpace.changed();
}

/** Rebuild from the current config with some fields changed; resolves false if refused. */
async function rebuild(changes) {
  if (app.dead) return false;
  // Until the new Playground is mirrored, snapshots of the old one are not shown.
  app.rebuilding += 1;
  try {
    adopt(await client.request('rebuild', { changes }));
    return true;
  } catch (e) {
    notify(`That setting could not be used: ${errText(e)}`, { kind: 'error' });
    controls.sync();
    return false;
  } finally {
    app.rebuilding -= 1;
  }
}

/** A live setting: the network keeps training with it. */
async function live(name, value) {
  if (app.dead) return;
  const r = await ask('set', { name, value }, 'That setting could not be used');
  if (!r) return;
  app.config = r.config;
  app.stats = r.stats;
  notices.fromRust(r.notices);
  // A changed setting lifts a divergence stop on the Rust side: let training go on.
  if (!r.stats.diverged) el.diverged.hidden = true;
  app.dirty.readouts = true;
  app.dirty.boundary = true;
  scheduleUrl();
}

function setPlaying(on) {
  app.playing = on && !app.dead;
  if (app.playing) notices.dismiss(STOP_PREFIX);
  client.post('play', { on: app.playing });
  controls.showPlaying();
  app.dirty.readouts = true;
}

function setSpeed(n) {
  app.ui.speed = n;
  client.post('speed', { n });
  loop.resetBudget();
  controls.showSpeed();
  scheduleUrl();
}

async function step() {
  if (app.dead) return;
  setPlaying(false);
  const r = await ask('step', {}, 'The step failed');
  if (!r) return;
  app.stats = r.stats;
  app.history.push(r.stats);
  notices.fromRust(r.notices);
  markDirty(app);
  if (r.stats.diverged) onDiverged(r.stats.message);
}

async function reset() {
  if (app.dead) return;
  // A diverged run restarts at once: the notice goes and training resumes on the new network.
  if (app.stats && app.stats.diverged) {
    el.diverged.hidden = true;
    setPlaying(true);
  }
  await rebuild({});
}

/** How the worker's stop messages begin ("Stopped at step 812: ..."). */
const STOP_PREFIX = 'Stopped at step';

/** A stop condition was reached: the worker paused; the page shows Play and says why. */
function onStopped(message) {
  if (app.playing) setPlaying(false);
  notify(String(message), { kind: 'info', sticky: true });
}

function onDiverged(message) {
  setPlaying(false);
  el.divergedMessage.textContent = message || 'the loss is no longer a finite number.';
  el.diverged.hidden = false;
}

async function addPoint(x, y, label) {
  if (app.dead) return;
  const r = await ask('add_point', { x, y, label }, 'The point could not be added');
  if (!r) return;
  notices.fromRust(r.notices);
  if (!r.added) return;
  // The first added point turns the data set into the user's own ("custom"): say what became
  // of the points and their split, and offer to go back.
  if (app.config.dataset !== 'custom' && r.config.dataset === 'custom') {
    const from = app.config.dataset;
    const s = r.stats;
    const pct = Math.round(r.config.test_fraction * 100);
    notify(
      `Your own data now: the points of ${from} and yours, to add to or clear. The split is ` +
        `kept: ${s.n_train} train and ${s.n_test} test points (the test fraction, ${pct}%; test ` +
        'points are drawn hollow).',
      { kind: 'info', sticky: true, action: { label: `Undo: back to ${from}`, run: undoCustom } },
    );
  }
  app.config = r.config;
  app.points = r.points;
  app.stats = r.stats;
  app.view = r.view;
  plot.view = r.view;
  controls.sync();
  updateCustomThumb();
  markDirty(app);
  scheduleUrl();
  if (graph) graph.pointsChanged();
}

async function undoCustom() {
  const s = await ask('undo_custom', {}, 'Undo failed');
  if (s) adopt(s);
}

// ---------------------------------------------------------------- the URL

let urlTimer = 0;
let lastHash = ''; // the current run's link, as last written
let lastLinkNote = null; // the last "too many points for a link" notice shown

async function writeUrlNow() {
  urlTimer = 0;
  if (app.dead) return;
  const hash = await ask('hash', { ui: app.ui });
  if (hash) lastHash = hash;
  if (hash && hash !== window.location.hash) {
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
    // Too many points for a link: say so once per data set.
    const note = await ask('link_note', {});
    if (note && note !== lastLinkNote) notify(note, { kind: 'info' });
    lastLinkNote = note;
  }
}

/** Update the URL soon (debounced: browsers throttle frequent replaceState calls). */
function scheduleUrl() {
  if (urlTimer) clearTimeout(urlTimer);
  urlTimer = setTimeout(writeUrlNow, 250);
}

/** Open a link: every valid setting is used, and what was ignored or clamped is said. */
async function openLink(hash) {
  const s = await client.request('open', { hash });
  if (s.linkNotices.length) {
    notify(['Some settings in this link were changed or ignored:', ...s.linkNotices], { kind: 'warn', sticky: true });
  }
  Object.assign(app.ui, s.ui);
  client.post('speed', { n: app.ui.speed });
  adopt(s);
  return s;
}

window.addEventListener('hashchange', () => {
  if (app.dead || !controls) return;
  openLink(window.location.hash).catch((e) => notify(`The link could not be opened: ${errText(e)}`, { kind: 'error' }));
});

// ---------------------------------------------------------------- thumbnails

const thumbs = new Map(); // canvas -> the thumbnail drawn on it: { points, view, mode }

function drawThumb(canvas) {
  const t = thumbs.get(canvas);
  if (t) drawThumbnail(canvas, t.points, t.view, t.mode);
}

// A card hidden when its thumbnail came (the other problem's data sets) has a canvas of no
// size: drawn again when it is shown, as on any change of size.
const thumbResize = new ResizeObserver((entries) => {
  for (const e of entries) if (e.contentRect.width > 0) drawThumb(e.target);
});

async function drawDatasetThumbnails() {
  const list = (await ask('thumbnails')) || [];
  for (const t of list) {
    const canvas = document.querySelector(`#ds-${t.name} + canvas`);
    if (!canvas) continue;
    // Regression sets' points are coloured by their value (the others show two classes).
    const mode = REGRESSION_SETS.includes(t.name) ? { kind: 'regression', range: targetRange(t.points) } : { kind: 'binary' };
    thumbs.set(canvas, { points: t.points, view: t.view, mode });
    drawThumb(canvas);
    thumbResize.observe(canvas);
  }
}

function updateCustomThumb() {
  const canvas = document.querySelector('#ds-custom + canvas');
  if (!canvas || !app.config || app.config.dataset !== 'custom') return;
  thumbs.set(canvas, { points: app.points, view: app.view, mode: currentMode(app) });
  drawThumb(canvas);
  thumbResize.observe(canvas);
}

// ---------------------------------------------------------------- start

const plotInput = createPlotInput(app, plot, {
  addPoint,
  graph: () => graph,
  notify,
  label: (shift) => (controls ? controls.task.label(shift) : null),
  chooseByKey: (n) => (controls ? controls.task.chooseByKey(n) : null),
});


async function startGraphView() {
  try {
    const examples = await client.request('graph_examples');
    graph = createGraphView({
      examples,
      request: (type, args) => client.request(type, args),
      getPoints: () => app.points,
      describeLabel: (label) => labelText(label, currentMode(app)),
      inputNames: () => inputNames(),
      getStep: () => (app.stats ? app.stats.step : 0),
      generation: () => app.generation,
      notify,
      errText,
      reducedMotion,
      onHighlight: () => {
        app.dirty.points = true;
      },
      showUnit: (u) => {
        plot.showUnit(u);
        const caption = $('unit-caption');
        caption.hidden = !u;
        caption.textContent = u ? `On the plot now: ${u.name}, its output over the plane (blue positive, orange negative)` : '';
      },
      onPicking: (on) => {
        plotInput.setPicking(on);
        if (on) notify('Click a point on the plot to draw the neuron on it (Esc cancels).', { kind: 'info' });
      },
    });
  } catch (e) {
    // The graph view is an addition: the playground trains without it.
    if (!app.dead) notify(`The graph view could not start: ${errText(e)}`, { kind: 'error', sticky: true });
  }
}

/** The network's inputs as the Model panel names them (x1, x2, x1², sin(x1)...). */
function inputNames() {
  const labels = new Map(settings.get('features').kind.choices.map((c) => [c.value, c.label]));
  return app.config ? app.config.features.map((f) => labels.get(f) || f) : [];
}

async function main() {
  const { table, maxFileBytes, maxCsvBytes } = await client.request('settings');
  settings = indexSettings(table);
  learnDatasets(settings.get('dataset'));
  app.ui = { speed: settings.get('speed').default, discretize: settings.get('discretize').default };
  controls = createControls(app, settings, {
    live,
    rebuild,
    setSpeed,
    setPlaying,
    reset,
    step,
    scheduleUrl,
    notify,
    markBoundary: () => {
      app.dirty.boundary = true;
    },
  });
  files = createFiles({
    request: (type, args) => client.request(type, args),
    adopt,
    notify,
    ready: () => !app.dead && app.generation > 0,
    maxFileBytes,
  });
  const csv = createCsvData({
    request: (type, args) => client.request(type, args),
    adopt,
    notify,
    ready: () => !app.dead && app.generation > 0,
    maxCsvBytes,
    importModelFile: files.importModelFile,
  });
  runs = createRuns({
    restore: (hash) => {
      if (window.location.hash === hash) {
        openLink(hash).catch((e) => notify(`The run could not be restored: ${errText(e)}`, { kind: 'error' }));
      } else {
        window.location.hash = hash;
      }
    },
    onOverlay: () => {
      app.dirty.chart = true;
    },
    notify,
  });
  const s = await openLink(window.location.hash);
  if (s.fromLink) writeUrlNow(); // the settings actually used

  controls.enable();
  files.enable();
  csv.enable();
  el.loading.hidden = true;
  setPlaying(true);

  const resizeAll = () => {
    plot.resize();
    chart.resize();
    markDirty(app);
  };
  resizeAll();
  new ResizeObserver(resizeAll).observe($('plot'));
  new ResizeObserver(() => {
    chart.resize();
    app.dirty.chart = true;
  }).observe($('chart'));
  reducedMotion.addEventListener('change', () => markDirty(app));

  loop.start();
  await startGraphView();
  zeroLines = createZeroLines({
    canvas: $('zero-lines'),
    checkbox: $('zero-lines-on'),
    plot,
    request: (type, args) => client.request(type, args),
    // The step, and the boundary draws: a weight edit or a live setting moves the lines too.
    getStep: () => `${app.stats ? app.stats.step : 0}:${app.counters.boundaryDraws}`,
    features: () => (app.config ? app.config.features.length : 2),
    hidden: () => (app.config ? app.config.hidden : []),
    chosen: () => {
      const s = graph ? graph.state : null;
      return s && s.inspector && s.inspector.open ? { layer: s.inspector.layer, index: s.inspector.index } : null;
    },
    reducedMotion,
  });
  hiddenSpace = createHiddenSpace({
    request: (type, args) => client.request(type, args),
    getPoints: () => app.points,
    mode: () => currentMode(app),
    getVersion: () => `${app.generation}:${app.stats ? app.stats.step : 0}:${app.counters.boundaryDraws}`,
    hidden: () => (app.config ? app.config.hidden : []),
    reducedMotion,
  });
  // Thumbnails after the first frames, so the training view shows first.
  setTimeout(drawDatasetThumbnails, 50);
}

main().catch((e) => {
  el.loading.textContent = 'The network could not start.';
  showFatal(`could not start: ${errText(e)}`);
});

// Keyboard users get each control's help text (its title) in a line at the bottom of the
// window while it has focus: a title alone shows only on mouse hover.
const focusHelp = $('focus-help');
document.addEventListener('focusin', (ev) => {
  const t = ev.target instanceof Element ? ev.target.closest('[title]') : null;
  if (t && t.matches(':focus-visible') && t.title) {
    focusHelp.textContent = t.title;
    focusHelp.hidden = false;
    // The line is fixed at the bottom: a focused control must never sit under it.
    const under = ev.target.getBoundingClientRect().bottom + 8 - focusHelp.getBoundingClientRect().top;
    if (under > 0) window.scrollBy({ top: under, behavior: 'instant' });
  } else {
    focusHelp.hidden = true;
  }
});
document.addEventListener('focusout', () => {
  focusHelp.hidden = true;
});

// Exposed for debugging from the console and for the end-to-end tests.
globalThis.playground = {
  get stats() {
    return app.stats;
  },
  /** The plotted extent { xmin, xmax, ymin, ymax }. */
  get view() {
    return { ...app.view };
  },
  get ui() {
    return { ...app.ui };
  },
  /** The points as the page draws them: [x, y, label, is_test] per point, flat. */
  get points() {
    return Array.from(app.points);
  },
  /** The run's settings as the page mirrors them. */
  get config() {
    return app.config ? JSON.parse(JSON.stringify(app.config)) : null;
  },
  get playing() {
    return app.playing;
  },
  get counters() {
    return { ...app.counters };
  },
  /** The latest boundary grid the page drew from: { res, values } (row 0 at the top). */
  get grid() {
    return app.grid ? { res: app.grid.res, values: Array.from(app.grid.values) } : null;
  },
  get graph() {
    return graph ? graph.state : null;
  },
  /** The hidden layer's view: { draws, points, lines }. */
  get hiddenSpace() {
    return hiddenSpace ? hiddenSpace.state : null;
  },
  /** The kept runs, and how many overlaid curves the chart drew last. */
  get runs() {
    return runs ? { ...runs.state, drawn: chart.overlaysDrawn || 0 } : null;
  },
  /** The zero lines: { on, lines, segments, draws }. */
  get zeroLines() {
    return zeroLines ? zeroLines.state : null;
  },
  /** The settings table as the page received it. */
  get settings() {
    return settings ? [...settings.values()] : null;
  },
  /** Ask the worker anything it answers (tests and the console): request('network'). */
  request: (type, args) => client.request(type, args),
  /** The worker's wasm linear memory in bytes (the soak test watches it). */
  memoryBytes: () => client.request('memory'),
};
