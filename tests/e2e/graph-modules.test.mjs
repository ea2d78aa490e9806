// Unit tests of the graph view's pure parts (no browser, no wasm): number format, the
// forward/backward stepper and its texts, the layout and the edge routing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Stepper, fmt4, localRule } from '../../www/js/graph.js';
import { edgePath, layoutGraph } from '../../www/js/graphdraw.js';
import { linkStyle, neuronName } from '../../www/js/netdiagram.js';
import { fmtRelError, gradCheckProgress, gradCheckText } from '../../www/js/gradcheck.js';

// What graph_example('product', [3]) returns (c = a * b, a = 3, b = 2).
const PRODUCT = {
  title: 'product',
  nodes: [
    { id: 0, kind: 'value', label: 'a', op: '', data: 3, grad: 2, col: 0, row: 0, editable: true },
    { id: 1, kind: 'value', label: 'b', op: '', data: 2, grad: 3, col: 0, row: 1, editable: true },
    { id: 2, kind: 'value', label: 'c', op: '*', data: 6, grad: 1, col: 2, row: 0, editable: false },
    { id: 3, kind: 'op', label: '', op: '*', data: 6, grad: 1, col: 1, row: 0, editable: false },
  ],
  edges: [
    { from: 3, to: 2 },
    { from: 0, to: 3 },
    { from: 1, to: 3 },
  ],
  forward: [{ node: 2, op_node: 3, inputs: [0, 1], data: 6 }],
  backward: [
    {
      node: 2,
      op_node: 3,
      grad: 1,
      edges: [
        { operand: 0, local: 2, product: 2, grad_after: 2 },
        { operand: 1, local: 3, product: 3, grad_after: 3 },
      ],
    },
  ],
  columns: 3,
  rows: 2,
  dot: 'digraph micrograd {}',
};

// d = a * a: one operand twice, so its grad accumulates.
const SQUARE = {
  title: 'square',
  nodes: [
    { id: 0, kind: 'value', label: 'a', op: '', data: 3, grad: 6, col: 0, row: 0, editable: true },
    { id: 1, kind: 'value', label: 'd', op: '*', data: 9, grad: 1, col: 2, row: 0, editable: false },
    { id: 2, kind: 'op', label: '', op: '*', data: 9, grad: 1, col: 1, row: 0, editable: false },
  ],
  edges: [
    { from: 2, to: 1 },
    { from: 0, to: 2 },
  ],
  forward: [{ node: 1, op_node: 2, inputs: [0], data: 9 }],
  backward: [
    {
      node: 1,
      op_node: 2,
      grad: 1,
      edges: [
        { operand: 0, local: 3, product: 3, grad_after: 3 },
        { operand: 0, local: 3, product: 3, grad_after: 6 },
      ],
    },
  ],
  columns: 3,
  rows: 1,
  dot: '',
};

test('numbers are shown as micrograd prints them', () => {
  assert.equal(fmt4(1), '1.0000');
  assert.equal(fmt4(-1.5), '-1.5000');
  assert.equal(fmt4(-0), '0.0000');
  assert.equal(fmt4(-0.00001), '0.0000', 'no negative zero');
  assert.equal(fmt4(0.70710678), '0.7071');
  assert.equal(fmt4(NaN), '\u2014');
  assert.equal(fmt4(Infinity), 'inf');
  assert.equal(fmtRelError(3.2e-9), '3.2e-9');
  assert.equal(fmtRelError(0), '0');
});

