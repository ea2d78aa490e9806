// The graph view's drawing: micrograd's picture of a computational graph (a box per value
// with its label, data and grad; a small oval per operation between its operands and its
// result, left to right), laid out on the columns and rows Rust computes. The layout is pure
// (unit-tested in node); GraphRenderer builds SVG with createElementNS, and every text goes in
// through textContent.

import { svgEl } from './dom.js';
import { ELLIPSIS, fmt4, nodeName } from './graph.js';

// ---------------------------------------------------------------- layout

export const GEOMETRY = {
  font: 15, // px at scale 1 (the SVG is never drawn smaller than that)
  cell: 24, // height of each of the three rows of a value box
  rowGap: 22,
  colGap: 34,
  opRy: 18,
  pad: 10,
  margin: 12,
  minValueW: 104,
};

/** A text-width estimate for when no canvas is at hand (node tests). */
export function estimateWidth(text, bold = false) {
  return String(text).length * GEOMETRY.font * (bold ? 0.62 : 0.58);
}

/**
 * Positions for every node of `view` (CSS pixels at scale 1): value boxes get their column's
 * width, op ovals sit in the odd columns between. `measure(text, bold)` gives text widths.
 */
export function layoutGraph(view, measure = estimateWidth) {
  const G = GEOMETRY;
  const columns = Math.max(1, view.columns || 1);
  const widths = new Array(columns).fill(0);
  for (const n of view.nodes) {
    let w;
    if (n.kind === 'value') {
      // Room for a sign and one more digit than now, so live values do not overflow.
      const wide = (v) => `-${fmt4(Math.abs(v))}0`;
      w = Math.max(
        measure(nodeName(n), true),
        measure(`data ${wide(n.data)}`),
        measure(`grad ${wide(n.grad)}`),
      ) + 2 * G.pad;
      w = Math.max(G.minValueW, w);
    } else {
      w = Math.max(2 * G.opRy + 10, measure(n.op, true) + 24);
    }
    widths[n.col] = Math.max(widths[n.col], Math.ceil(w));
  }
  const xs = [];
  let x = G.margin;
  for (let c = 0; c < columns; c++) {
    xs.push(x);
    x += widths[c] + G.colGap;
  }
  const width = Math.ceil(x - G.colGap + G.margin);
  const valueH = 3 * G.cell;
  const pitch = valueH + G.rowGap;
  const rows = Math.max(1, view.rows || 1);
  const height = Math.ceil(rows * pitch - G.rowGap + 2 * G.margin);
  const boxes = view.nodes.map((n) => {
    const top = G.margin + n.row * pitch;
    if (n.kind === 'value') {
      return { x: xs[n.col], y: top, w: widths[n.col], h: valueH, cx: xs[n.col] + widths[n.col] / 2, cy: top + valueH / 2 };
    }
    const rx = widths[n.col] / 2;
    return { x: xs[n.col], y: top + valueH / 2 - G.opRy, w: widths[n.col], h: 2 * G.opRy, cx: xs[n.col] + rx, cy: top + valueH / 2, rx, ry: G.opRy };
  });
  // Per column, the vertical extents an edge passing through must avoid.
  const obstacles = Array.from({ length: columns }, () => []);
  boxes.forEach((b, i) => obstacles[view.nodes[i].col].push([b.y, b.y + b.h]));
  for (const list of obstacles) list.sort((a, b) => a[0] - b[0]);
  return { width, height, boxes, xs, widths, obstacles, cols: view.nodes.map((n) => n.col) };
}

/**
 * The y at which an edge crosses column `c`, as near `want` as possible without passing
 * through a box there (keeping `clear` px away from it).
 */
function freeY(layout, c, want, clear = 7) {
  const list = layout.obstacles[c] || [];
  let lo = 0;
  let best = want;
  let bestD = Infinity;
  const consider = (a, b) => {
    if (b - a <= 0) return;
    const m = Math.min(clear, (b - a) / 2);
    const y = Math.max(a + m, Math.min(b - m, want));
    if (Math.abs(y - want) < bestD) {
      bestD = Math.abs(y - want);
      best = y;
    }
  };
  for (const [top, bottom] of list) {
    consider(lo, top);
    lo = Math.max(lo, bottom);
  }
  consider(lo, layout.height);
  return best;
}

/**
 * The SVG path of the edge from node `from` to node `to`: a smooth curve between adjacent
 * columns; an edge that skips columns runs through each of them in the space between boxes
 * (never behind one, where it would seem to end there).
 */
export function edgePath(layout, from, to) {
  const a = layout.boxes[from];
  const b = layout.boxes[to];
  const x1 = a.x + a.w;
  const y1 = a.cy;
  const x2 = b.x - 1;
  const y2 = b.cy;
  const c1 = layout.cols[from];
  const c2 = layout.cols[to];
  const pts = [[x1, y1]];
  for (let c = c1 + 1; c < c2; c++) {
    const left = layout.xs[c];
    const right = left + layout.widths[c];
    const t = (left + right) / 2 - x1;
    const want = y1 + ((y2 - y1) * t) / Math.max(1, x2 - x1);
    const y = freeY(layout, c, want);
    pts.push([left, y], [right, y]);
  }
  pts.push([x2, y2]);
  const r = (v) => Math.round(v * 10) / 10;
  let d = `M${r(x1)},${r(y1)}`;
  for (let i = 1; i < pts.length; i++) {
    const [px, py] = pts[i - 1];
    const [qx, qy] = pts[i];
    if (i % 2 === 0 && pts.length > 2 && i < pts.length - 1) {
      d += ` L${r(qx)},${r(qy)}`; // straight through a column
    } else {
      const dx = Math.max(6, (qx - px) / 2);
      d += ` C${r(px + dx)},${r(py)} ${r(qx - dx)},${r(qy)} ${r(qx)},${r(qy)}`;
    }
  }
  return d;
}

