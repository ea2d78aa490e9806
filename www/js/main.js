// micrograd playground: the page's entry point. It holds the page's state, creates the
// modules (each wires itself to that state: its create... or wire... function takes what it
// needs), owns the few actions that touch several of them, and starts the frame loop. The
// Playground itself lives in a Web Worker (worker.js): controls -> worker (Rust state) ->
// snapshot -> canvas, and the main thread only handles input and draws, so it never freezes
// whatever the settings.

import { createApp, markDirty } from './app.js';
import { learnDatasets } from './classes.js';
import { WorkerClient } from './client.js';
import { createConfusion } from './confusion.js';
import { createControls } from './controls.js';
import { createCsvData } from './csvdata.js';
import { $, errText } from './dom.js';
import { createFiles } from './files.js';
import { wireFocusHelp } from './focushelp.js';
import { startGraphView } from './graphview.js';
import { createLegend } from './legend.js';
import { createLoop } from './loop.js';
import { createNotices } from './notices.js';
import { exposePlayground } from './pageapi.js';
import { createPlotInput } from './plotinput.js';
import { Chart } from './chart.js';
import { PlotRenderer } from './render.js';
import { indexSettings } from './settings.js';
import { createThumbnails } from './thumbnails.js';
import { wireZeroLines } from './zerolines.js';
import { wireHiddenSpace } from './hiddenspace.js';
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
const request = (type, args) => client.request(type, args);

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
  thumbnails.updateCustom();
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
  thumbnails.updateCustom();
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

// ---------------------------------------------------------------- start

const thumbnails = createThumbnails(app, ask);

const plotInput = createPlotInput(app, plot, {
  addPoint,
  graph: () => graph,
  notify,
  label: (shift) => (controls ? controls.task.label(shift) : null),
  chooseByKey: (n) => (controls ? controls.task.chooseByKey(n) : null),
});

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
  // An import replaces the run: only once there is one, and while the page is alive.
  const ready = () => !app.dead && app.generation > 0;
  const files = createFiles({ request, adopt, notify, ready, maxFileBytes });
  const csv = createCsvData({ request, adopt, notify, ready, maxCsvBytes, importModelFile: files.importModelFile });
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
  graph = await startGraphView(app, { request, plot, plotInput, notify, reducedMotion, inputNames });
  zeroLines = wireZeroLines(app, { request, plot, graph, reducedMotion });
  hiddenSpace = wireHiddenSpace(app, { request, reducedMotion });
  // Thumbnails after the first frames, so the training view shows first.
  setTimeout(thumbnails.drawDatasets, 50);
}

main().catch((e) => {
  el.loading.textContent = 'The network could not start.';
  showFatal(`could not start: ${errText(e)}`);
});

wireFocusHelp($('focus-help'));

// Exposed for debugging from the console and for the end-to-end tests.
exposePlayground(app, { client, chart, later: () => ({ graph, hiddenSpace, runs, zeroLines, settings }) });
