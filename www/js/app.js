// The page's state in one place: what the main thread mirrors of the worker's Playground
// (config, view, points, stats) and what belongs to the page alone (play state, speed,
// what needs redrawing). Modules read and write this object; only main.js creates it.

import { labelMode } from './classes.js';
import { History } from './history.js';

export function createApp() {
  return {
    /** A Rust panic (or a failed start) stopped the page; the banner is up. */
    dead: false,
    playing: true,
    /** Page-only settings: steps per frame, discretized boundary (defaults from the table). */
    ui: { speed: 1, discretize: false },
    /** Which Playground the mirrors below belong to (snapshots of an older one are dropped). */
    generation: 0,
    /** Rebuilds asked for and not answered yet (their snapshots of the old run are dropped). */
    rebuilding: 0,
    config: null,
    view: { xmin: -1, xmax: 1, ymin: -1, ymax: 1 },
    /** [x, y, label, is_test] per point. */
    points: new Float32Array(0),
    stats: null,
    /** The latest boundary grid: { values: Float32Array, res }. */
    grid: null,
    /** Keyboard cursor on the plot, in data coordinates, or null. */
    cursor: null,
    dirty: { boundary: true, points: true, chart: true, readouts: true },
    history: new History(512),
    counters: { frames: 0, snapshots: 0, boundaryDraws: 0, chartDraws: 0 },
  };
}

export function markDirty(app) {
  app.dirty = { boundary: true, points: true, chart: true, readouts: true };
}

let modeCache = { points: null, config: null, mode: null };

/**
 * How labels are drawn now (classes.js labelMode: binary, K classes or regression with the
 * targets' range), computed again only when the points or the config were replaced.
 */
export function currentMode(app) {
  if (modeCache.points !== app.points || modeCache.config !== app.config) {
    modeCache = { points: app.points, config: app.config, mode: labelMode(app.config, app.points) };
  }
  return modeCache.mode;
}
