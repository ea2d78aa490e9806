// The worker's queries for the page's panels (imported by worker.js, runs in the worker): the
// graph view's graphs, the inspector's neurons and weight edits, every unit's grid and the
// hidden layer's view, the gradient check in slices, the points as CSV and the data sets'
// thumbnails. Each asks the live Playground (or a throwaway one) and changes nothing else but
// a weight the inspector sets.

import { Playground, graph_example, graph_examples, graph_expression, settings_table } from '../micrograd-playground.js';

/** The gradient check's time per slice (ms) when the page names none. */
const CHECK_BUDGET_MS = 30;

/** A small run of each generated data set, for the data set picker's pictures. */
function thumbnails() {
  const out = [];
  const datasets = settings_table().find((e) => e.name === 'dataset').kind.choices.map((c) => c.value);
  for (const name of datasets) {
    if (name === 'custom') continue;
    let p = null;
    try {
      p = new Playground({ dataset: name, hidden: [], n_points: 120, test_fraction: 0 });
      out.push({ name, points: p.points(), view: p.view() });
    } catch {
      // A thumbnail is decoration: leave it blank.
    } finally {
      if (p) p.free();
    }
  }
  return out;
}

/**
 * The query handlers, by request type. run: pg() (the live Playground), memory() (the wasm
 * linear memory), changed() (the model moved: its stats and boundary grid are due again).
 */
export function createQueries(run) {
  let checkMsPerParam = 0; // the gradient check's measured time per parameter

  return {
    /**
     * Every unit's grid over the view ({ res, pre }): the features, then each layer's neurons,
     * `units` grids of res * res numbers (transferred).
     */
    unit_grids({ res, pre }) {
      const pg = run.pg();
      const units = pg.units();
      const ptr = pg.unit_grids(res, !!pre);
      const n = Math.max(2, Math.min(64, res));
      return { res: n, units, grids: new Float32Array(run.memory().buffer, ptr, units * n * n).slice() };
    },
    /** Neurons a and b of a layer: where they put the points and the view's grid lines. */
    hidden_space({ layer, a, b, lines }) {
      return run.pg().hidden_space(layer, a, b, lines ?? 11) ?? null;
    },
    /** A neuron for the inspector on a point (weights, grads, optimizer state, equation). */
    neuron_info({ layer, index, point }) {
      return run.pg().neuron_info(layer, index, point) ?? null;
    },
    /** Sets one weight or bias while training runs; returns the old value (for undo). */
    set_param({ index, value }) {
      const old = run.pg().set_param(index, value);
      run.changed();
      return { old };
    },
    /** The current points as CSV (x1, x2, label, split). */
    export_csv() {
      return { text: run.pg().export_csv() };
    },
    network() {
      return run.pg().network();
    },
    neuron_graph({ layer, index, point }) {
      return run.pg().neuron_graph(layer, index, point);
    },
    /**
     * Starts a gradient check on the weights and points of now; the page carries it on with
     * `check_gradients_advance` requests, one slice each, so that between slices this worker
     * answers Pause, the sliders and the frames (training goes on; the check keeps its copy).
     */
    check_gradients_begin() {
      checkMsPerParam = 0;
      return run.pg().begin_gradient_check();
    },
    /** About `budgetMs` of the check under way: the report so far, or null if none is. */
    check_gradients_advance({ budgetMs }) {
      const pg = run.pg();
      const t0 = performance.now();
      const budget = Math.max(1, Math.min(200, Number(budgetMs) || CHECK_BUDGET_MS));
      for (;;) {
        // Parameters in chunks sized from the measured time per parameter; at least one.
        const left = budget - (performance.now() - t0);
        const n = checkMsPerParam > 0 ? Math.max(1, Math.floor(left / checkMsPerParam)) : 1;
        const t = performance.now();
        const r = pg.advance_gradient_check(n);
        if (!r) return null;
        const per = (performance.now() - t) / n;
        checkMsPerParam = checkMsPerParam > 0 ? 0.5 * checkMsPerParam + 0.5 * per : per;
        if (r.done || performance.now() - t0 + checkMsPerParam > budget) return r;
      }
    },
    check_gradients_cancel() {
      run.pg().cancel_gradient_check();
      return true;
    },
    graph_examples() {
      return graph_examples();
    },
    graph_example({ name, inputs }) {
      return graph_example(name, Float64Array.from(inputs));
    },
    /** A typed expression's graph and its inputs; an error names the column. */
    graph_expression({ text, inputs }) {
      return graph_expression(text, Float64Array.from(inputs || []));
    },
    thumbnails,
  };
}
