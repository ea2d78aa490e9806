// Unit tests of the page's pure modules (no browser, no wasm): URL state, formatting and
// slider scales, the downsampled chart history.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DASH,
  L2_SLIDER,
  LR_SLIDER,
  SPEED_STOPS,
  fmtInt,
  fmtLoss,
  fmtPercent,
  fmtSci,
  l2FromSlider,
  lrFromSlider,
  sliderFromL2,
  sliderFromLr,
  speedIndex,
} from '../../www/js/format.js';
import { History } from '../../www/js/history.js';
import { DEFAULT_CONFIG, DEFAULT_UI, encodeHash, parseHash } from '../../www/js/state.js';
import { niceTicks } from '../../www/js/render.js';

test('missing or non-finite numbers are shown as a dash, never NaN', () => {
  for (const f of [fmtLoss, fmtPercent, fmtInt, fmtSci]) {
    for (const v of [null, undefined, NaN, Infinity, -Infinity]) assert.equal(f(v), DASH);
  }
  assert.equal(fmtLoss(0.123456), '0.1235');
  assert.equal(fmtLoss(0), '0');
  assert.equal(fmtPercent(0.975), '97.5%');
  assert.equal(fmtInt(12345.4), '12,345');
  assert.equal(fmtSci(0.0001), '1e-4');
  assert.equal(fmtSci(0.1), '0.1');
});

test('the learning-rate slider is logarithmic from 1e-4 to 10 and round-trips', () => {
  assert.equal(lrFromSlider(LR_SLIDER.min), 0.0001);
  assert.equal(lrFromSlider(LR_SLIDER.max), 10);
  assert.equal(lrFromSlider(-10), 0.1);
  for (let v = LR_SLIDER.min; v <= LR_SLIDER.max; v++) assert.equal(sliderFromLr(lrFromSlider(v)), v);
  assert.equal(sliderFromLr(1e-9), LR_SLIDER.min);
  assert.equal(sliderFromLr(1e9), LR_SLIDER.max);
});

test('the L2 slider starts at 0 (off) and round-trips', () => {
  assert.equal(l2FromSlider(L2_SLIDER.min), 0);
  assert.equal(sliderFromL2(0), L2_SLIDER.min);
  assert.equal(l2FromSlider(-40), 0.0001);
  for (let v = L2_SLIDER.min; v <= L2_SLIDER.max; v++) assert.equal(sliderFromL2(l2FromSlider(v)), v);
});

test('speed stops go from 1 to at least 100', () => {
  assert.equal(SPEED_STOPS[0], 1);
  assert.ok(SPEED_STOPS[SPEED_STOPS.length - 1] >= 100);
  assert.equal(SPEED_STOPS[speedIndex(10)], 10);
  assert.equal(SPEED_STOPS[speedIndex(7)], 5);
  assert.equal(speedIndex(0), 0);
});

test('a config survives the URL hash round trip', () => {
  const config = {
    ...DEFAULT_CONFIG,
    dataset: 'custom',
    hidden: [4, 8, 2],
    activation: 'tanh',
    learning_rate: 0.0316,
    lr_decay: true,
    points: [
      [0.5, -1.25, 1],
      [2, 3, -1],
    ],
  };
  const ui = { speed: 20, discretize: true };
  const hash = encodeHash(config, ui);
  assert.match(hash, /^#dataset=custom&/);
  assert.match(hash, /hidden=4,8,2/);
  assert.match(hash, /points=0\.5,-1\.25,1;2,3,-1/);
  const parsed = parseHash(hash);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.config, config);
  assert.deepEqual(parsed.ui, ui);
});

test('points are left out of the hash for generated data sets', () => {
  const hash = encodeHash({ ...DEFAULT_CONFIG, points: [[1, 1, 1]] }, DEFAULT_UI);
  assert.ok(!hash.includes('&points='));
});

test('an empty hash means defaults and no errors', () => {
  for (const h of ['', '#']) {
    const p = parseHash(h);
    assert.equal(p.empty, true);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.config, {});
    assert.deepEqual(p.ui, { ...DEFAULT_UI });
  }
});

test('a malformed hash names each problem', () => {
  const p = parseHash('#dataset=banana&hidden=16,x&learning_rate=fast&bogus=1&lr_decay=maybe&seed=1.5&speed=0');
  const text = p.errors.join(' | ');
  for (const word of ['banana', 'hidden', 'learning_rate', 'bogus', 'lr_decay', 'seed', 'speed']) {
    assert.ok(text.includes(word), `${word} in ${text}`);
  }
  assert.equal(parseHash('#points=1,2,3').errors.length, 1, 'label must be 1 or -1');
  assert.equal(parseHash('#seed=1&seed=2').errors.length, 1, 'a key given twice');
  assert.deepEqual(parseHash('#hidden=').config, { hidden: [] });
});

test('the chart history stays at a fixed size after 100k steps', () => {
  const h = new History(512);
  for (let step = 1; step <= 100000; step++) {
    h.push({ step, train_loss: 1 / step, test_loss: null, train_accuracy: 0.5, test_accuracy: NaN });
  }
  assert.ok(h.length <= 512 && h.length >= 256, `length ${h.length}`);
  assert.ok(h.stride >= 128, `stride ${h.stride}`);
  for (let i = 1; i < h.length; i++) assert.ok(h.steps[i] > h.steps[i - 1], 'steps increase');
  assert.ok(h.steps[h.length - 1] > 99000);
  assert.ok(Number.isNaN(h.series.test_loss[0]), 'missing values stay missing');
  assert.equal(h.series.train_accuracy[h.length - 1], 0.5);
  // A new run (the step goes back) starts a fresh history.
  h.push({ step: 1, train_loss: 1 });
  assert.equal(h.length, 1);
  assert.equal(h.stride, 1);
});

test('axis ticks are round numbers inside the range', () => {
  assert.deepEqual(niceTicks(-1.5, 2.5, 5), [-1, 0, 1, 2]);
  assert.deepEqual(niceTicks(-6, 6, 6), [-6, -4, -2, 0, 2, 4, 6]);
  assert.deepEqual(niceTicks(0, 0, 5), []);
});
