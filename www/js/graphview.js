// The graph view panel: micrograd's drawing of a computational graph, with forward and
// backward stepping, gradient checking and DOT export. It draws one of three sources: a guided
// example (here), a typed expression (graphexpr.js) or one neuron of the live network
// (graphlive.js). main.js starts it once the worker is up and tells it when the model or the
// points change; Rust (in the worker) computes every number shown, and every request is
// answered asynchronously, so an answer that arrives after a newer question is dropped.

import { currentMode } from './app.js';
import { labelText } from './classes.js';
import { $, download, errText } from './dom.js';
import { Stepper } from './graph.js';
import { GraphRenderer } from './graphdraw.js';
import { createGraphExpr } from './graphexpr.js';
import { buildInputs } from './graphinputs.js';
import { createGraphLive } from './graphlive.js';
import { createGradCheck } from './gradcheck.js';

/** How the guided examples are offered (Rust's names as the fallback). */
const EXAMPLE_TEXT = {
  product: 'product: c = a·b',
  sum_of_products: 'sum of products: L = (a·b + c)·f',
  neuron: 'neuron: o = tanh(x1·w1 + x2·w2 + b)',
  readme: "micrograd's README expression",
};
const DEFAULT_SOURCE = 'ex:neuron';

/**
 * The graph view wired to the page's state (app.js): it asks the worker for the guided
 * examples, then creates the panel. Resolves with the panel, or with null after saying why:
 * the graph view is an addition, and the playground trains without it.
 * parts: request(type, args), plot (render.js), plotInput, notify, reducedMotion,
 * inputNames() (the network's inputs as the Model panel names them).
 */
