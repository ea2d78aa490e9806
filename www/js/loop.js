// The frame loop on the main thread. Each animation frame it asks the worker for a snapshot
// (unless one is on its way) and draws what changed since the last frame: the boundary grid,
// the points, the chart and the readouts. It never trains and never waits for the worker.

import { currentMode } from './app.js';
import { $, setText } from './dom.js';
import { DASH, fmtInt, fmtLoss, fmtPercent, fmtSci } from './format.js';
import { stopIndex } from './settings.js';

/** Training time per frame above which the speed is lowered (the worker's budget too). */
const FRAME_BUDGET_MS = 12;
/** A snapshot asked for but not come after this long is asked for again (never in practice). */
const SNAPSHOT_TIMEOUT_MS = 5000;

/**
 * hooks: client, plot, chart, controls, notices, graph() (the graph view or null),
 * setSpeed(n), speedStops() (the speed slider's stops), onDiverged(message),
 * onStopped(message) (a stop condition paused training), legend, confusion, reducedMotion.
 */
export function createLoop(app, hooks) {
  const el = {
    status: $('status-message'),
    lrNow: $('r-lr'),
    chart: $('chart'),
    trainAccLabel: $('l-train-acc'),
    testAccLabel: $('l-test-acc'),
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
  const lastDraw = { gridAsked: 0, chart: 0, readouts: 0, notices: 0 };
  const drawn = { highlight: -1 };
  let asked = 0; // when the snapshot on its way was asked for (0: none)
  let budgetFrom = 0; // no speed changes before this time (wasm tier-up at start)
  const stepTimes = []; // recent snapshots' time for the asked steps, ms

  /** A snapshot from the worker: mirror it; drawing waits for the next frame. */
  function onSnapshot(s) {
    asked = 0;
    // A stop condition paused the worker: whatever the snapshot's run, the page shows Play.
    if (s.stop) hooks.onStopped(s.stop);
    // From a Playground since replaced, or about to be.
    if (s.generation !== app.generation || app.rebuilding > 0) return;
    app.counters.snapshots += 1;
    app.stats = s.stats;
    if (s.points) {
      app.points = s.points;
      app.view = s.view;
      app.config = s.config;
      hooks.plot.view = s.view;
      app.dirty.points = true;
      app.dirty.boundary = true;
    }
    if (s.grid) {
      app.grid = { values: s.grid, res: s.resolution, fresh: true };
      app.dirty.boundary = true;
    }
    if (s.done > 0) {
      app.history.push(s.stats);
      app.dirty.chart = true;
    }
    app.dirty.readouts = true;
    hooks.notices.fromRust(s.notices);
    if (s.stats.diverged && app.playing) hooks.onDiverged(s.stats.message);
    if (app.playing && s.done > 0) frameBudget((s.trainMs / s.done) * s.asked, s.asked, performance.now());
  }

  /**
   * Lower the speed when the asked steps take longer than a frame allows: when the median of
   * the last 8 snapshots' time for them is over budget. The worker already does only what
   * fits, so this keeps the control honest about what runs. Not in the first second, while
   * the browser is still optimising the freshly loaded wasm.
   */
  function frameBudget(ms, speed, now) {
    if (now < budgetFrom || speed <= 1 || speed !== app.ui.speed) return;
    stepTimes.push(ms);
    if (stepTimes.length < 8) return;
    const median = [...stepTimes].sort((a, b) => a - b)[4];
    stepTimes.length = 0;
    if (median <= FRAME_BUDGET_MS) return;
    const target = Math.max(1, Math.floor((speed * (FRAME_BUDGET_MS * 0.75)) / median));
    const stops = hooks.speedStops();
    const next = stops[stopIndex(stops, target)];
    if (next >= speed) return;
    hooks.setSpeed(next);
    hooks.notices.notify(
      `Speed lowered from ${speed} to ${next} steps per frame: ${speed} steps take about ${Math.round(median).toLocaleString('en-US')} ms here, ` +
        `more than the ${FRAME_BUDGET_MS} ms a smooth frame allows.`,
      { kind: 'info' },
    );
  }

  function updateReadouts() {
    const s = app.stats;
    if (!s) return;
    const r = el.r;
    setText(r.step, fmtInt(s.step));
    setText(r.epoch, fmtInt(Number.isFinite(s.epoch) ? Math.floor(s.epoch) : NaN));
    setText(r.sps, app.playing ? fmtInt(s.steps_per_second) : DASH);
    const nt = Number.isFinite(s.n_train) ? s.n_train : 0;
    const nv = Number.isFinite(s.n_test) ? s.n_test : 0;
    setText(r.points, `${nt} train · ${nv} test`);
    setText(r.trainLoss, fmtLoss(s.train_loss));
    setText(r.testLoss, fmtLoss(s.test_loss));
    const mode = currentMode(app);
    const regression = mode.kind === 'regression';
    setText(el.trainAccLabel, regression ? 'Train RMSE' : 'Train accuracy');
    setText(el.testAccLabel, regression ? 'Test RMSE' : 'Test accuracy');
    setText(r.trainAcc, regression ? fmtLoss(s.train_rmse) : fmtPercent(s.train_accuracy));
    setText(r.testAcc, regression ? fmtLoss(s.test_rmse) : fmtPercent(s.test_accuracy));
    hooks.confusion.update(s, mode);
    setText(el.lrNow, fmtSci(s.learning_rate));
    setText(el.status, s.message && !s.diverged ? s.message : '');
    if (app.config) hooks.controls.showBatchIfChanged(app.config.batch_size, nt);
  }

  function frame(now) {
    if (app.dead) return;
    requestAnimationFrame(frame);
    app.counters.frames += 1;
    const slow = hooks.reducedMotion.matches;
    // With reduced motion the boundary is recomputed twice a second, the chart once.
    const due = (key, ms) => app.dirty[key] && (!slow || now - lastDraw[key] >= ms || !app.playing);
    if (!asked || now - asked > SNAPSHOT_TIMEOUT_MS) {
      asked = now;
      const wantGrid = !slow || now - lastDraw.gridAsked >= 500 || !app.playing;
      if (wantGrid) lastDraw.gridAsked = now;
      hooks.client.post('frame', { wantGrid });
    }
    if (now - lastDraw.notices > 500) {
      hooks.notices.expire(now);
      lastDraw.notices = now;
    }
    if (app.dirty.boundary && app.grid) {
      // A new grid, or the same one again (resized, discretized): only the first counts as
      // an update of the boundary.
      hooks.plot.setBoundary(app.grid.values, app.grid.res, app.ui.discretize, currentMode(app));
      if (app.grid.fresh) {
        app.counters.boundaryDraws += 1;
        app.grid.fresh = false;
      }
      app.dirty.boundary = false;
    }
    // The top layer (axes, points, ring, cursor) only when one of them changed.
    const graph = hooks.graph();
    const highlight = graph ? graph.highlightPoint() : -1;
    if (app.dirty.points || highlight !== drawn.highlight) {
      const mode = currentMode(app);
      hooks.legend.show(mode);
      hooks.plot.draw(app.points, { cursor: app.cursor, highlight, mode });
      app.dirty.points = false;
      drawn.highlight = highlight;
    }
    if (due('chart', 1000)) {
      const regression = currentMode(app).kind === 'regression';
      hooks.chart.draw(app.history, { regression, overlays: hooks.overlays ? hooks.overlays() : [] });
      const label = `Chart of train and test loss (top, log scale) and ${regression ? 'RMSE (bottom, log scale)' : 'accuracy (bottom)'} against training step`;
      if (el.chart.getAttribute('aria-label') !== label) el.chart.setAttribute('aria-label', label);
      app.counters.chartDraws += 1;
      app.dirty.chart = false;
      lastDraw.chart = now;
    }
    if (due('readouts', 250)) {
      updateReadouts();
      app.dirty.readouts = false;
      lastDraw.readouts = now;
    }
    if (graph) graph.tick(now);
  }

  return {
    onSnapshot,
    start() {
      budgetFrom = performance.now() + 1000;
      requestAnimationFrame(frame);
    },
    /** Forget measurements that belong to another speed or network. */
    resetBudget() {
      stepTimes.length = 0;
    },
  };
}