test('the stepper starts finished, then steps forward and backward one node at a time', () => {
  const s = new Stepper(PRODUCT);
  assert.equal(s.mode, 'all');
  let d = s.display();
  assert.deepEqual(d.grad.slice(0, 3), [2, 3, 1], 'the finished drawing has every grad');
  assert.equal(d.active.size, 0, 'nothing highlighted');

  assert.equal(s.forward(), 'restart');
  d = s.display();
  assert.equal(s.fwd, 1);
  assert.deepEqual(d.computed, [true, true, true, true]);
  assert.deepEqual(d.grad, [null, null, null, null], 'no grads before backward');
  assert.equal(d.role[2], 'fired');
  assert.ok(d.active.has('0>3') && d.active.has('1>3') && d.active.has('3>2'));
  assert.match(s.explain().lead, /Forward 1 of 1: c = a \* b = 3\.0000 \* 2\.0000 = 6\.0000/);
  assert.equal(s.forward(), 'done', 'no more values to compute');

  s.reset();
  d = s.display();
  assert.deepEqual(d.computed, [true, true, false, false], 'inputs known, the rest pale');

  assert.equal(s.backward(), 'finished-forward', 'Backward first completes the forward pass');
  d = s.display();
  assert.deepEqual(d.grad.slice(0, 3), [null, null, 1], 'then seeds the output with 1');
  assert.match(s.explain().lead, /grad\(c\) = dc\/dc = 1\.0000/);
  assert.equal(s.backward(), 'step');
  d = s.display();
  assert.deepEqual(d.grad.slice(0, 3), [2, 3, 1]);
  assert.equal(d.role[2], 'current');
  assert.equal(d.role[0], 'target');
  const { lines } = s.explain();
  assert.equal(lines[0], 'd(c)/d(a) = b = 2.0000 (local) \u00d7 grad(c) 1.0000 = 2.0000 \u2192 grad(a) = 2.0000');
  assert.match(lines[2], /backward pass is complete/);
  assert.equal(s.progress(), 'forward 1/1 · backward 1/1');
  assert.equal(s.backward(), 'restart', 'pressing on replays the backward pass');
  s.runAll();
  assert.equal(s.stepping, false);
});

test('a grad that accumulates is explained as a sum', () => {
  const s = new Stepper(SQUARE);
  s.reset();
  s.backward();
  s.backward();
  const { lines } = s.explain();
  assert.equal(lines[0], 'd(d)/d(a) = a = 3.0000 (local) \u00d7 grad(d) 1.0000 = 3.0000 \u2192 grad(a) = 3.0000');
  assert.equal(lines[1], 'd(d)/d(a) = a = 3.0000 (local) \u00d7 grad(d) 1.0000 = 3.0000 \u2192 grad(a) = 3.0000 + 3.0000 = 6.0000');
  assert.equal(s.display().grad[0], 6);
  assert.match(s.forwardText(SQUARE.forward[0]), /^d = a \* a = 3\.0000 \* 3\.0000 = 9\.0000$/);
});

test('a new view of the same shape keeps the stepping position (edited inputs)', () => {
  const s = new Stepper(PRODUCT);
  s.reset();
  s.forward();
  s.setView({ ...PRODUCT }, true);
  assert.equal(s.fwd, 1);
  assert.equal(s.mode, 'step');
  s.setView(SQUARE, true);
  assert.equal(s.mode, 'all', 'another graph starts finished');
});

test('local derivative rules name the right operand', () => {
  assert.equal(localRule('*', 0, ['a', 'b'], 'c'), 'b');
  assert.equal(localRule('*', 1, ['a', 'b'], 'c'), 'a');
  assert.equal(localRule('+', 0, ['a', 'b'], 'c'), '');
  assert.equal(localRule('tanh', 0, ['n'], 'o'), '1 \u2212 o\u00b2');
  assert.equal(localRule('**2', 0, ['e'], 'f'), '2\u00b7e**1');
  assert.equal(localRule('*', 0, ['x1*w1 + x2*w2', 'b'], 'c'), 'b');
  assert.equal(localRule('*', 1, ['x1*w1 + x2*w2', 'b'], 'c'), '(x1*w1 + x2*w2)');
});