export async function startGraphView(app, { request, plot, plotInput, notify, reducedMotion, inputNames }) {
  try {
    const examples = await request('graph_examples');
    return createGraphView({
      examples,
      request,
      getPoints: () => app.points,
      describeLabel: (label) => labelText(label, currentMode(app)),
      inputNames,
      getStep: () => (app.stats ? app.stats.step : 0),
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
    if (!app.dead) notify(`The graph view could not start: ${errText(e)}`, { kind: 'error', sticky: true });
    return null;
  }
}

/**
 * hooks: examples (the guided examples' names and inputs), request(type, args) (asks the
 * worker), getPoints() (flat [x, y, label, is_test] * n), getStep() (the training step
 * count), describeLabel(label) (a point's class or target in words), inputNames() (the
 * network's inputs: x1, x2, x1²...), notify(text, opts), errText(e), reducedMotion (a
 * MediaQueryList), onHighlight() (the chosen point changed), showUnit(u) (the plot shows a
 * unit's output, or with null the boundary again), onPicking(on) (the plot should pick
 * instead of add).
 */
export function createGraphView(hooks) {
  const el = {
    section: $('graph-view'),
    heading: $('h-graph'),
    source: $('graph-source'),
    examples: $('graph-examples'),
    inputs: $('graph-inputs'),
    inputList: $('graph-input-list'),
    inputError: $('graph-input-error'),
    forward: $('graph-forward'),
    backward: $('graph-backward'),
    run: $('graph-run'),
    reset: $('graph-reset'),
    progress: $('graph-progress'),
    dot: $('graph-dot'),
    check: $('check-gradients'),
    checkCancel: $('check-cancel'),
    checkBar: $('gradcheck-progress'),
    checkResult: $('gradcheck-result'),
    lead: $('graph-explain-lead'),
    lines: $('graph-explain-lines'),
    title: $('graph-title'),
    scroll: $('graph-scroll'),
    svg: $('graph-svg'),
    goto: document.getElementById('goto-graph'),
  };

  const examples = hooks.examples;
  const inputValues = new Map(examples.map((e) => [e.name, e.inputs.map(([, d]) => d)]));
  const renderer = new GraphRenderer(el.svg);
  let source = DEFAULT_SOURCE;
  let view = null;
  let stepper = null;
  let askedExample = 0; // each question's number: an answer to an older one is dropped

  // What the typed expression and the live neuron (their own modules) use of the panel.
  const panel = {
    section: el.section,
    inputList: el.inputList,
    inputError: el.inputError,
    get source() {
      return source;
    },
    show,
    clear,
    choose: setSource,
    /** The next graph shown starts unstepped (a new Stepper); until it comes, the buttons wait. */
    startAfresh() {
      stepper = null;
    },
    /** The user is stepping the drawing (it should not follow training meanwhile). */
    get stepping() {
      return !!stepper && stepper.stepping;
    },
    revealTitle() {
      el.title.scrollIntoView({ behavior: hooks.reducedMotion.matches ? 'auto' : 'smooth', block: 'nearest' });
    },
  };
  const typed = createGraphExpr(hooks, panel);
  const live = createGraphLive(hooks, panel);

  for (const e of examples) {
    const option = document.createElement('option');
    option.value = `ex:${e.name}`;
    option.textContent = EXAMPLE_TEXT[e.name] || e.name;
    el.examples.append(option);
  }
  el.source.value = source;

  // ------------------------------------------------------------ computing and drawing

  async function computeExample(keep) {
    const name = source.slice(3);
    const q = ++askedExample;
    let next;
    try {
      next = await hooks.request('graph_example', { name, inputs: [...(inputValues.get(name) || [])] });
    } catch (e) {
      hooks.notify(`The graph could not be computed: ${hooks.errText(e)}`, { kind: 'error' });
      return;
    }
    if (q !== askedExample || source !== `ex:${name}`) return;
    show(next, keep);
  }

  /** Draw `next` (a graph view from Rust); `keep`: the stepping so far is kept if it fits. */
  function show(next, keep) {
    view = next;
    if (stepper) stepper.setView(view, keep);
    else stepper = new Stepper(view);
    draw();
  }

  /** No graph to draw: `title` says why. */
  function clear(title) {
    view = null;
    stepper = null;
    el.svg.replaceChildren();
    el.title.textContent = title;
    el.lead.textContent = '';
    el.lines.replaceChildren();
    el.progress.textContent = '';
  }

  function draw() {
    if (!view || !stepper) return;
    renderer.render(view, stepper.display());
    el.title.textContent =
      source === 'live'
        ? live.title()
        : source === 'expr'
          ? `Typed expression: ${view.title}`
          : `Guided example: ${EXAMPLE_TEXT[view.title] || view.title}`;
    const seedNote = source === 'live' ? live.seedNote(view, stepper) : '';
    const { lead, lines } = stepper.explain({ seedNote });
    el.lead.textContent = lead;
    el.lines.replaceChildren(
      ...lines.map((t) => {
        const li = document.createElement('li');
        li.textContent = t;
        return li;
      }),
    );
    el.progress.textContent = stepper.mode === 'all' ? 'all computed' : stepper.progress();
    if (source === 'live') live.drawn(view, stepper);
  }

  // ------------------------------------------------------------ choosing what to show

  /** Show source `next` ('ex:<name>', 'expr' or 'live'); `firstView`: its graph if computed. */
  function setSource(next, firstView) {
    source = next;
    el.source.value = source;
    const isLive = source === 'live';
    el.inputs.hidden = isLive;
    el.section.classList.toggle('is-live', isLive);
    stepper = null;
    live.select(isLive);
    if (source === 'expr') {
      typed.select(firstView);
    } else if (!isLive) {
      buildInputs(el.inputList, el.inputError, examples, inputValues, source.slice(3), () => computeExample(true));
      computeExample(false);
    }
    hooks.onHighlight();
  }

  // ------------------------------------------------------------ events

  el.source.addEventListener('change', () => setSource(el.source.value));

  el.forward.addEventListener('click', () => {
    if (!stepper) return;
    stepper.forward();
    draw();
  });
  el.backward.addEventListener('click', () => {
    if (!stepper) return;
    stepper.backward();
    draw();
  });
  el.run.addEventListener('click', () => {
    if (!stepper) return;
    stepper.runAll();
    if (source === 'live') live.compute(true);
    else draw();
  });
  el.reset.addEventListener('click', () => {
    if (!stepper) return;
    stepper.reset();
    draw();
  });

  el.dot.addEventListener('click', () => {
    if (view) download(view.dot, 'graph.dot', 'text/vnd.graphviz');
  });

  createGradCheck({
    check: el.check,
    cancel: el.checkCancel,
    bar: el.checkBar,
    result: el.checkResult,
    request: hooks.request,
    errText: hooks.errText,
  });

  if (el.goto) {
    el.goto.addEventListener('click', () => {
      el.section.scrollIntoView({ behavior: hooks.reducedMotion.matches ? 'auto' : 'smooth', block: 'start' });
      el.heading.focus({ preventScroll: true });
    });
  }

  new ResizeObserver(() => renderer.fit(el.scroll.clientWidth - 2)).observe(el.scroll);

  setSource(DEFAULT_SOURCE);

  // ------------------------------------------------------------ what main.js calls

  return {
    /** Called every frame: redraws the live neuron, throttled, when training moved it. */
    tick: live.tick,
    /** A new model (rebuild, reset, import): new layer sizes, new weights. */
    modelChanged: live.modelChanged,
    /** Points were added or replaced. */
    pointsChanged: live.pointsChanged,
    get picking() {
      return live.picking;
    },
    /** A pick on a plot with no points: pick mode ends, saying so. */
    noPointsToPick: live.noPointsToPick,
    /** The user picked point `index` on the plot. */
    pickPoint: live.pickPoint,
    /** The point to ring on the plot, or -1. */
    highlightPoint: live.highlightPoint,
    /** For the tests and the console. */
    get state() {
      const l = live.state;
      return {
        source,
        layer: l.layer,
        index: l.index,
        point: l.point,
        mode: stepper ? stepper.mode : null,
        expression: source === 'expr' ? typed.text : null,
        inspector: l.inspector,
        heatDraws: l.heatDraws,
      };
    },
  };
}
