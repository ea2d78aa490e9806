// The graph view's drawing: micrograd's picture of a computational graph (a box per value
// with its label, data and grad; a small oval per operation between its operands and its
// result, left to right), placed on the columns and rows Rust computes, and the stepper that
// decides what is shown after each Forward / Backward press.
// The stepper and the text helpers are pure (no DOM: unit-tested in node); GraphRenderer
// builds SVG with createElementNS, and every text goes in through textContent.

import { DASH } from './format.js';

export const ELLIPSIS = '\u2026';
const SVG_NS = 'http://www.w3.org/2000/svg';
const MINUS = '\u2212';
const TIMES = '\u00d7';

/** A number as micrograd prints it: 4 decimals; "-0.0000" is shown as "0.0000". */
export function fmt4(v) {
  if (typeof v !== 'number' || Number.isNaN(v)) return DASH;
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  const s = v.toFixed(4);
  return s === '-0.0000' ? '0.0000' : s;
}

/** The name a node goes by in the drawing and the texts: its label, or "#id" without one. */
export function nodeName(node) {
  return node && node.label ? node.label : `#${node ? node.id : '?'}`;
}

const BINARY = new Set(['+', '-', '*', '/']);

/** A name inside a larger expression: in parentheses when it is itself an expression. */
function term(name) {
  return /[\s+*/-]/.test(name) ? `(${name})` : name;
}

/** A value inside an expression: negative numbers in parentheses after an operator. */
function num(v) {
  const s = fmt4(v);
  return s.startsWith('-') ? `(${s})` : s;
}

/**
 * The local derivative d(out)/d(operand k) as a formula in the node names, or '' when it
 * is a constant (1 or -1: then the number says it all).
 */
export function localRule(op, k, names, out) {
  const a = term(names[0] || '?');
  const b = term(names[1] || '?');
  const o = term(out);
  if (op === '+' || op === 'neg') return '';
  if (op === '-') return '';
  if (op === '*') return k === 0 ? b : a;
  if (op === '/') return k === 0 ? `1/${b}` : `${MINUS}${a}/${b}\u00b2`;
  if (op.startsWith('**')) {
    const p = Number(op.slice(2));
    return Number.isFinite(p) ? `${p}\u00b7${a}**${Number((p - 1).toPrecision(12))}` : '';
  }
  switch (op) {
    case 'tanh':
      return `1 ${MINUS} ${o}\u00b2`;
    case 'ReLU':
      return `(1 if ${o} > 0, else 0)`;
    case 'exp':
      return o;
    case 'sigmoid':
      return `${o}\u00b7(1 ${MINUS} ${o})`;
    case 'ln':
      return `1/${a}`;
    case 'abs':
      return `sign(${a})`;
    default:
      return '';
  }
}

/**
 * Which nodes are shown computed, which grads are known and what is highlighted, as the
 * user steps through a view. Counters: `fwd` forward steps done (0..F), `bwd` backward
 * presses done (0 = none, 1 = the output's grad seeded, 1 + k = k nodes passed their grad
 * back; B + 1 = all). `mode` is 'all' (everything shown, nothing highlighted: the finished
 * drawing) or 'step' (the user is stepping: the last step is highlighted and explained).
 */
export class Stepper {
  constructor(view) {
    this.setView(view, false);
  }

  /** A new view; `keep` keeps the position when the graph has the same shape. */
  setView(view, keep) {
    const same =
      keep &&
      this.view &&
      this.view.forward.length === view.forward.length &&
      this.view.backward.length === view.backward.length &&
      this.view.nodes.length === view.nodes.length;
    this.view = view;
    this.F = view.forward.length;
    this.B = view.backward.length;
    this.fwdIndex = new Map(view.forward.map((s, k) => [s.node, k]));
    this.valueOfOp = new Map(view.forward.map((s) => [s.op_node, s.node]));
    this.bwdOf = new Map(view.backward.map((s) => [s.node, s]));
    if (this.B > 0) this.root = view.backward[0].node;
    else if (this.F > 0) this.root = view.forward[this.F - 1].node;
    else this.root = Math.max(0, view.nodes.filter((n) => n.kind === 'value').length - 1);
    if (!same) this.runAll();
  }

  get stepping() {
    return this.mode === 'step';
  }

