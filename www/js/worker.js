// The Web Worker that owns the Playground. Training, the boundary grid, the stats and every
// query run here, on the second core, so the page's main thread only handles input and draws:
// however heavy the settings, a click or a key is answered at once.
//
// Messages in: `{ id, type, ...args }` (see `handlers`; the panels' queries are in
// workerqueries.js). Out: `{ kind: 'reply', id, ok, value | error }` for each request,
// `{ kind: 'snapshot', ... }` for each `frame` request (the page asks once per animation frame,
// and again only after the previous one arrived), and `{ kind: 'panic', message }` if the Rust
// code panics.

import * as bindings from '../micrograd-playground.js';
import init, { Playground, fresh_seed, max_csv_bytes, max_json_bytes, parse_hash, settings_table } from '../micrograd-playground.js';
import { createQueries } from './workerqueries.js';

/** Training time per snapshot (ms): with the stats and the grid, a snapshot every frame. */
const STEP_BUDGET_MS = 12;
/** The boundary grid's time per snapshot (ms): its resolution adapts to stay near it. */
const GRID_BUDGET_MS = 20;
const MAX_RESOLUTION = 150;
const MIN_RESOLUTION = 32;

let pg = null; // the live Playground
let memory = null; // the wasm linear memory
let generation = 0; // bumped on every new Playground, so the page can drop stale snapshots
let playing = true;
let speed = 10; // steps asked per snapshot
let resolution = MAX_RESOLUTION;
let stepMs = 0; // recent time per training step, ms (0: not measured yet)
let pointsSent = -1; // the generation/version of the points the page has
let pointsVersion = 0;
let gridStale = true; // the model changed since the last boundary grid
let stats = null; // the last stats computed; null when the model or data changed since
const rate = { t: 0, steps: 0, value: null }; // steps per second a person sees
let frameBusy = false;
let beforeCustom = null; // the run before the first added point made the data custom (JSON)

// The Rust panic hook calls this (see src/web.rs): the page shows a banner.
globalThis.micrograd_panic = (message) => postMessage({ kind: 'panic', message: String(message) });

function errText(e) {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : String(e);
}

/** Wait for the event loop to deliver any message that came in meanwhile (no 4 ms clamp). */
const channel = new MessageChannel();
const resumers = [];
channel.port1.onmessage = () => resumers.shift()();
function yieldToMessages() {
  return new Promise((resolve) => {
    resumers.push(resolve);
    channel.port2.postMessage(0);
  });
}

// ---------------------------------------------------------------- the Playground's state

/** What the page mirrors after any change: config, view, points, stats and pending notices. */
function state() {
  pointsSent = pointsVersion;
  return {
    generation,
    config: pg.config(),
    view: pg.view(),
    points: pg.points(),
    stats: statsNow(),
    notices: pg.notices(),
  };
}

/** Loss and accuracy now (computed again only when something changed: they cost a pass). */
function statsNow() {
  if (!stats) stats = pg.stats();
  return { ...stats, steps_per_second: playing ? rate.value : null };
}

/** The model or the data changed: the stats and the grid must be computed again. */
function changed() {
  stats = null;
  gridStale = true;
}

function adopt(next) {
  beforeCustom = null;
  if (pg) pg.free();
  pg = next;
  generation += 1;
  pointsVersion += 1;
  changed();
  rate.t = 0;
  rate.value = null;
  stepMs = 0;
}

/**
 * A Playground from the current config with `changes` applied (`seed: 'fresh'` draws one from
 * the browser's crypto); throws if refused.
 */
function rebuild(changes) {
  const config = { ...pg.config(), ...changes };
  if (config.seed === 'fresh') config.seed = fresh_seed();
  if (config.dataset !== 'custom') {
    delete config.points;
    delete config.view;
  }
  adopt(new Playground(config));
}

function measureRate(now, done) {
  if (!playing || !rate.t) {
    rate.t = now;
    rate.steps = 0;
    return;
  }
  rate.steps += done;
  const dt = now - rate.t;
  if (dt >= 500) {
    const r = (rate.steps * 1000) / dt;
    rate.value = rate.value === null ? r : 0.7 * rate.value + 0.3 * r;
    rate.t = now;
    rate.steps = 0;
  }
}