// ---------------------------------------------------------------- SVG

/** Text widths from a canvas, in the font the SVG uses. */
function canvasMeasure(svg) {
  const ctx = document.createElement('canvas').getContext('2d');
  const family = getComputedStyle(svg).fontFamily || 'system-ui, sans-serif';
  const cache = new Map();
  return (text, bold = false) => {
    const key = `${bold ? 'b' : 'n'}${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      ctx.font = `${bold ? '600 ' : ''}${GEOMETRY.font}px ${family}`;
      w = ctx.measureText(String(text)).width || estimateWidth(text, bold);
      cache.set(key, w);
    }
    return w;
  };
}

/** Largest enlargement of a small graph to fill the panel (a projector wants big text). */
const MAX_SCALE = 1.35;

/** Draws a view into an <svg>, micrograd style. */
export class GraphRenderer {
  constructor(svg) {
    this.svg = svg;
    this.layout = null;
    this.measure = null;
    this.available = 0;
  }

  /** Redraw `view` as `display` (from Stepper.display()). */
  render(view, display) {
    if (!this.measure) this.measure = canvasMeasure(this.svg);
    const layout = layoutGraph(view, this.measure);
    this.layout = layout;
    const { boxes } = layout;
    const G = GEOMETRY;
    const svg = this.svg;
    const defs = svgEl('defs');
    for (const [id, cls] of [
      ['gv-arrow', 'gv-arrowhead'],
      ['gv-arrow-on', 'gv-arrowhead on'],
    ]) {
      const m = svgEl('marker', {
        id,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 9,
        markerHeight: 9,
        markerUnits: 'userSpaceOnUse',
        orient: 'auto',
      });
      m.append(svgEl('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
      defs.append(m);
    }
    const edges = svgEl('g', { class: 'gv-edges', 'aria-hidden': 'true' });
    const activeEdges = svgEl('g', { class: 'gv-edges-on', 'aria-hidden': 'true' });
    for (const e of view.edges) {
      if (!boxes[e.from] || !boxes[e.to]) continue;
      const on = display.active.has(`${e.from}>${e.to}`);
      const path = svgEl('path', {
        d: edgePath(layout, e.from, e.to),
        class: on ? 'gv-edge on' : 'gv-edge',
        'marker-end': on ? 'url(#gv-arrow-on)' : 'url(#gv-arrow)',
        'data-from': e.from,
        'data-to': e.to,
      });
      (on ? activeEdges : edges).append(path);
    }
    const nodesG = svgEl('g', { class: 'gv-nodes' });
    for (const n of view.nodes) {
      const b = boxes[n.id];
      const computed = display.computed[n.id];
      const role = display.role[n.id];
      const cls = ['gv-node', n.kind === 'value' ? 'gv-value' : 'gv-op'];
      if (!computed) cls.push('pending');
      if (role) cls.push(role);
      const g = svgEl('g', { class: cls.join(' '), 'data-id': n.id });
      if (n.kind === 'value') {
        g.setAttribute('data-label', n.label);
        g.append(svgEl('rect', { class: 'gv-box', x: b.x, y: b.y, width: b.w, height: b.h, rx: 4 }));
        for (const k of [1, 2]) {
          g.append(svgEl('line', { class: 'gv-sep', x1: b.x, x2: b.x + b.w, y1: b.y + k * G.cell, y2: b.y + k * G.cell }));
        }
        const base = (k) => b.y + k * G.cell + G.cell / 2 + G.font * 0.35;
        g.append(svgEl('text', { class: n.label ? 'gv-label' : 'gv-label gv-anon', x: b.cx, y: base(0), 'text-anchor': 'middle' }, nodeName(n)));
        g.append(svgEl('text', { class: 'gv-data', x: b.x + G.pad, y: base(1) }, `data ${computed ? fmt4(n.data) : ELLIPSIS}`));
        const grad = display.grad[n.id];
        g.append(svgEl('text', { class: 'gv-grad', x: b.x + G.pad, y: base(2) }, `grad ${grad === null ? ELLIPSIS : fmt4(grad)}`));
      } else {
        g.append(svgEl('ellipse', { class: 'gv-box', cx: b.cx, cy: b.cy, rx: b.rx - 1, ry: b.ry }));
        g.append(svgEl('text', { class: 'gv-opsym', x: b.cx, y: b.cy + G.font * 0.35, 'text-anchor': 'middle' }, n.op));
      }
      nodesG.append(g);
    }
    svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    // Active edges above the others but under the boxes (long edges pass behind them).
    svg.replaceChildren(defs, edges, activeEdges, nodesG);
    this.fit();
  }

  /** Scale to the panel: up to MAX_SCALE for a small graph, never below 1 (then it scrolls). */
  fit(available = this.available) {
    this.available = available;
    if (!this.layout) return;
    const { width, height } = this.layout;
    const scale = available > 0 ? Math.max(1, Math.min(MAX_SCALE, available / width)) : 1;
    this.scale = scale;
    this.svg.setAttribute('width', String(Math.floor(width * scale)));
    this.svg.setAttribute('height', String(Math.floor(height * scale)));
  }
}