  runAll() {
    this.mode = 'all';
    this.fwd = this.F;
    this.bwd = this.B + 1;
  }

  reset() {
    this.mode = 'step';
    this.fwd = 0;
    this.bwd = 0;
  }

  /** One forward press: 'step', 'restart' (began again from the inputs) or 'done'. */
  forward() {
    const wasAll = this.mode === 'all';
    this.mode = 'step';
    if (!wasAll && this.fwd < this.F) {
      this.fwd += 1;
      return 'step';
    }
    if (!wasAll && this.bwd === 0) return 'done';
    this.fwd = Math.min(1, this.F);
    this.bwd = 0;
    return 'restart';
  }

  /** One backward press: 'seed', 'step', 'finished-forward' (ran the rest first) or 'restart'. */
  backward() {
    const wasAll = this.mode === 'all';
    this.mode = 'step';
    if (this.fwd < this.F) {
      this.fwd = this.F;
      this.bwd = 1;
      return 'finished-forward';
    }
    if (wasAll || this.bwd > this.B) {
      this.bwd = 1;
      return 'restart';
    }
    this.bwd += 1;
    return this.bwd === 1 ? 'seed' : 'step';
  }

  /** The operands of computed value `node`, in order, duplicates kept (x * x). */
  operands(node) {
    const b = this.bwdOf.get(node);
    if (b) return b.edges.map((e) => e.operand);
    const k = this.fwdIndex.get(node);
    return k === undefined ? [] : this.view.forward[k].inputs;
  }

  /** Grads known after the first `upTo` backward steps (the seed included), and what each was before. */
  replay(upTo) {
    const n = this.view.nodes.length;
    const grad = new Array(n).fill(null);
    const before = [];
    if (this.bwd < 1) return { grad, before };
    grad[this.root] = this.B > 0 ? this.view.backward[0].grad : this.view.nodes[this.root].grad;
    for (let k = 0; k < upTo; k++) {
      const edges = [];
      for (const e of this.view.backward[k].edges) {
        edges.push(grad[e.operand]);
        grad[e.operand] = e.grad_after;
      }
      before.push(edges);
    }
    return { grad, before };
  }

  /**
   * What to draw: per node `computed` (data known), `grad` (a number or null: not yet),
   * `role` ('' | 'fired' | 'source' | 'current' | 'target'), and the set of active edges
   * ("from>to").
   */
  display() {
    const v = this.view;
    const n = v.nodes.length;
    const computed = new Array(n).fill(true);
    for (const [node, k] of this.fwdIndex) computed[node] = k < this.fwd;
    for (const [op, node] of this.valueOfOp) computed[op] = computed[node];
    const done = Math.max(0, Math.min(this.bwd - 1, this.B));
    const { grad } = this.replay(done);
    if (this.bwd > this.B) {
      // Nodes no edge reaches (none in a connected graph) keep Rust's grad.
      for (const node of v.nodes) if (node.kind === 'value' && grad[node.id] === null) grad[node.id] = node.grad;
    }
    // Op nodes carry their result's grad (used only for the highlight colours).
    for (const [op, node] of this.valueOfOp) grad[op] = grad[node];
    const role = new Array(n).fill('');
    const active = new Set();
    if (this.mode === 'step') {
      if (this.bwd === 0 && this.fwd > 0) {
        const s = v.forward[this.fwd - 1];
        role[s.node] = 'fired';
        role[s.op_node] = 'fired';
        active.add(`${s.op_node}>${s.node}`);
        for (const i of s.inputs) {
          role[i] = 'source';
          active.add(`${i}>${s.op_node}`);
        }
      } else if (this.bwd === 1) {
        role[this.root] = 'current';
      } else if (this.bwd >= 2) {
        const s = v.backward[this.bwd - 2];
        role[s.node] = 'current';
        role[s.op_node] = 'current';
        active.add(`${s.op_node}>${s.node}`);
        for (const e of s.edges) {
          role[e.operand] = 'target';
          active.add(`${e.operand}>${s.op_node}`);
        }
      }
    }
    return { computed, grad, role, active };
  }

  /** Progress for a short readout. */
  progress() {
    const values = this.F;
    const grads = Math.max(0, Math.min(this.bwd - 1, this.B));
    return `forward ${this.fwd}/${values} · backward ${grads}/${this.B}`;
  }

