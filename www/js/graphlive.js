// The graph view's live neuron (#12): one neuron of the network that is training, on one data
// point. It is chosen in the network diagram (whose units show live heatmaps), in the neuron
// and point fields, or by picking a point on the plot, and the diagram opens the neuron
// inspector on it. Rust (in the worker) computes the neuron's graph (neuron_graph) and
// graphview.js draws and steps it; the drawing follows training, throttled, and an answer that
// arrives after a newer question is dropped.

import { $ } from './dom.js';
import { fmt4 } from './graph.js';
import { createInspector } from './inspector.js';
import { NetworkDiagram, neuronName } from './netdiagram.js';

const LIVE_MS = 500; // at most 2 live redraws a second
const LIVE_MS_REDUCED = 1000; // once a second with prefers-reduced-motion
const HEAT_RES = 24; // the diagram's heatmaps: 24 x 24 cells per unit
const HEAT_MS = 350; // at most about 3 a second
const HEAT_MS_REDUCED = 1000;

/**
 * hooks: the graph view's (graphview.js createGraphView). panel: the graph view: section (its
 * element), source (what it shows now), show(view, keep), clear(title), startAfresh() (the
 * next graph starts unstepped), stepping (the user is stepping the drawing), revealTitle().
 */
export function createGraphLive(hooks, panel) {
  const el = {
    live: $('graph-live'),
    network: $('graph-network'),
    diagram: $('net-diagram'),
    netHeat: $('net-heat'),
    neuron: $('graph-neuron'),
    point: $('graph-point'),
    pick: $('graph-pick'),
    pointInfo: $('graph-point-info'),
    liveNote: $('graph-live-note'),
  };
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
      panel.revealTitle();
    },
    onClose: () => {
      const [l, i] = diagram.selected;
      const g = diagram.neurons[l] && diagram.neurons[l][i];
      if (g) g.focus();
    },
  });
  let picking = false;
  let visible = true; // the graph view is on screen
  // Each question's number: an answer to an older one is dropped.
  const asked = { live: 0, network: 0 };
  const isLive = () => panel.source === 'live';

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
    if (q !== asked.live || !isLive()) return;
    if (!next) {
      panel.clear(pointCount() === 0 ? 'No data points: add one on the plot to see a neuron work on it.' : 'No such neuron or point.');
      return;
    }
    panel.show(next, keep);
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

  /** Ask for every unit's grid (one request at a time) and draw them in the diagram. */
  function fetchGrids(now) {
    heat.pending = true;
    heat.last = now;
    heat.lastStep = hooks.getStep();
    heat.dirty = false;
    hooks
      .request('unit_grids', { res: HEAT_RES, pre: false })
      .then((g) => {
        if (isLive()) diagram.setGrids(g);
      })
      .catch(() => {})
      .finally(() => {
        heat.pending = false;
      });
  }

  function chooseNeuron(layer, index) {
    live.layer = layer;
    live.index = index;
    el.neuron.value = `${layer}:${index}`;
    diagram.select(layer, index);
    panel.startAfresh();
    computeLive(false);
  }

  function choosePoint(p) {
    const n = pointCount();
    live.point = Math.max(0, Math.min(Math.max(0, n - 1), Math.round(p)));
    el.point.value = String(live.point);
    showPointInfo();
    inspector.pointChanged();
    panel.startAfresh();
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
    picking = !!on && isLive();
    el.pick.setAttribute('aria-pressed', picking ? 'true' : 'false');
    el.pick.textContent = picking ? 'Picking: click the plot' : 'Pick point';
    hooks.onPicking(picking);
  }

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

  new IntersectionObserver((entries) => {
    for (const e of entries) visible = e.isIntersecting;
  }).observe(panel.section);
  new IntersectionObserver((entries) => {
    for (const e of entries) heat.visible = e.isIntersecting;
  }).observe(el.network);
  new ResizeObserver(() => diagram.drawHeat()).observe(el.diagram);

  return {
    /** The graph view switched to (on) or away from the live network. */
    select(on) {
      el.live.hidden = !on;
      el.network.hidden = !on;
      if (!on) {
        setPicking(false);
        inspector.close();
        hooks.showUnit(null);
      }
      heat.dirty = true;
      if (on) syncLive().then(() => computeLive(false));
    },
    /** Ask for the neuron's graph again (`keep`: the drawing keeps its stepping). */
    compute: computeLive,
    /** The drawing's title. */
    title() {
      const pts = hooks.getPoints();
      const p = live.point;
      const name = neuronName(live.layer, live.index, live.layers);
      if (p * 4 + 3 >= pts.length) return `Live network: ${name}`;
      return `Live network: ${name}, on point #${p}`;
    },
    /** Where the backward pass's seed gradient comes from, for the explanation. */
    seedNote(view, stepper) {
      const isOutput = live.layer === live.layers - 1;
      return `d(loss)/d(${view.nodes[stepper.root].label || 'out'}) on this point, from ${isOutput ? 'the loss' : 'the layers after this one'}`;
    },
    /** The note under the live controls, once the graph view drew the neuron's graph. */
    drawn(view, stepper) {
      let note = stepper.stepping
        ? 'Live updates are paused while you step through it: press Run all to follow training again.'
        : `Follows training: redrawn at most ${hooks.reducedMotion.matches ? 'once' : 'twice'} a second while it runs.`;
      const seed = view.backward.length ? view.backward[0].grad : view.nodes[stepper.root].grad;
      if (seed === 0) {
        note +=
          ' On this point the loss does not depend on this neuron (for example a point beyond the hinge margin, or a ReLU that is off on the way), so every grad is 0: pick a point near the decision boundary to see gradients flow.';
      }
      el.liveNote.textContent = note;
    },
    /** Called every frame: redraws the live neuron, throttled, when training moved it. */
    tick(now) {
      inspector.tick(now);
      if (isLive() && heat.visible && !heat.pending) {
        const every = hooks.reducedMotion.matches ? HEAT_MS_REDUCED : HEAT_MS;
        if (now - heat.last >= every && (heat.dirty || hooks.getStep() !== heat.lastStep)) fetchGrids(now);
      }
      if (!isLive() || !visible) return;
      const every = hooks.reducedMotion.matches ? LIVE_MS_REDUCED : LIVE_MS;
      if (now - live.last < every) return;
      const step = hooks.getStep();
      if (!live.dirty && step === live.lastStep) return;
      live.last = now;
      syncLive();
      if (panel.stepping) {
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
      if (!isLive()) {
        live.dirty = true;
        return;
      }
      panel.startAfresh();
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
      if (isLive()) syncLive();
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
      return isLive() ? live.point : -1;
    },
    /** For the tests and the console (graphview.js state). */
    get state() {
      return { layer: live.layer, index: live.index, point: live.point, inspector: inspector.state, heatDraws: diagram.draws };
    },
  };
}
