// Unit tests of the page's pure modules (no browser): formatting, the settings table's slider
// scales (with the real table, from the built wasm module instantiated in Node), the URL codec
// as the page calls it, and the downsampled chart history.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DASH, echo, fmtInt, fmtLoss, fmtPercent, fmtSci } from '../../www/js/format.js';
import { History } from '../../www/js/history.js';
import { indexSettings, logSlider, stopIndex } from '../../www/js/settings.js';
import { niceTicks } from '../../www/js/render.js';
import { DIST, requireDist } from './helpers.mjs';

/** The bindings of the built page, instantiated synchronously from the wasm file. */
async function bindings() {
  requireDist();
  const m = await import(path.join(DIST, 'micrograd-playground.js'));
  m.initSync({ module: fs.readFileSync(path.join(DIST, 'micrograd-playground_bg.wasm')) });
  return m;
}

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

test('outside text is echoed as the Rust side echoes it: quoted, no controls, 40 characters', () => {
  assert.equal(echo('data.csv'), '"data.csv"');
  assert.equal(echo('x'.repeat(40)), `"${'x'.repeat(40)}"`);
  assert.equal(echo('x'.repeat(41)), `"${'x'.repeat(40)}\u2026"`);
  const removed = ' (invisible control characters removed)';
  for (const c of ['\u202A', '\u202E', '\u2066', '\u2069', '\u200B', '\u200F', '\u061C', '\uFEFF', '\u0000', '\n', '\u007F', '\u0085']) {
    assert.equal(echo(`a${c}b`), `"ab"${removed}`, `U+${c.codePointAt(0).toString(16)} removed`);
  }
  // Counted by code point, as Rust counts chars: an emoji is one, never cut in half.
  assert.equal(echo('\u{1F600}'.repeat(41)), `"${'\u{1F600}'.repeat(40)}\u2026"`);
  assert.equal(echo(`\u202E${'x'.repeat(300)}.json`), `"${'x'.repeat(40)}\u2026"${removed}`);
});

test("the learning-rate slider is logarithmic over the table's range and round-trips", async () => {
  const settings = indexSettings((await bindings()).settings_table());
  const lr = settings.get('learning_rate');
  const s = logSlider(lr);
  assert.equal(s.value(s.min), lr.range.min);
  assert.equal(s.value(s.max), lr.range.max);
  assert.equal(s.value(s.position(lr.default)), lr.default, 'the default is a stop');
  for (let v = s.min; v <= s.max; v++) assert.equal(s.position(s.value(v)), v);
  assert.equal(s.position(lr.range.min / 100), s.min);
  assert.equal(s.position(lr.range.max * 100), s.max);
});

test('the L2 slider starts at 0 (off) and round-trips', async () => {
  const settings = indexSettings((await bindings()).settings_table());
  const l2 = settings.get('l2');
  const s = logSlider(l2);
  assert.equal(s.value(s.min), 0);
  assert.equal(s.position(0), s.min);
  assert.equal(s.value(s.min + 1), l2.scale.lowest);
  assert.equal(s.value(s.max), l2.range.max);
  assert.equal(s.value(s.position(l2.default)), l2.default, 'the default is a stop');
  for (let v = s.min; v <= s.max; v++) assert.equal(s.position(s.value(v)), v);
});

test('speed stops go from 1 up, and the default is one of them', async () => {
  const speed = indexSettings((await bindings()).settings_table()).get('speed');
  const stops = speed.kind.stops;
  assert.equal(stops[0], 1);
  assert.ok(stops.every((x, i) => i === 0 || x > stops[i - 1]), 'increasing');
  assert.equal(stops[stopIndex(stops, speed.default)], speed.default);
  assert.equal(stops[stopIndex(stops, 7)], 5);
  assert.equal(stopIndex(stops, 0), 0);
});

test('the link codec keeps what it can and names what it ignored', async () => {
  const m = await bindings();
  const p = m.parse_hash('#dataset=xor&junk=1&hidden=8,x&speed=4294967296&learning_rate=0.03');
  assert.equal(p.config.dataset, 'xor');
  assert.equal(p.config.learning_rate, 0.03);
  assert.equal(p.speed, 500);
  const text = p.notices.join(' | ');
  for (const word of ['junk', 'hidden', 'speed']) assert.ok(text.includes(word), `${word} in ${text}`);
  const pg = new m.Playground(p.config);
  const hash = pg.hash(p.speed, true);
  assert.match(hash, /^#dataset=xor&/);
  const again = m.parse_hash(hash);
  assert.deepEqual(again.notices, []);
  assert.deepEqual(again.config, pg.config());
  assert.equal(again.discretize, true);
  pg.free();
});

test('the page ships no benchmark or test entry points (those are in dist-testing/)', () => {
  requireDist();
  const glue = fs.readFileSync(path.join(DIST, 'micrograd-playground.js'), 'utf8');
  for (const name of ['debug_panic', 'bench_demo_step', 'bench_boundary']) assert.ok(!glue.includes(name), `${name} in the page`);
  assert.ok(glue.includes('settings_table'), 'the glue is the page\'s');
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