  /**
   * The explanation of the current step: { lead, lines }. `seedNote` says where the output's
   * grad comes from when it is not 1 (a live neuron inside a network).
   */
  explain({ seedNote = '' } = {}) {
    const v = this.view;
    const nodes = v.nodes;
    const name = (id) => nodeName(nodes[id]);
    const rootName = name(this.root);
    if (this.mode === 'all') {
      return {
        lead: `The finished drawing: every value computed (forward pass) and every gradient filled in by backpropagation from ${rootName}.`,
        lines: ['Press Forward to compute it again one node at a time from the inputs, or Backward to replay only the gradients.'],
      };
    }
    if (this.fwd === 0) {
      const inputs = nodes.filter((nd) => nd.kind === 'value' && !this.fwdIndex.has(nd.id));
      return {
        lead: 'Only the inputs are known; nothing is computed yet. Press Forward to compute the next value.',
        lines: inputs.slice(0, 8).map((nd) => `${nodeName(nd)} = ${fmt4(nd.data)}`).concat(inputs.length > 8 ? [`… and ${inputs.length - 8} more inputs`] : []),
      };
    }
    if (this.bwd === 0) {
      const s = v.forward[this.fwd - 1];
      const lines = [];
      if (this.fwd === this.F) lines.push('The forward pass is complete: every value is known. Press Backward to fill in the gradients, from the output back.');
      return { lead: `Forward ${this.fwd} of ${this.F}: ${this.forwardText(s)}`, lines };
    }
    if (this.bwd === 1) {
      const g = this.B > 0 ? v.backward[0].grad : nodes[this.root].grad;
      const lead =
        g === 1
          ? `Backward starts at the output: grad(${rootName}) = d${term(rootName)}/d${term(rootName)} = 1.0000 (the seed).`
          : `Backward starts at the output: grad(${rootName}) = ${fmt4(g)}${seedNote ? `, ${seedNote}` : ''} (the seed).`;
      return { lead, lines: [this.B > 0 ? `Press Backward again: ${rootName} passes its grad to its inputs.` : 'There is nothing to pass back.'] };
    }
    const k = this.bwd - 2;
    const s = v.backward[k];
    const { before } = this.replay(k + 1);
    const out = name(s.node);
    const ops = s.edges.map((e) => e.operand);
    const opSym = nodes[s.op_node].op;
    const lines = s.edges.map((e, j) => {
      const rule = localRule(opSym, j, ops.map(name), out);
      const prev = before[k][j];
      const into = name(e.operand);
      const sum = prev === null || prev === undefined ? fmt4(e.grad_after) : `${fmt4(prev)} + ${fmt4(e.product)} = ${fmt4(e.grad_after)}`;
      return (
        `d(${out})/d(${into}) = ${rule ? `${rule} = ` : ''}${fmt4(e.local)} (local) ${TIMES} grad(${out}) ${fmt4(s.grad)}` +
        ` = ${fmt4(e.product)} \u2192 grad(${into}) = ${sum}`
      );
    });
    if (k === this.B - 1) lines.push('The backward pass is complete: every gradient is filled in.');
    return { lead: `Backward ${k + 1} of ${this.B}: ${out} passes grad(${out}) = ${fmt4(s.grad)} back through ${opSym}`, lines };
  }

  /** "c = a * b = 1.0000 * 2.0000 = 2.0000". */
  forwardText(s) {
    const nodes = this.view.nodes;
    const ops = this.operands(s.node);
    const op = nodes[s.op_node].op;
    const out = nodeName(nodes[s.node]);
    const ns = ops.map((i) => term(nodeName(nodes[i])));
    const vs = ops.map((i) => num(nodes[i].data));
    if (BINARY.has(op) && ops.length === 2) {
      return `${out} = ${ns[0]} ${op} ${ns[1]} = ${vs[0]} ${op} ${vs[1]} = ${fmt4(s.data)}`;
    }
    if (op.startsWith('**')) return `${out} = ${ns[0]}${op} = ${vs[0]}${op} = ${fmt4(s.data)}`;
    return `${out} = ${op}(${ns.join(', ')}) = ${op}(${ops.map((i) => fmt4(nodes[i].data)).join(', ')}) = ${fmt4(s.data)}`;
  }
}

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

function svgEl(name, attrs = {}, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

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
