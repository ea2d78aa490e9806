// The graph view panel: micrograd's drawing of a computational graph, for the guided
// examples and for one neuron of the live network, with forward and backward stepping,
// gradient checking and DOT export. main.js creates it once the worker is up and tells it when
// the model or the points change; Rust (in the worker) computes every number shown, and every
// request is answered asynchronously, so an answer that arrives after a newer question is
// dropped.

import { $, download } from './dom.js';
import { Stepper, fmt4 } from './graph.js';
import { GraphRenderer } from './graphdraw.js';
import { buildInputs } from './graphinputs.js';
import { createGradCheck } from './gradcheck.js';
import { createInspector } from './inspector.js';
import { NetworkDiagram, neuronName } from './netdiagram.js';

/** How the guided examples are offered (Rust's names as the fallback). */
const EXAMPLE_TEXT = {
  product: 'product: c = a·b',
  sum_of_products: 'sum of products: L = (a·b + c)·f',
  neuron: 'neuron: o = tanh(x1·w1 + x2·w2 + b)',
  readme: "micrograd's README expression",
};
const DEFAULT_SOURCE = 'ex:neuron';
const LIVE_MS = 500; // at most 2 live redraws a second
const LIVE_MS_REDUCED = 1000; // once a second with prefers-reduced-motion
const HEAT_RES = 24; // the diagram's heatmaps: 24 x 24 cells per unit
const HEAT_MS = 350; // at most about 3 a second
const HEAT_MS_REDUCED = 1000;