test('the layout keeps boxes apart and long edges out of boxes', () => {
  // b feeds an op three columns on: its edge must not run through the box in between.
  const view = {
    nodes: [
      { id: 0, kind: 'value', label: 'a', op: '', data: 1, grad: 0, col: 0, row: 0 },
      { id: 1, kind: 'value', label: 'b', op: '', data: 2, grad: 0, col: 0, row: 1 },
      { id: 2, kind: 'value', label: 'e', op: 'tanh', data: 1, grad: 0, col: 2, row: 1 },
      { id: 3, kind: 'op', label: '', op: 'tanh', data: 1, grad: 0, col: 1, row: 1 },
      { id: 4, kind: 'value', label: 'f', op: '+', data: 3, grad: 0, col: 4, row: 1 },
      { id: 5, kind: 'op', label: '', op: '+', data: 3, grad: 0, col: 3, row: 1 },
    ],
    edges: [
      { from: 0, to: 3 },
      { from: 3, to: 2 },
      { from: 2, to: 5 },
      { from: 1, to: 5 },
      { from: 5, to: 4 },
    ],
    columns: 5,
    rows: 2,
  };
  const layout = layoutGraph(view);
  const { boxes } = layout;
  for (const a of boxes) {
    for (const b of boxes) {
      if (a === b) continue;
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      assert.ok(!overlap, 'no two boxes overlap');
    }
    assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.w <= layout.width && a.y + a.h <= layout.height, 'inside the drawing');
  }
  const d = edgePath(layout, 1, 5);
  // One straight run per column passed (columns 1 and 2), at a y clear of that column's boxes.
  const runs = [...d.matchAll(/L([\d.]+),([\d.]+)/g)].map((m) => Number(m[2]));
  assert.equal(runs.length, 2, d);
  runs.forEach((y, k) => {
    const col = k + 1;
    view.nodes
      .filter((n) => n.col === col)
      .forEach((n) => {
        const b = boxes[n.id];
        assert.ok(y < b.y || y > b.y + b.h, `column ${col} is passed at y ${y}, outside ${n.label || n.op} (${b.y}..${b.y + b.h})`);
      });
  });
});

test('network diagram links: colour by sign, width by size; neuron names', () => {
  assert.equal(linkStyle(0.5, 1).colour, '#0b6db7');
  assert.equal(linkStyle(-0.5, 1).colour, '#e07000');
  assert.ok(linkStyle(1, 1).width > linkStyle(0.1, 1).width);
  assert.equal(linkStyle(NaN, 1).width, 0.5);
  assert.equal(neuronName(0, 0, 3), 'layer 1 neuron 1');
  assert.equal(neuronName(2, 0, 3), 'layer 3 neuron 1 (output)');
});

// A finished check as Rust reports it (src/train.rs GradCheck).
const CHECK = {
  step: 1200, points: 80, params: 337, checked: 337, done: true, agree: 336, errors: 0,
  kinks: { relu: 1, hinge: 0, abs: 0 }, dead_units: 28, relu_units: 32, max_rel_error: 5.6e-7,
  worst: { param: 3, autograd: 0.0123, numeric: 0.01231, rel_error: 5.6e-7 },
  kink_example: { param: 217, autograd: 0, numeric: -0.01483, rel_error: 1 },
};

test('the gradient check in words: kinks are not errors, errors are, no points is nothing', () => {
  const kinked = gradCheckText(CHECK);
  assert.match(kinked, /^No errors: largest relative error 5\.6e-7 over 336 of 337 parameters \(param #3: /);
  assert.match(kinked, /Not differentiable here: ReLU at 0 for 1 parameter \(e\.g\. param #217: autograd 0, numeric -0\.01483\)/);
  assert.match(kinked, /so these mismatches are not errors/);
  assert.match(kinked, /28 of 32 ReLU units are dead/);
  assert.match(kinked, /Weights of step 1,200, 80 training points\.$/);
  assert.doesNotMatch(kinked, /relative error 1/);

  const wrong = gradCheckText({
    ...CHECK, agree: 330, errors: 6, kinks: { relu: 0, hinge: 1, abs: 0 }, dead_units: 0, max_rel_error: 0.05,
    worst: { param: 40, autograd: 1.05, numeric: 1, rel_error: 0.05 },
  });
  assert.match(wrong, /^6 errors: backpropagation and the finite difference disagree where the loss is smooth \(largest relative error 5\.0e-2, param #40: autograd 1\.05, numeric 1\)/);
  assert.match(wrong, /the hinge at its margin for 1 parameter/);
  assert.doesNotMatch(wrong, /dead/);

  const none = gradCheckText({ ...CHECK, points: 0, checked: 0, agree: 0, kinks: { relu: 0, hinge: 0, abs: 0 }, worst: null, kink_example: null, max_rel_error: 0 });
  assert.equal(none, 'No points: nothing to check. Add points on the plot first.');
  assert.equal(
    gradCheckProgress({ checked: 120, params: 5537, step: 1200 }),
    'Checking\u2026 120 of 5,537 parameters, on the weights of step 1,200 (training goes on meanwhile; Cancel stops the check).',
  );
});
