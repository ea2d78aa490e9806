// End-to-end: every control on the page takes its range, step, default, label and help from
// the one settings table in Rust (src/settings.rs), as the page received it from the worker.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, serveDist, waitForTraining } from './helpers.mjs';
import { CONTROL_IDS } from '../../www/js/settings.js';

const serverUrl = serveDist();

// The page's own map from setting to control: every entry is checked against the table.
const IDS = CONTROL_IDS;

describe('settings table', { timeout: 120000 }, () => {
  test("each control's range, default, label and help equal the table's", { timeout: 60000 }, async () => {
    const { page, problems, close } = await openPage(serverUrl());
    try {
      await page.goto(serverUrl());
      await waitForTraining(page);
      await page.click('#play'); // paused: the controls hold still
      const table = await page.evaluate(() => globalThis.playground.settings);
      const byName = new Map(table.map((e) => [e.name, e]));
      // Every setting of the config has a control (points and view are drawn on the plot, the
      // data sets and features are groups checked below, and an import's normalisation has
      // nothing to set by hand).
      for (const e of table) {
        if (['points', 'view', 'dataset', 'features', 'norm'].includes(e.name)) continue;
        assert.ok(IDS[e.name], `a control for ${e.name}`);
      }
      const dom = await page.evaluate((ids) => {
        const out = {};
        for (const [name, id] of Object.entries(ids)) {
          const c = document.getElementById(id);
          const label = document.querySelector(`label[for="${id}"]`) || c.closest('label');
          out[name] = {
            min: c.min,
            max: c.max,
            step: c.step,
            value: c.type === 'checkbox' ? c.checked : c.value,
            title: c.title,
            label: label ? label.textContent.trim() : null,
            options: c.tagName === 'SELECT' ? [...c.options].map((o) => o.value) : null,
          };
        }
        out.datasets = [...document.querySelectorAll('input[name="dataset"]')].map((r) => r.value);
        out.neurons = [...document.querySelectorAll('#neurons input')].map((i) => ({ min: i.min, max: i.max, value: i.value }));
        return out;
      }, IDS);
      for (const [name, c] of Object.entries(dom)) {
        const e = byName.get(name);
        if (!e) continue;
        assert.equal(c.label, e.label, `${name}: label`);
        if (name !== 'batch_size') assert.equal(c.title, e.help, `${name}: help`);
        if (e.kind.type === 'choice') {
          assert.deepEqual(c.options, e.kind.choices.map((x) => x.value), `${name}: choices`);
          assert.equal(c.value, e.default, `${name}: default`);
        } else if (e.kind.type === 'bool') {
          assert.equal(c.value, e.default, `${name}: default`);
        } else if (e.kind.type === 'stops') {
          assert.equal(Number(c.max), e.kind.stops.length - 1, `${name}: stops`);
          assert.equal(e.kind.stops[Number(c.value)], e.default, `${name}: default`);
        } else if (e.kind.type === 'int_list') {
          assert.equal(Number(c.min), e.items.count.min, `${name}: fewest layers`);
          assert.equal(Number(c.max), e.items.count.max, `${name}: most layers`);
          assert.equal(Number(c.value), e.default.length, `${name}: default layers`);
          assert.deepEqual(
            dom.neurons,
            e.default.map((n) => ({ min: String(e.range.min), max: String(e.range.max), value: String(n) })),
            'neurons per layer',
          );
        } else if (e.scale.type === 'log') {
          // Positions per decade: the ends are the range's (or 0 below the lowest stop).
          const k = e.scale.per_decade;
          assert.equal(Number(c.max), Math.round(k * Math.log10(e.range.max)), `${name}: max`);
          const first = Math.round(k * Math.log10(e.scale.lowest));
          assert.equal(Number(c.min), e.scale.zero_stop ? first - 1 : first, `${name}: min`);
          assert.equal(Number(c.value), Math.round(k * Math.log10(e.default)), `${name}: default`);
        } else if (name === 'batch_size') {
          // Its slider runs to the number of training points (far right: the full set).
          assert.equal(Number(c.min), e.range.min === 0 ? 1 : e.range.min, `${name}: min`);
        } else {
          assert.equal(Number(c.min), e.range.min, `${name}: min`);
          assert.equal(Number(c.max), e.range.max, `${name}: max`);
          if (e.step !== null) assert.equal(Number(c.step), e.step, `${name}: step`);
          assert.equal(Number(c.value), e.default, `${name}: default`);
        }
      }
      assert.deepEqual(dom.datasets, byName.get('dataset').kind.choices.map((x) => x.value), 'dataset choices');
      // The feature check boxes: one per choice, labelled as the table says, the defaults ticked.
      const features = byName.get('features');
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll('#features input')].map((b) => ({ value: b.value, checked: b.checked, label: b.closest('label').textContent.trim() })),
      );
      assert.deepEqual(
        boxes,
        features.kind.choices.map((c) => ({ value: c.value, checked: features.default.includes(c.value), label: c.label })),
        'feature check boxes',
      );
      assert.equal((await page.textContent('#features-legend')).trim(), features.label);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