/**
 * hooks: examples (the guided examples' names and inputs), request(type, args) (asks the
 * worker), getPoints() (flat [x, y, label, is_test] * n), getStep() (the training step
 * count), generation() (which Playground is live), describeLabel(label) (a point's class or
 * target in words), inputNames() (the network's inputs: x1, x2, x1²...), notify(text, opts),
 * errText(e), reducedMotion (a MediaQueryList), onHighlight() (the chosen point changed),
 * onPicking(on) (the plot should pick instead of add).
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
    live: $('graph-live'),
    network: $('graph-network'),
    diagram: $('net-diagram'),
    netHeat: $('net-heat'),
    neuron: $('graph-neuron'),
    point: $('graph-point'),
    pick: $('graph-pick'),
    pointInfo: $('graph-point-info'),
    liveNote: $('graph-live-note'),
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
    exprForm: $('graph-expr-form'),
    expr: $('graph-expr'),
    exprError: $('graph-expr-error'),
    exprOption: $('graph-expr-option'),
  };

  const examples = hooks.examples;
  const inputValues = new Map(examples.map((e) => [e.name, e.inputs.map(([, d]) => d)]));
  const renderer = new GraphRenderer(el.svg);
  const diagram = new NetworkDiagram(
    el.diagram,
    (layer, index) => {
      chooseNeuron(layer, index);
      inspector.open(layer, index);
    },
    { canvas: el.netHeat, onHover: (u) => hooks.showUnit(u) },
  );
  // The diagram's live heatmaps: every unit's grid, small and at most a few times a second.
  const heat = { last: 0, lastStep: -1, dirty: true, pending: false, visible: false };
  const live = { layer: 0, index: 0, point: 0, last: 0, lastStep: -1, dirty: true, layers: 0, sizes: '' };
  const inspector = createInspector({
    request: hooks.request,
    point: () => live.point,
    layers: () => live.layers,
    features: () => hooks.inputNames(),
    getStep: hooks.getStep,
    reducedMotion: hooks.reducedMotion,
    errText: hooks.errText,
    showGraph: (layer, index) => {
      chooseNeuron(layer, index);
      el.title.scrollIntoView({ behavior: hooks.reducedMotion.matches ? 'auto' : 'smooth', block: 'nearest' });
    },
    onClose: () => {
      const [l, i] = diagram.selected;
      const g = diagram.neurons[l] && diagram.neurons[l][i];
      if (g) g.focus();
    },
  });
  let source = DEFAULT_SOURCE;
  let view = null;
  let stepper = null;
  let picking = false;
  let visible = true;
  // Each question's number: an answer to an older one is dropped.
  const asked = { example: 0, live: 0, network: 0, expr: 0 };
  // The typed expression drawn (source 'expr'): its text, and its inputs' values by name, so
  // that a name keeps its value when the expression is edited.
  const typed = { text: '', names: [], byName: new Map() };

  // ------------------------------------------------------------ building the controls

  for (const e of examples) {
    const option = document.createElement('option');
    option.value = `ex:${e.name}`;
    option.textContent = EXAMPLE_TEXT[e.name] || e.name;
    el.examples.append(option);
  }
  el.source.value = source;

  function buildNeuronOptions(sizes) {
    const layers = Math.max(0, sizes.length - 1);
    live.layers = layers;
    el.neuron.replaceChildren();
    for (let l = 0; l < layers; l++) {
      const group = document.createElement('optgroup');
      group.label = l === layers - 1 ? 'Output layer' : `Hidden layer ${l + 1}`;
      for (let i = 0; i < sizes[l + 1]; i++) {
        const option = document.createElement('option');
        option.value = `${l}:${i}`;
        option.textContent = neuronName(l, i, layers);
        group.append(option);
      }
      el.neuron.append(group);
    }
  }

  // ------------------------------------------------------------ computing and drawing

  async function computeExample(keep) {
    const name = source.slice(3);
    const q = ++asked.example;
    let next;
    try {
      next = await hooks.request('graph_example', { name, inputs: [...(inputValues.get(name) || [])] });
    } catch (e) {
      hooks.notify(`The graph could not be computed: ${hooks.errText(e)}`, { kind: 'error' });
      return;
    }
    if (q !== asked.example || source !== `ex:${name}`) return;
    show(next, keep);
  }

  /** The typed expression's graph with the inputs' current values. */
  async function computeExpression(keep) {
    const q = ++asked.expr;
    const text = typed.text;
    let next;
    try {
      next = await hooks.request('graph_expression', { text, inputs: [...(inputValues.get('expr') || [])] });
    } catch (e) {
      hooks.notify(`The graph could not be computed: ${hooks.errText(e)}`, { kind: 'error' });
      return;
    }
    if (q !== asked.expr || source !== 'expr' || text !== typed.text) return;
    next.inputs.forEach(([n, v]) => typed.byName.set(n, v));
    show(next.view, keep);
  }

  /**
   * Parse and draw the text in the expression field. A syntax error is shown with its column
   * (selected in the field) and changes nothing else.
   */
  async function drawTyped() {
    const text = el.expr.value.trim();
    if (!text) {
      exprError('Type an expression first, for example (a + b) * c**2.', 0);
      return;
    }
    const q = ++asked.expr;
    let first;
    try {
      first = await hooks.request('graph_expression', { text, inputs: [] });
      // Names the user already gave values keep them (inputs go by order of appearance).
      const wanted = first.inputs.map(([n, v]) => (typed.byName.has(n) ? typed.byName.get(n) : v));
      if (wanted.some((v, i) => v !== first.inputs[i][1])) {
        first = await hooks.request('graph_expression', { text, inputs: wanted });
      }
    } catch (e) {
      if (q !== asked.expr) return;
      const message = hooks.errText(e);
      const m = /column (\d+)/.exec(message);
      exprError(`Not an expression the graph can draw: ${message}`, m ? Number(m[1]) : 0);
      return;
    }
    if (q !== asked.expr) return;
    exprError('', 0);
    typed.text = text;
    typed.names = first.inputs.map(([n]) => n);
    first.inputs.forEach(([n, v]) => typed.byName.set(n, v));
    inputValues.set(
      'expr',
      first.inputs.map(([, v]) => v),
    );
    el.exprOption.hidden = false;
    el.exprOption.textContent = `typed: ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
    setSource('expr', first.view);
  }

  /** Show (or, with '', clear) the expression field's error; `column` (1-based) is selected. */
  function exprError(message, column) {
    el.exprError.textContent = message;
    el.exprError.hidden = !message;
    if (!message) {
      el.expr.removeAttribute('aria-invalid');
      return;
    }
    el.expr.setAttribute('aria-invalid', 'true');
    el.expr.focus();
    if (column > 0) {
      const at = Math.min(column - 1, el.expr.value.length);
      el.expr.setSelectionRange(at, Math.min(at + 1, el.expr.value.length));
    }
  }

  function pointCount() {
    return Math.floor(hooks.getPoints().length / 4);
  }

  async function computeLive(keep) {
    live.dirty = false;
    live.last = performance.now();
    live.lastStep = hooks.getStep();
    const q = ++asked.live;
    let next = null;
    try {
      next = await hooks.request('neuron_graph', { layer: live.layer, index: live.index, point: live.point });
    } catch (e) {
      hooks.notify(`The neuron's graph could not be computed: ${hooks.errText(e)}`, { kind: 'error' });
    }
    if (q !== asked.live || source !== 'live') return;
    if (!next) {
      view = null;
      stepper = null;
      el.svg.replaceChildren();
      el.title.textContent = pointCount() === 0 ? 'No data points: add one on the plot to see a neuron work on it.' : 'No such neuron or point.';
      el.lead.textContent = '';
      el.lines.replaceChildren();
      el.progress.textContent = '';
      return;
    }
    show(next, keep);
  }

  function show(next, keep) {
    view = next;
    if (stepper) stepper.setView(view, keep);
    else stepper = new Stepper(view);
    draw();
  }

  function liveTitle() {
    const pts = hooks.getPoints();
    const p = live.point;
    const name = neuronName(live.layer, live.index, live.layers);
    if (p * 4 + 3 >= pts.length) return `Live network: ${name}`;
    return `Live network: ${name}, on point #${p}`;
  }

  function showPointInfo() {
    const pts = hooks.getPoints();
    const p = live.point;
    if (p * 4 + 3 >= pts.length) {
      el.pointInfo.textContent = pointCount() === 0 ? 'No points: click the plot to add some.' : 'No such point.';
      return;
    }
    const what = hooks.describeLabel(pts[p * 4 + 2]);
    const kind = pts[p * 4 + 3] > 0.5 ? 'test' : 'training';
    el.pointInfo.textContent = `Point #${p}: x ${fmt4(pts[p * 4])}, y ${fmt4(pts[p * 4 + 1])}, ${what}, a ${kind} point. It is ringed on the plot.`;
  }

  function draw() {
    if (!view || !stepper) return;
    renderer.render(view, stepper.display());
    el.title.textContent =
      source === 'live'
        ? liveTitle()
        : source === 'expr'
          ? `Typed expression: ${view.title}`
          : `Guided example: ${EXAMPLE_TEXT[view.title] || view.title}`;
    const isOutput = live.layer === live.layers - 1;
    const seedNote =
      source === 'live'
        ? `d(loss)/d(${view.nodes[stepper.root].label || 'out'}) on this point, from ${isOutput ? 'the loss' : 'the layers after this one'}`
        : '';
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
    if (source === 'live') {
      let note = stepper.stepping
        ? 'Live updates are paused while you step through it: press Run all to follow training again.'
        : `Follows training: redrawn at most ${hooks.reducedMotion.matches ? 'once' : 'twice'} a second while it runs.`;
      const seed = view.backward.length ? view.backward[0].grad : view.nodes[stepper.root].grad;
      if (seed === 0) {
        note +=
          ' On this point the loss does not depend on this neuron (for example a point beyond the hinge margin, or a ReLU that is off on the way), so every grad is 0: pick a point near the decision boundary to see gradients flow.';
      }
      el.liveNote.textContent = note;
    }
  }

  // ------------------------------------------------------------ choosing what to show

  /** `firstView`: the typed expression's graph when it is already computed. */
  /** Ask for every unit's grid (one request at a time) and draw them in the diagram. */
  function fetchGrids(now) {
    heat.pending = true;
    heat.last = now;
    heat.lastStep = hooks.getStep();
    heat.dirty = false;
    hooks
      .request('unit_grids', { res: HEAT_RES, pre: false })
      .then((g) => {
        if (source === 'live') diagram.setGrids(g);
      })
      .catch(() => {})
      .finally(() => {
        heat.pending = false;
      });
  }

  function setSource(next, firstView) {
    source = next;
    el.source.value = source;
    const isLive = source === 'live';
    el.inputs.hidden = isLive;
    el.live.hidden = !isLive;
    el.network.hidden = !isLive;
    el.section.classList.toggle('is-live', isLive);
    if (!isLive) {
      setPicking(false);
      inspector.close();
      hooks.showUnit(null);
    }
    heat.dirty = true;
    stepper = null;
    if (isLive) {
      syncLive().then(() => computeLive(false));
    } else if (source === 'expr') {
      const defaults = typed.names.map((n, i) => [n, (inputValues.get('expr') || [])[i] ?? 1]);
      buildInputs(el.inputList, el.inputError, [{ name: 'expr', inputs: defaults }], inputValues, 'expr', () =>
        computeExpression(true),
      );
      if (firstView) show(firstView, false);
      else computeExpression(false);
    } else {
      buildInputs(el.inputList, el.inputError, examples, inputValues, source.slice(3), () => computeExample(true));
      computeExample(false);
    }
    hooks.onHighlight();
  }

  function chooseNeuron(layer, index) {
    live.layer = layer;
    live.index = index;
    el.neuron.value = `${layer}:${index}`;
    diagram.select(layer, index);
    stepper = null;
    computeLive(false);
  }

  function choosePoint(p) {
    const n = pointCount();
    live.point = Math.max(0, Math.min(Math.max(0, n - 1), Math.round(p)));
    el.point.value = String(live.point);
    showPointInfo();
    inspector.pointChanged();
    stepper = null;
    computeLive(false);
    hooks.onHighlight();
  }

  /** Bring the live controls and the diagram in line with the current model and points. */
  async function syncLive() {
    const q = ++asked.network;
    const net = await hooks.request('network').catch(() => null);
    if (!net || q !== asked.network) return; // a newer answer is on its way

    const key = net.sizes.join(',');
    if (key !== live.sizes) {
      live.sizes = key;
      buildNeuronOptions(net.sizes);
    }
    live.layer = Math.max(0, Math.min(live.layers - 1, live.layer));
    live.index = Math.max(0, Math.min((net.sizes[live.layer + 1] || 1) - 1, live.index));
    el.neuron.value = `${live.layer}:${live.index}`;
    diagram.setNetwork(net, hooks.inputNames());
    diagram.select(live.layer, live.index);
    const n = pointCount();
    el.point.max = String(Math.max(0, n - 1));
    live.point = Math.max(0, Math.min(Math.max(0, n - 1), live.point));
    el.point.value = String(live.point);
    showPointInfo();
  }

  /** With no points there is nothing to pick: pick mode ends, and the page says why. */
  function noPointsToPick() {
    if (picking) setPicking(false);
    el.pointInfo.textContent = 'No points to pick, so Pick point is off: click the plot to add points, then press Pick point.';
    hooks.notify('There are no points to pick: pick mode is off, and a click on the plot adds a point.', { kind: 'info' });
  }

  function setPicking(on) {
    if (on && pointCount() === 0) {
      noPointsToPick();
      return;
    }
    picking = !!on && source === 'live';
    el.pick.setAttribute('aria-pressed', picking ? 'true' : 'false');
    el.pick.textContent = picking ? 'Picking: click the plot' : 'Pick point';
    hooks.onPicking(picking);
  }

  // ------------------------------------------------------------ events

  el.source.addEventListener('change', () => setSource(el.source.value));
  el.exprForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    drawTyped();
  });
  el.expr.addEventListener('input', () => {
    if (!el.exprError.hidden) exprError('', 0);
  });
  el.neuron.addEventListener('change', () => {
    const [l, i] = el.neuron.value.split(':').map(Number);
    chooseNeuron(l, i);
  });
  el.point.addEventListener('change', () => {
    const v = Number(el.point.value);
    if (el.point.value.trim() === '' || !Number.isFinite(v)) {
      el.point.value = String(live.point);
      return;
    }
    choosePoint(v);
  });
  el.pick.addEventListener('click', () => setPicking(!picking));
  document.addEventListener('keydown', (ev) => {
    if (picking && ev.key === 'Escape') setPicking(false);
  });

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
    if (source === 'live') computeLive(true);
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
  new IntersectionObserver((entries) => {
    for (const e of entries) visible = e.isIntersecting;
  }).observe(el.section);
  new IntersectionObserver((entries) => {
    for (const e of entries) heat.visible = e.isIntersecting;
  }).observe(el.network);
  new ResizeObserver(() => diagram.drawHeat()).observe(el.diagram);

  setSource(DEFAULT_SOURCE);

  // ------------------------------------------------------------ what main.js calls

  return {
    /** Called every frame: redraws the live neuron, throttled, when training moved it. */
    tick(now) {
      inspector.tick(now);
      if (source === 'live' && heat.visible && !heat.pending) {
        const every = hooks.reducedMotion.matches ? HEAT_MS_REDUCED : HEAT_MS;
        if (now - heat.last >= every && (heat.dirty || hooks.getStep() !== heat.lastStep)) fetchGrids(now);
      }
      if (source !== 'live' || !visible) return;
      const every = hooks.reducedMotion.matches ? LIVE_MS_REDUCED : LIVE_MS;
      if (now - live.last < every) return;
      const step = hooks.getStep();
      if (!live.dirty && step === live.lastStep) return;
      live.last = now;
      syncLive();
      if (stepper && stepper.stepping) {
        // The drawing stays as the user is stepping it; only the diagram follows training.
        live.last = now;
        live.lastStep = step;
        return;
      }
      computeLive(true);
    },
    /** A new model (rebuild, reset, import): new layer sizes, new weights. */
    modelChanged() {
      heat.dirty = true;
      // Clear points (or a rebuild with no points) while picking: leave pick mode at once, so
      // that the next click adds a point, as the page then asks.
      if (picking && pointCount() === 0) noPointsToPick();
      if (source !== 'live') {
        live.dirty = true;
        return;
      }
      stepper = null;
      inspector.modelChanged();
      syncLive().then(() => {
        if (inspector.state.open) inspector.open(live.layer, live.index);
        computeLive(false);
      });
    },
    /** Points were added or replaced. */
    pointsChanged() {
      live.dirty = true;
      inspector.pointChanged();
      if (source === 'live') syncLive();
    },
    get picking() {
      return picking;
    },
    /** A pick on a plot with no points: pick mode ends, saying so. */
    noPointsToPick,
    /** The user picked point `index` on the plot. */
    pickPoint(index) {
      setPicking(false);
      choosePoint(index);
    },
    /** The point to ring on the plot, or -1. */
    highlightPoint() {
      return source === 'live' ? live.point : -1;
    },
    /** For the tests and the console. */
    get state() {
      return {
        source,
        layer: live.layer,
        index: live.index,
        point: live.point,
        mode: stepper ? stepper.mode : null,
        expression: source === 'expr' ? typed.text : null,
        inspector: inspector.state,
        heatDraws: diagram.draws,
      };
    },
  };
}
