// Zero lines (#12): where each first-layer neuron's weighted sum is 0 (the line it cuts the
// plane along), and the zero contour of the neuron the inspector shows when it is deeper,
// drawn thin and dashed over the boundary. Rust gives every unit's weighted sums on a grid
// (unit_grids with pre = true); marching squares here turns each into line segments.

import { $ } from './dom.js';

/**
 * The 0 contour of the `res` x `res` grid at `values[offset...]` (row 0 at the top, samples at
 * the cells' centres) as segments [x0, y0, x1, y1, ...] in fractions of the plot (0..1, y down).
 */
export function zeroSegments(values, offset, res) {
  const out = [];
  const at = (r, c) => values[offset + r * res + c];
  const pos = (r, c) => [(c + 0.5) / res, (r + 0.5) / res];
  // Where the edge from corner p (value a) to corner q (value b) crosses 0.
  const cross = (p, q, a, b) => {
    const t = a / (a - b);
    return [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
  };
  for (let r = 0; r + 1 < res; r++) {
    for (let c = 0; c + 1 < res; c++) {
      const corners = [
        [pos(r, c), at(r, c)],
        [pos(r, c + 1), at(r, c + 1)],
        [pos(r + 1, c + 1), at(r + 1, c + 1)],
        [pos(r + 1, c), at(r + 1, c)],
      ];
      if (corners.some(([, v]) => !Number.isFinite(v))) continue;
      const pts = [];
      for (let k = 0; k < 4; k++) {
        const [p, a] = corners[k];
        const [q, b] = corners[(k + 1) % 4];
        if (a > 0 !== b > 0) pts.push(cross(p, q, a, b));
      }
      if (pts.length === 2) {
        out.push(pts[0][0], pts[0][1], pts[1][0], pts[1][1]);
      } else if (pts.length === 4) {
        // A saddle: pair the crossings by the sign of the cell's mean.
        const mean = corners.reduce((s, [, v]) => s + v, 0) / 4;
        const first = corners[0][1] > 0 === mean > 0;
        const order = first ? [0, 1, 2, 3] : [0, 3, 2, 1];
        out.push(pts[order[0]][0], pts[order[0]][1], pts[order[1]][0], pts[order[1]][1]);
        out.push(pts[order[2]][0], pts[order[2]][1], pts[order[3]][0], pts[order[3]][1]);
      }
    }
  }
  return out;
}

const RES = 48;
const EVERY_MS = 300;
const EVERY_MS_REDUCED = 1000;

/**
 * hooks: canvas (over the heatmap), checkbox, plot (PlotRenderer: rect()), request(type,
 * args), getStep(), features() (how many input features), hidden() (hidden layer sizes),
 * chosen() (the inspector's { layer, index } or null), reducedMotion.
 */
export function createZeroLines(hooks) {
  const { canvas, checkbox } = hooks;
  const state = { on: false, last: 0, lastStep: -1, dirty: true, pending: false, lines: [], draws: 0 };

  function place() {
    const r = hooks.plot.rect();
    Object.assign(canvas.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.w * dpr));
    const h = Math.max(1, Math.round(r.h * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
  }

  function draw() {
    place();
    const ctx = canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const dpr = window.devicePixelRatio || 1;
    const W = canvas.width;
    const H = canvas.height;
    for (const line of state.lines) {
      ctx.beginPath();
      const s = line.segments;
      for (let k = 0; k < s.length; k += 4) {
        ctx.moveTo(s[k] * W, s[k + 1] * H);
        ctx.lineTo(s[k + 2] * W, s[k + 3] * H);
      }
      // A white halo under a dark dash: legible on blue, orange and white alike.
      ctx.setLineDash([]);
      ctx.lineWidth = 3 * dpr;
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.7)';
      ctx.stroke();
      ctx.setLineDash(line.deep ? [2 * dpr, 3 * dpr] : [6 * dpr, 4 * dpr]);
      ctx.lineWidth = (line.deep ? 2 : 1.25) * dpr;
      ctx.strokeStyle = line.deep ? '#5b1a8a' : '#1b1b1b';
      ctx.stroke();
    }
    ctx.setLineDash([]);
    state.draws += 1;
  }

  async function fetch(now) {
    state.pending = true;
    state.last = now;
    state.lastStep = hooks.getStep();
    state.dirty = false;
    try {
      const g = await hooks.request('unit_grids', { res: RES, pre: true });
      if (!state.on) return;
      const n = g.res * g.res;
      const nf = hooks.features();
      const hidden = hooks.hidden();
      const first = hidden.length ? hidden[0] : g.units - nf;
      const lines = [];
      for (let i = 0; i < first && nf + i < g.units; i++) {
        lines.push({ unit: nf + i, deep: false, segments: zeroSegments(g.grids, (nf + i) * n, g.res) });
      }
      const chosen = hooks.chosen();
      if (chosen && chosen.layer > 0) {
        const sizes = [...hidden, g.units - nf - hidden.reduce((a, b) => a + b, 0)];
        let u = nf;
        for (let l = 0; l < chosen.layer; l++) u += sizes[l];
        u += chosen.index;
        if (u < g.units) lines.push({ unit: u, deep: true, segments: zeroSegments(g.grids, u * n, g.res) });
      }
      state.lines = lines;
      draw();
    } catch {
      // The next tick asks again.
    } finally {
      state.pending = false;
    }
  }

  function tick() {
    if (!state.on || state.pending) return;
    const now = performance.now();
    const every = hooks.reducedMotion.matches ? EVERY_MS_REDUCED : EVERY_MS;
    if (now - state.last < every) return;
    const chosen = hooks.chosen();
    const key = chosen ? `${chosen.layer}:${chosen.index}` : '';
    if (key !== state.chosenKey) {
      state.chosenKey = key;
      state.dirty = true;
    }
    if (!state.dirty && hooks.getStep() === state.lastStep) return;
    fetch(now);
  }

  let timer = 0;
  function setOn(on) {
    state.on = on;
    canvas.hidden = !on;
    if (timer) clearInterval(timer);
    timer = 0;
    state.lines = [];
    if (on) {
      state.dirty = true;
      timer = setInterval(tick, 100);
      tick();
    }
  }

  checkbox.addEventListener('change', () => setOn(checkbox.checked));
  new ResizeObserver(() => {
    if (state.on) draw();
  }).observe(canvas.parentElement);
  setOn(checkbox.checked);

  return {
    /** A new model or new points: ask again at once. */
    changed() {
      state.dirty = true;
    },
    get state() {
      return { on: state.on, lines: state.lines.length, segments: state.lines.reduce((a, l) => a + l.segments.length / 4, 0), draws: state.draws };
    },
  };
}

/**
 * The zero lines wired to the page's state (app.js). parts: request(type, args), plot
 * (render.js), graph (the graph view, whose inspector's neuron is drawn too, or null),
 * reducedMotion.
 */
export function wireZeroLines(app, { request, plot, graph, reducedMotion }) {
  return createZeroLines({
    canvas: $('zero-lines'),
    checkbox: $('zero-lines-on'),
    plot,
    request,
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
}