// ---------------------------------------------------------------- one snapshot

/**
 * Train for up to `speed` steps within the budget, then compute the stats and (when asked and
 * the model moved) the boundary grid, yielding between the phases so that a Pause or a slider
 * that arrives meanwhile acts before the next phase.
 */
async function frame({ wantGrid }) {
  frameBusy = true;
  try {
    let done = 0;
    let trainMs = 0;
    if (playing && pg) {
      const t0 = performance.now();
      while (playing && done < speed) {
        // Steps in chunks sized from the measured step time; at least one per snapshot.
        const left = STEP_BUDGET_MS - (performance.now() - t0);
        if (done > 0 && left <= 0) break;
        const fit = stepMs > 0 ? Math.floor(left / stepMs) : 1;
        const n = Math.max(1, Math.min(speed - done, fit));
        const t = performance.now();
        const k = pg.train(n);
        const dt = performance.now() - t;
        done += k;
        changed();
        if (k > 0) stepMs = stepMs > 0 ? 0.5 * stepMs + (0.5 * dt) / k : dt / k;
        if (k < n) break; // diverged, or a stop condition was reached
      }
      trainMs = performance.now() - t0;
    }
    // A Pause, a slider or a click that came meanwhile acts before the next phase, and the
    // grid and the stats below show its effect.
    await yieldToMessages();
    if (!pg) return;
    measureRate(performance.now(), done);
    let grid = null;
    let gridRes = 0;
    if (wantGrid && gridStale) {
      const t = performance.now();
      gridRes = resolution;
      const ptr = pg.boundary(gridRes);
      // A copy, transferred to the page: the wasm memory is this thread's own.
      grid = new Float32Array(memory.buffer, ptr, gridRes * gridRes).slice();
      const ms = performance.now() - t;
      gridStale = false;
      // Next time, a resolution whose grid takes about the budget (cells cost alike).
      const target = Math.floor(gridRes * Math.sqrt(GRID_BUDGET_MS / Math.max(ms, 0.1)));
      resolution = Math.max(MIN_RESOLUTION, Math.min(MAX_RESOLUTION, target));
      await yieldToMessages();
      if (gridStale) grid = null; // the model changed meanwhile: the next snapshot has its grid
    }
    // A stop condition reached: training pauses, and the page says why.
    const stop = pg.take_stop() || null;
    if (stop) playing = false;
    const current = statsNow();
    if (current.diverged) playing = false;
    const snapshot = {
      kind: 'snapshot',
      generation,
      playing,
      stats: current,
      done,
      asked: speed,
      trainMs,
      capped: playing && done < speed && !current.diverged,
      grid,
      resolution: gridRes,
      notices: pg.notices(),
      stop,
    };
    if (pointsSent !== pointsVersion) {
      Object.assign(snapshot, { points: pg.points(), view: pg.view(), config: pg.config() });
      pointsSent = pointsVersion;
    }
    postMessage(snapshot, grid ? [grid.buffer] : []);
  } finally {
    frameBusy = false;
  }
}

// ---------------------------------------------------------------- requests

