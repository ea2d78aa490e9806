// The graph view's stepper: what is shown after each Forward / Backward press of micrograd's
// picture of a computational graph, and the text that explains each step (local derivative
// rules, chain-rule products). Pure: no DOM, unit-tested in node. graphdraw.js draws it.

import { DASH } from './format.js';

export const ELLIPSIS = '\u2026';
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
    case 'sin':
      return `cos(${a})`;
    case 'LeakyReLU':
      return `(1 if ${a} > 0, else 0.01)`;
    case 'ELU':
      return `(1 if ${a} > 0, else ${o} + 1)`;
    case 'SiLU':
      return `s·(1 + ${a}·(1 ${MINUS} s)), s = sigmoid(${a})`;
    case 'softplus':
      return `sigmoid(${a})`;
    case 'max':
      return k === 0 ? `(1 if ${a} ≥ ${b}, else 0)` : `(1 if ${b} > ${a}, else 0)`;
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
