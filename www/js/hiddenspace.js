// The hidden layer's view (#12, ConvNetJS's transformed space): two neurons of one layer as
// the axes, every point where those neurons put it, and the plot's grid lines bent the way
// the layer bends the plane. Rust computes it (hidden_space); drawn a few times a second
// while training moves it and the panel is on screen.

import { currentMode } from './app.js';
import { $ } from './dom.js';
import { drawPoint, fitCanvas, niceTicks } from './render.js';

const LINES = 11;
const EVERY_MS = 350;
const EVERY_MS_REDUCED = 1000;

/**
 * hooks: request(type, args), getPoints() (flat [x, y, label, is_test] * n), mode() (how
 * labels are drawn, classes.js labelMode), getVersion() (changes when the model moved),
 * hidden() (the hidden layers' sizes), reducedMotion.
 */
export function createHiddenSpace(hooks) {
  const el = {
    section: $('hidden-view'),
    layer: $('hs-layer'),
    a: $('hs-a'),
    b: $('hs-b'),
    canvas: $('hs-canvas'),
    note: $('hs-note'),
  };
  const state = { visible: false, last: 0, version: '', pending: false, data: null, draws: 0, sizes: '' };
  const ctx = el.canvas.getContext('2d');

  function neuronOptions(select, n, chosen) {
    select.replaceChildren();
    const l = Number(el.layer.value) + 1;
    for (let i = 0; i < n; i++) {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = `h${l}.${i + 1} (neuron ${i + 1})`;
      select.append(o);
    }
    select.value = String(Math.min(n - 1, chosen));
  }

  /** Rebuild the selects when the hidden layers changed. */
  function syncSelects() {
    const hidden = hooks.hidden();
    const key = hidden.join(',');
    if (key === state.sizes) return;
    state.sizes = key;
    const keep = Number(el.layer.value) || 0;
    el.layer.replaceChildren();
    hidden.forEach((n, l) => {
      const o = document.createElement('option');
      o.value = String(l);
      o.textContent = `hidden layer ${l + 1} (${n} neuron${n === 1 ? '' : 's'})`;
      el.layer.append(o);
    });
    const none = hidden.length === 0;
    for (const s of [el.layer, el.a, el.b]) s.disabled = none;
    if (none) {
      el.a.replaceChildren();
      el.b.replaceChildren();
      state.data = null;
      draw();
      return;
    }
    el.layer.value = String(Math.min(hidden.length - 1, keep));
    layerChanged();
  }

  function layerChanged() {
    const n = hooks.hidden()[Number(el.layer.value)] || 1;
    neuronOptions(el.a, n, 0);
    neuronOptions(el.b, n, 1);
    state.version = '';
  }

  async function fetch() {
    state.pending = true;
    state.last = performance.now();
    state.version = hooks.getVersion();
    // The axes' names as asked (a redraw before the next answer keeps them right).
    const name = (s) => (s.selectedOptions[0] ? s.selectedOptions[0].textContent.split(' ')[0] : '?');
    const asked = { an: name(el.a), bn: name(el.b), layer: Number(el.layer.value) };
    try {
      const data = await hooks.request('hidden_space', {
        layer: Number(el.layer.value),
        a: Number(el.a.value),
        b: Number(el.b.value),
        lines: LINES,
      });
      state.data = data ? { ...data, ...asked } : null;
      draw();
    } catch {
      // asked again on the next tick
    } finally {
      state.pending = false;
    }
  }

  function draw() {
    const { w, h, dpr } = fitCanvas(el.canvas);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const d = state.data;
    if (!d || !hooks.hidden().length) {
      el.note.textContent = hooks.hidden().length
        ? 'Waiting for the network…'
        : 'This network has no hidden layer: add one in the Model panel to see how it transforms the plane.';
      return;
    }
    const { an, bn } = d;
    // The extent of the points and lines, a little wider.
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    const grow = (arr) => {
      for (let k = 0; k + 1 < arr.length; k += 2) {
        const x = arr[k];
        const y = arr[k + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    };
    grow(d.points);
    for (const line of d.lines) grow(line);
    if (!Number.isFinite(x0)) return;
    const padX = Math.max(1e-6, (x1 - x0) * 0.06);
    const padY = Math.max(1e-6, (y1 - y0) * 0.06);
    x0 -= padX;
    x1 += padX;
    y0 -= padY;
    y1 += padY;
    const m = { left: 42, right: 10, top: 10, bottom: 34 };
    const r = { x: m.left, y: m.top, w: w - m.left - m.right, h: h - m.top - m.bottom };
    const X = (x) => r.x + ((x - x0) / (x1 - x0)) * r.w;
    const Y = (y) => r.y + ((y1 - y) / (y1 - y0)) * r.h;
    // Axes with ticks and the neurons' names.
    ctx.strokeStyle = '#777';
    ctx.lineWidth = 1;
    ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    ctx.fillStyle = '#333';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(x0, x1, 5)) ctx.fillText(String(Number(t.toFixed(3))), X(t), r.y + r.h + 3);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of niceTicks(y0, y1, 5)) ctx.fillText(String(Number(t.toFixed(3))), r.x - 4, Y(t));
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`${an} →`, r.x + r.w / 2, h - 1);
    ctx.save();
    ctx.translate(11, r.y + r.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(`${bn} →`, 0, 0);
    ctx.restore();
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    // The view's grid lines, bent: vertical ones (x fixed) grey-blue, horizontal grey-orange.
    d.lines.forEach((line, k) => {
      ctx.beginPath();
      let started = false;
      for (let j = 0; j + 1 < line.length; j += 2) {
        const x = line[j];
        const y = line[j + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          started = false;
          continue;
        }
        if (started) ctx.lineTo(X(x), Y(y));
        else ctx.moveTo(X(x), Y(y));
        started = true;
      }
      ctx.strokeStyle = k < d.lines.length / 2 ? 'rgba(60, 90, 130, 0.45)' : 'rgba(140, 90, 50, 0.45)';
      ctx.lineWidth = 1;
      ctx.stroke();
    });
    // The points, as on the plot: train first, test on top.
    const pts = hooks.getPoints();
    const n = Math.floor(d.points.length / 2);
    const mode = hooks.mode();
    const dense = Math.max(0.5, Math.min(1, Math.sqrt(400 / Math.max(1, n))));
    const size = Math.max(2, Math.min(5, r.w / 90) * dense);
    for (const pass of [0, 1]) {
      for (let i = 0; i < n; i++) {
        const isTest = pts[i * 4 + 3] > 0.5;
        if ((pass === 1) !== isTest) continue;
        const x = d.points[i * 2];
        const y = d.points[i * 2 + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        drawPoint(ctx, X(x), Y(y), size, d.labels[i], isTest, mode);
      }
    }
    ctx.restore();
    state.draws += 1;
    el.canvas.dataset.draws = String(state.draws);
    el.canvas.setAttribute(
      'aria-label',
      `The ${n} points as hidden layer ${d.layer + 1} sees them: ${an} across, ${bn} up, with the plot's grid lines as the layer bends them`,
    );
    el.note.textContent = `Each point where neurons ${an} (across) and ${bn} (up) put it; the lines are the plot's grid lines, bent by the layer. Where the classes come apart here, the next layer can split them with a straight line.`;
  }

  for (const s of [el.a, el.b]) s.addEventListener('change', () => (state.version = ''));
  el.layer.addEventListener('change', layerChanged);
  new IntersectionObserver((entries) => {
    for (const e of entries) state.visible = e.isIntersecting;
  }).observe(el.section);
  new ResizeObserver(() => draw()).observe(el.canvas);

  syncSelects();
  setInterval(() => {
    syncSelects();
    if (!state.visible || state.pending) return;
    if (!hooks.hidden().length) return;
    const every = hooks.reducedMotion.matches ? EVERY_MS_REDUCED : EVERY_MS;
    if (performance.now() - state.last < every) return;
    if (state.version === hooks.getVersion()) return;
    fetch();
  }, 100);

  return {
    /** A new model: the selects follow its hidden layers. */
    changed() {
      state.version = '';
      syncSelects();
    },
    get state() {
      return { draws: state.draws, points: state.data ? state.data.points.length / 2 : 0, lines: state.data ? state.data.lines.length : 0 };
    },
  };
}

/** The hidden layer's view wired to the page's state (app.js). parts: request(type, args), reducedMotion. */
export function wireHiddenSpace(app, { request, reducedMotion }) {
  return createHiddenSpace({
    request,
    getPoints: () => app.points,
    mode: () => currentMode(app),
    getVersion: () => `${app.generation}:${app.stats ? app.stats.step : 0}:${app.counters.boundaryDraws}`,
    hidden: () => (app.config ? app.config.hidden : []),
    reducedMotion,
  });
}