const handlers = {
  ...createQueries({ pg: () => pg, memory: () => memory, changed }),
  /** The settings table (src/settings.rs) and the limits the page checks before asking. */
  settings() {
    return { table: settings_table(), maxFileBytes: max_json_bytes(), maxCsvBytes: max_csv_bytes() };
  },
  /**
   * A run on the points of a CSV file (`{ text }`): custom data with the file's problem,
   * classes and split, a view that fits them and normalised inputs; the current run stays
   * as it was if the file is refused (the error names the line and column). Returns the new
   * state, with the reader's notes in `importNotes`.
   */
  import_csv({ text }) {
    if (text.length > max_csv_bytes()) throw new Error(`CSV: the file is over the limit of ${max_csv_bytes()} bytes`);
    const { config, notes } = pg.import_csv(text);
    adopt(new Playground(config));
    return { ...state(), importNotes: notes };
  },
  /**
   * A Playground from a link (`{ hash }`: the page's first one, or one typed into the address
   * bar): every valid setting and point is kept, and each key ignored or clamped is named in
   * `linkNotices`.
   */
  open({ hash }) {
    const parsed = parse_hash(hash);
    adopt(new Playground(parsed.config));
    speed = parsed.speed;
    return {
      ...state(),
      ui: { speed: parsed.speed, discretize: parsed.discretize },
      linkNotices: parsed.notices,
      fromLink: hash.replace(/^#/, '').trim() !== '',
    };
  },
  rebuild({ changes }) {
    rebuild(changes);
    return state();
  },
  import({ json }) {
    // Refused before it is copied into wasm memory, which would keep the size it grew to.
    if (json.length > max_json_bytes()) throw new Error(`the file is over the limit of ${max_json_bytes()} bytes`);
    adopt(Playground.from_json(json));
    return state();
  },
  set({ name, value }) {
    pg.set(name, value);
    changed();
    return { config: pg.config(), stats: statsNow(), notices: pg.notices() };
  },
  add_point({ x, y, label }) {
    // The first point turns a generated set into the user's own: keep the run as it was, so
    // the page can offer to undo the switch.
    const before = pg.config().dataset !== 'custom' ? pg.to_json() : null;
    const added = pg.add_point(x, y, label);
    if (added && before) beforeCustom = before;
    if (added) {
      pointsVersion += 1;
      changed();
    }
    return { added, ...state() };
  },
  play({ on }) {
    playing = !!on;
    rate.t = 0;
    return playing;
  },
  speed({ n }) {
    speed = Math.max(1, Math.floor(n));
    return speed;
  },
  /** Back to the generated data set (and the run) from before the first added point. */
  undo_custom() {
    if (!beforeCustom) throw new Error('there is nothing to undo');
    const saved = beforeCustom;
    adopt(Playground.from_json(saved));
    return state();
  },
  /** One training step, paused: the counter moves by exactly one. */
  step() {
    playing = false;
    pg.train(1);
    changed();
    return { stats: statsNow(), notices: pg.notices() };
  },
  /** `n` training steps now (at most 1,000), whatever the play state: the console's and the soak test's. */
  train({ n }) {
    pg.train(Math.max(0, Math.min(1000, Math.floor(n))));
    changed();
    const s = statsNow();
    return { step: s.step, diverged: s.diverged };
  },
  hash({ ui }) {
    return pg.hash(ui.speed, ui.discretize);
  },
  /** Why the link leaves the points out (more than it holds), or null. */
  link_note() {
    return pg.link_note() ?? null;
  },
  export() {
    return { json: pg.to_json(), dataset: pg.config().dataset, step: statsNow().step };
  },
  memory() {
    return memory.buffer.byteLength;
  },
  /**
   * For the end-to-end test of the panic banner: panics in Rust with this message. Only the
   * build with the `testing` feature (dist-testing/) has it.
   */
  debug_panic({ message }) {
    if (typeof bindings.debug_panic !== 'function') throw new Error('this build has no test hooks');
    bindings.debug_panic(String(message));
  },
};

function handle(msg) {
  if (msg.type === 'frame') {
    if (!frameBusy) frame(msg);
    return;
  }
  const handler = handlers[msg.type];
  try {
    if (!handler) throw new Error(`unknown request ${msg.type}`);
    if (!pg && !['open', 'settings', 'thumbnails', 'graph_examples', 'graph_example'].includes(msg.type)) {
      throw new Error('the playground is not ready');
    }
    const value = handler(msg);
    if (msg.id !== undefined) {
      const transfer = value && value.points instanceof Float32Array ? [value.points.buffer] : [];
      postMessage({ kind: 'reply', id: msg.id, ok: true, value }, transfer);
    }
  } catch (e) {
    if (msg.id !== undefined) postMessage({ kind: 'reply', id: msg.id, ok: false, error: errText(e) });
  }
}

// Messages that arrive while the wasm module loads wait for it, in order.
const early = [];
self.onmessage = (ev) => early.push(ev.data);
init()
  .then((exports) => {
    memory = exports.memory;
    self.onmessage = (ev) => handle(ev.data);
    for (const msg of early.splice(0)) handle(msg);
  })
  .catch((e) => postMessage({ kind: 'panic', message: `could not start: ${errText(e)}` }));
