// End-to-end tests of "See inside the network" (#12) on the built page (dist/), in the system
// Chromium: typed expressions in the graph view, and the neuron inspector.
// Run: node --test --test-concurrency=1 tests/e2e/inside.test.mjs   (after `make build`)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SCREENSHOTS, axeViolations, openPage, serveDist, waitFor, waitForTraining, unlabelledControls } from './helpers.mjs';

const TEST_TIMEOUT = 60000;

const serverUrl = serveDist();

/** Open `hash`, wait for training, run `fn(opened)`, always close the browser. */
async function withPage(fn, options = {}) {
  const opened = await openPage(serverUrl(), options);
  try {
    if (options.longTasks) {
      // Long tasks on the main thread, from the very start (as worker.test.mjs watches them).
      await opened.page.addInitScript(() => {
        globalThis.longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) globalThis.longTasks.push({ start: e.startTime, ms: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      });
    }
    await opened.page.goto(serverUrl() + (options.hash || ''));
    await waitForTraining(opened.page, options.startTimeout || 15000);
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

const node = (label) => `#graph-svg g.gv-value[data-label="${label}"]`;

async function dataOf(page, label) {
  return ((await page.textContent(`${node(label)} .gv-data`)) || '').replace(/^data\s*/, '');
}

async function gradOf(page, label) {
  return ((await page.textContent(`${node(label)} .gv-grad`)) || '').replace(/^grad\s*/, '');
}

/** The data shown in every value box, in drawing order. */
async function allData(page) {
  return (await page.locator('#graph-svg g.gv-value .gv-data').allTextContents()).map((t) => t.replace(/^data\s*/, ''));
}

describe('see inside the network (#12)', { timeout: 600000 }, () => {
  test('a typed expression draws with its names as inputs, the right data and grads, steps and exports', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.locator('#graph-view').scrollIntoViewIfNeeded();
      await page.click('#graph-expr');
      await page.keyboard.type('(a + b) * c**2');
      await page.click('#graph-expr-draw');
      await page.waitForSelector(node('c'));
      assert.equal(await page.inputValue('#graph-source'), 'expr');
      assert.match(await page.textContent('#graph-title'), /^Typed expression: /);
      // Its names are the inputs, 1 each to start with.
      const labels = await page.locator('#graph-input-list input').evaluateAll((xs) => xs.map((x) => x.dataset.label));
      assert.deepEqual(labels, ['a', 'b', 'c']);
      // a = 1, b = 2, c = 3: (1 + 2) * 9 = 27, d/da = c² = 9, d/dc = 2c(a + b) = 18.
      for (const [i, v] of [
        [1, '2'],
        [2, '3'],
      ]) {
        await page.fill(`#graph-input-${i}`, v);
      }
      await waitFor(async () => (await allData(page)).includes('27.0000'), { message: 'the output 27' });
      assert.equal(await dataOf(page, 'c'), '3.0000');
      assert.equal(await gradOf(page, 'a'), '9.0000');
      assert.equal(await gradOf(page, 'b'), '9.0000');
      assert.equal(await gradOf(page, 'c'), '18.0000');
      await page.locator('#graph-view').screenshot({ path: path.join(SCREENSHOTS, 'graph-typed.png') });
      // Stepping works as for the examples: forward from nothing, then backward.
      await page.click('#graph-reset');
      await page.click('#graph-forward');
      assert.match(await page.textContent('#graph-progress'), /forward 1\//);
      await page.click('#graph-run');
      assert.equal(await page.textContent('#graph-progress'), 'all computed');
      // Enter in the field draws too; a name kept keeps its value (c = 3).
      await page.fill('#graph-expr', 'tanh(c - a)');
      await page.press('#graph-expr', 'Enter');
      await waitFor(async () => (await page.locator(node('b')).count()) === 0, { message: 'the new graph' });
      assert.equal(await dataOf(page, 'c'), '3.0000', 'c keeps the value typed for it');
      assert.ok((await allData(page)).includes(Math.tanh(2).toFixed(4)), 'tanh(3 - 1)');
      // DOT export of the typed graph.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#graph-dot')]);
      const dot = await (await download.createReadStream()).toArray();
      const text = Buffer.concat(dot).toString('utf8');
      assert.match(text, /^digraph/);
      assert.match(text, /tanh/);
      assert.deepEqual(problems, []);
    });
  });

  test('a syntax error names its column, marks it in the field and changes nothing else', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.locator('#graph-view').scrollIntoViewIfNeeded();
      await page.selectOption('#graph-source', 'ex:product');
      await page.waitForSelector(node('c'));
      const before = await allData(page);
      await page.fill('#graph-expr', 'relu(a) / (1 + exp(-b)');
      await page.press('#graph-expr', 'Enter');
      await waitFor(async () => page.isVisible('#graph-expr-error'), { message: 'the error' });
      const msg = await page.textContent('#graph-expr-error');
      const m = msg.match(/column (\d+)/);
      assert.ok(m, `the message names a column: ${msg}`);
      assert.equal(await page.getAttribute('#graph-expr', 'aria-invalid'), 'true');
      const sel = await page.evaluate(() => {
        const f = document.getElementById('graph-expr');
        return [document.activeElement === f, f.selectionStart];
      });
      assert.deepEqual(sel, [true, Math.min(Number(m[1]) - 1, 'relu(a) / (1 + exp(-b)'.length)], 'the column is selected in the field');
      assert.equal(await page.inputValue('#graph-source'), 'ex:product', 'the graph stays');
      assert.deepEqual(await allData(page), before);
      // Fixing it draws it; typing clears the message.
      await page.press('#graph-expr', 'End');
      await page.keyboard.type(')');
      assert.equal(await page.isVisible('#graph-expr-error'), false);
      await page.keyboard.press('Enter');
      // (The product example has a "b" too: wait for the typed expression's own graph.)
      await waitFor(async () => (await page.inputValue('#graph-source')) === 'expr', { message: 'the typed expression drawn' });
      await page.waitForSelector(node('exp(-b)'));
      assert.deepEqual(problems, []);
    });
  });

  test('the neuron inspector: its equation reproduces its output; an edit moves the boundary; Undo restores it exactly', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(
      async ({ page, problems }) => {
        await page.locator('#graph-view').scrollIntoViewIfNeeded();
        await page.selectOption('#graph-source', 'live');
        const neuron = (l, i) => `#net-diagram g.nd-neuron[data-layer="${l}"][data-index="${i}"]`;
        await page.waitForSelector(neuron(0, 1));
        // Keyboard: focus the diagram's neuron, move down, Enter opens the inspector on it.
        await page.focus(neuron(0, 0));
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#inspector', { state: 'visible' });
        await waitFor(async () => (await page.locator('#inspector-numbers .eq-w').count()) === 2, { message: 'the equation' });
        assert.match(await page.textContent('#h-inspector'), /layer 1 neuron 2/);
        assert.match(await page.textContent('#inspector-equation'), /^tanh\(.*x1.*x2.*\) = /);
        // The numbers shown reproduce the output: tanh(b + Σ w·x).
        const eq = await page.evaluate(() => {
          const read = (sel) => [...document.querySelectorAll(sel)].map((e) => Number(e.textContent.replace('\u2212', '-')));
          return { w: read('#inspector-numbers .eq-w'), x: read('#inspector-numbers .eq-x'), b: read('#inspector-numbers .eq-b')[0], sum: read('#inspector-numbers .eq-sum')[0], out: read('#inspector-numbers .eq-out')[0] };
        });
        const sum = eq.b + eq.w.reduce((a, w, i) => a + w * eq.x[i], 0);
        assert.ok(Math.abs(sum - eq.sum) < 1e-3, `b + Σ w·x = ${sum}, shown ${eq.sum}`);
        assert.ok(Math.abs(Math.tanh(eq.sum) - eq.out) < 2e-4, `tanh(${eq.sum}) = ${Math.tanh(eq.sum)}, shown ${eq.out}`);
        // Gradients and the optimizer state (momentum: a velocity per parameter).
        assert.equal(await page.locator('#inspector-params tr').count(), 3, 'two weights and a bias');
        assert.match(await page.textContent('#inspector-state-head'), /velocity/);
        for (const t of await page.locator('#inspector-params .ins-grad').allTextContents()) assert.match(t, /^−?\d+\.\d{4}$/);

        await page.locator('#graph-view .graph-controls').screenshot({ path: path.join(SCREENSHOTS, 'neuron-inspector.png') });
        // The output neuron: pause, then set its bias while nothing else moves.
        await page.click(neuron(1, 0));
        await waitFor(async () => /output/.test(await page.textContent('#h-inspector')), { message: 'the output neuron' });
        await page.click('#play');
        await waitFor(() => page.evaluate(() => !globalThis.playground.playing), { message: 'paused' });
        const info = () => page.evaluate(() => globalThis.playground.request('neuron_info', { layer: 1, index: 0, point: 0 }));
        const original = (await info()).params[4];
        await page.waitForTimeout(300);
        const gridBefore = await waitFor(() => page.evaluate(() => globalThis.playground.grid), { message: 'a grid' });
        await page.fill('#inspector-p4', '3');
        await page.press('#inspector-p4', 'Enter');
        await waitFor(async () => (await info()).params[4].value === 3, { message: 'the bias set to 3' });
        await waitFor(
          async () => {
            const g = await page.evaluate(() => globalThis.playground.grid);
            return g && g.values.some((v, i) => v !== gridBefore.values[i]);
          },
          { message: 'the boundary to change' },
        );
        assert.match(await page.textContent('#inspector-note'), /Set to 3\.0000/);
        // The exported model has the edit: it is in the model.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
        const saved = JSON.parse(Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8'));
        assert.equal(saved.model.params[original.index], 3, 'the exported bias is the edited one');
        assert.equal(await page.isDisabled('#inspector-undo'), false);
        // Ctrl+Z in the panel restores the exact old value, and the boundary with it.
        await page.focus('#inspector-p4');
        await page.keyboard.press('Control+z');
        await waitFor(async () => (await info()).params[4].value === original.value, { message: 'the exact old bias' });
        await waitFor(
          async () => {
            const g = await page.evaluate(() => globalThis.playground.grid);
            return g && g.values.every((v, i) => v === gridBefore.values[i]);
          },
          { message: 'the boundary as before' },
        );
        // Two edits, two Undo presses (the button): each goes back one.
        const w0 = (await info()).params[0].value;
        await page.fill('#inspector-p0', '-2');
        await page.press('#inspector-p0', 'Enter');
        await waitFor(async () => (await info()).params[0].value === -2, { message: 'w1 = -2' });
        await page.fill('#inspector-p0', '1.5');
        await page.press('#inspector-p0', 'Enter');
        await waitFor(async () => (await info()).params[0].value === 1.5, { message: 'w1 = 1.5' });
        await page.click('#inspector-undo');
        await waitFor(async () => (await info()).params[0].value === -2, { message: 'back to -2' });
        await page.click('#inspector-undo');
        await waitFor(async () => (await info()).params[0].value === w0, { message: 'back to the start' });
        assert.equal(await page.isDisabled('#inspector-undo'), true);
        // A value the network cannot use is refused, and said so.
        await page.fill('#inspector-p0', '');
        await page.press('#inspector-p0', 'Enter');
        await waitFor(async () => page.isVisible('#inspector-error'), { message: 'the refusal' });
        assert.equal((await info()).params[0].value, w0);
        await page.click('#inspector-graph');
        await waitFor(async () => /layer 2 neuron 1/.test(await page.textContent('#graph-title')), { message: 'its graph' });
        assert.deepEqual(problems, []);
      },
      { hash: '#hidden=4&activation=tanh&optimizer=momentum' },
    );
  });

  test('the typed expression and the inspector: every control labelled, axe clean', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.click('#play');
      await page.locator('#graph-view').scrollIntoViewIfNeeded();
      await page.fill('#graph-expr', '(a + b');
      await page.press('#graph-expr', 'Enter');
      await waitFor(async () => page.isVisible('#graph-expr-error'), { message: 'the error' });
      await page.selectOption('#graph-source', 'live');
      await page.click('#net-diagram g.nd-neuron[data-layer="0"][data-index="0"]');
      await waitFor(async () => (await page.locator('#inspector-params input').count()) > 0, { message: 'the inspector' });
      assert.deepEqual(await unlabelledControls(page, '#graph-view'), []);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
    });
  });

  /** The RGBA pixels of the diagram's heat canvas under neuron (l, i) of the drawing. */
  function thumbPixels(page, l, i) {
    return page.evaluate(
      ([l, i]) => {
        const canvas = document.getElementById('net-heat');
        const g = document.querySelector(`#net-diagram g.nd-neuron[data-layer="${l}"][data-index="${i}"] .nd-dot`);
        const c = canvas.getBoundingClientRect();
        const d = g.getBoundingClientRect();
        const k = canvas.width / c.width;
        const x = Math.round((d.x + d.width / 2 - c.x) * k);
        const y = Math.round((d.y + d.height / 2 - c.y) * k);
        const px = canvas.getContext('2d').getImageData(x - 5, y - 5, 10, 10).data;
        return Array.from(px);
      },
      [l, i],
    );
  }

  test('the diagram is alive: each neuron a heatmap that changes as training runs; hover shows it on the plot', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(
      async ({ page, problems }) => {
        await page.locator('#graph-view').scrollIntoViewIfNeeded();
        await page.selectOption('#graph-source', 'live');
        await page.locator('#graph-network').scrollIntoViewIfNeeded();
        await waitFor(async () => Number(await page.getAttribute('#net-heat', 'data-draws')) >= 1, { message: 'the heatmaps' });
        const first = await thumbPixels(page, 0, 0);
        // A heatmap, not the white of an empty node: some cells coloured.
        const coloured = (px) => px.some((v, k) => k % 4 !== 3 && Math.abs(v - 246) > 20);
        assert.ok(coloured(first), 'the neuron is drawn as a heatmap');
        await waitFor(async () => (await thumbPixels(page, 0, 0)).some((v, k) => v !== first[k]), {
          timeout: 20000,
          message: 'the thumbnail to change as training runs',
        });
        // The links are painted on the canvas (netpaint.js): midway along each of the first
        // few, away from every node, the canvas is not empty.
        await waitFor(
          () =>
            page.evaluate(() => {
              const svg = document.getElementById('net-diagram');
              const canvas = document.getElementById('net-heat');
              const s = canvas.width / svg.viewBox.baseVal.width;
              const ctx = canvas.getContext('2d');
              return [...svg.querySelectorAll('line.nd-link')].slice(0, 5).every((l) => {
                const x = ((l.x1.baseVal.value + l.x2.baseVal.value) / 2) * s;
                const y = ((l.y1.baseVal.value + l.y2.baseVal.value) / 2) * s;
                return ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data[3] > 0;
              });
            }),
          { timeout: 10000, message: 'the links painted' },
        );
        // A link's weight on hover (its title), and the neurons' labels name their weights.
        await page.locator('#net-diagram line.nd-link').first().hover({ force: true });
        const title = await waitFor(() => page.locator('#net-diagram line.nd-link').first().evaluate((l) => l.textContent), { message: 'the hover text' });
        assert.match(title, /^−?\d+\.\d{3}: weight from x1 to layer 1 neuron 1$/);
        assert.match(await page.getAttribute('#net-diagram g.nd-neuron[data-layer="0"][data-index="0"]', 'aria-label'), /^layer 1 neuron 1: weights x1 −?\d/);
        // Hover a neuron: its heatmap over the plot, with a caption; leaving hides it.
        assert.equal(await page.isHidden('#unit-heat'), true);
        await page.hover('#net-diagram g.nd-neuron[data-layer="0"][data-index="1"]');
        await waitFor(async () => page.isVisible('#unit-heat'), { message: 'the unit on the plot' });
        assert.match(await page.textContent('#unit-caption'), /layer 1 neuron 2/);
        await page.locator('#graph-network').screenshot({ path: path.join(SCREENSHOTS, 'network-alive.png') });
        await page.mouse.move(5, 5);
        await waitFor(async () => page.isHidden('#unit-heat'), { message: 'the overlay gone' });
        // Focus does the same for keyboard users.
        await page.focus('#net-diagram g.nd-neuron[data-layer="1"][data-index="0"]');
        await waitFor(async () => page.isVisible('#unit-heat'), { message: 'the unit on focus' });
        assert.match(await page.textContent('#unit-caption'), /layer 2 neuron 1,/);
        await page.locator('#plot-wrap').screenshot({ path: path.join(SCREENSHOTS, 'unit-on-plot.png') });
        assert.deepEqual(problems, []);
      },
      { hash: '#hidden=4,3&activation=tanh' },
    );
  });

  test('the live diagram at the heaviest settings: heatmaps drawn, no main-thread task over 50 ms', { timeout: 120000 }, async () => {
    await withPage(
      async ({ page, problems }) => {
        await page.locator('#graph-view').scrollIntoViewIfNeeded();
        await page.selectOption('#graph-source', 'live');
        await page.locator('#graph-network').scrollIntoViewIfNeeded();
        const draws = () => page.evaluate(() => Number(document.getElementById('net-heat').dataset.draws || 0));
        await waitFor(async () => (await draws()) >= 1, { timeout: 60000, message: 'the heatmaps' });
        // Building the drawing of 6,000 links once, on opening the live view, is not counted:
        // from then on, recolouring the links and redrawing the heatmaps must stay short.
        await page.waitForTimeout(500);
        const since = await page.evaluate(() => performance.now());
        const first = await draws();
        await waitFor(async () => (await draws()) >= first + 3, { timeout: 60000, message: 'three redraws more' });
        const long = await page.evaluate((t) => globalThis.longTasks.filter((e) => e.start > t), since);
        assert.deepEqual(long.filter((e) => e.ms > 50), [], 'no main-thread task over 50 ms');
        await page.locator('#graph-network').screenshot({ path: path.join(SCREENSHOTS, 'network-alive-6x32.png') });
        assert.deepEqual(problems, []);
      },
      { hash: '#hidden=32,32,32,32,32,32&n_points=5000', longTasks: true, startTimeout: 30000 },
    );
  });

  test('zero lines: each first-layer neuron\'s 0 line over the boundary, and the inspected deeper neuron\'s', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(
      async ({ page, problems }) => {
        assert.equal(await page.isHidden('#zero-lines'), true);
        await page.getByLabel('Zero lines').check();
        await waitFor(async () => {
          const z = await page.evaluate(() => globalThis.playground.zeroLines);
          return z.on && z.lines === 2 && z.segments > 0;
        }, { message: 'two zero lines' });
        const inked = () =>
          page.evaluate(() => {
            const c = document.getElementById('zero-lines');
            const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let k = 3; k < px.length; k += 4) if (px[k] > 0) n++;
            return n;
          });
        assert.ok((await inked()) > 100, 'the lines are drawn on the canvas over the plot');
        await page.locator('#plot-wrap').screenshot({ path: path.join(SCREENSHOTS, 'zero-lines.png') });
        // The output neuron open in the inspector: its zero contour too (the class boundary).
        await page.locator('#graph-view').scrollIntoViewIfNeeded();
        await page.selectOption('#graph-source', 'live');
        await page.click('#net-diagram g.nd-neuron[data-layer="1"][data-index="0"]');
        await waitFor(async () => (await page.evaluate(() => globalThis.playground.zeroLines.lines)) === 3, { message: 'three lines' });
        // Off: nothing drawn.
        await page.getByLabel('Zero lines').uncheck();
        assert.equal(await page.isHidden('#zero-lines'), true);
        assert.equal(await page.evaluate(() => globalThis.playground.zeroLines.on), false);
        assert.deepEqual(problems, []);
      },
      { hash: '#dataset=gaussians&hidden=2&activation=tanh' },
    );
  });

  test('the hidden layer\'s view: the points and bent grid lines; another neuron, another picture', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(
      async ({ page, problems }) => {
        await page.locator('#hidden-view').scrollIntoViewIfNeeded();
        await waitFor(async () => {
          const h = await page.evaluate(() => globalThis.playground.hiddenSpace);
          return h.draws > 0 && h.points > 0 && h.lines === 22;
        }, { message: 'the hidden view drawn' });
        assert.equal(await page.locator('#hs-layer option').count(), 2);
        assert.equal(await page.locator('#hs-a option').count(), 5);
        await page.click('#play'); // a still picture to compare
        await waitFor(() => page.evaluate(() => !globalThis.playground.playing), { message: 'paused' });
        const pixels = () =>
          page.evaluate(() => {
            const c = document.getElementById('hs-canvas');
            return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, k) => k % 16 === 0));
          });
        const draws = await page.evaluate(() => globalThis.playground.hiddenSpace.draws);
        const before = await pixels();
        assert.ok(before.some((v) => v !== 0), 'something is drawn');
        assert.match(await page.getAttribute('#hs-canvas', 'aria-label'), /h1\.1 across, h1\.2 up/);
        // Keyboard: choose another neuron for the vertical axis.
        await page.focus('#hs-b');
        await page.keyboard.press('ArrowDown');
        await waitFor(async () => (await page.evaluate(() => globalThis.playground.hiddenSpace.draws)) > draws, { message: 'a redraw' });
        await waitFor(async () => /h1\.3 up/.test(await page.getAttribute('#hs-canvas', 'aria-label')), { message: 'the new axis' });
        const after = await pixels();
        assert.ok(after.some((v, k) => v !== before[k]), 'the picture changed');
        // The second hidden layer.
        await page.selectOption('#hs-layer', '1');
        await waitFor(async () => /h2\.1 across/.test(await page.getAttribute('#hs-canvas', 'aria-label')), { message: 'layer 2' });
        await page.click('#play');
        await page.locator('#hidden-view').scrollIntoViewIfNeeded();
        await page.selectOption('#hs-layer', '0');
        await waitFor(async () => /h1\.1 across, h1\.2 up/.test(await page.getAttribute('#hs-canvas', 'aria-label')), { message: 'layer 1 again' });
        await page.waitForTimeout(1000);
        await page.locator('#hidden-view').screenshot({ path: path.join(SCREENSHOTS, 'hidden-space.png') });
        assert.deepEqual(problems, []);
      },
      { hash: '#dataset=spiral&hidden=5,4&activation=tanh' },
    );
  });

  test('runs to compare: each reset or rebuild keeps the run; two curves overlaid; Restore applies its settings; Clear', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(
      async ({ page, problems }) => {
        const steps = () => page.evaluate(() => (globalThis.playground.stats ? globalThis.playground.stats.step : 0));
        await waitFor(async () => (await steps()) > 30, { message: 'some steps' });
        assert.equal(await page.isVisible('#runs-empty'), true);
        // Run 1 ends with Reset.
        await page.click('#reset');
        await waitFor(async () => (await page.evaluate(() => globalThis.playground.runs.count)) === 1, { message: 'one run kept' });
        await waitFor(async () => (await steps()) > 30, { message: 'steps again' });
        // Run 2 ends with a rebuild (3 hidden layers... from the layers field, by keyboard).
        await page.fill('#layers', '1');
        await page.press('#layers', 'Enter');
        await waitFor(async () => (await page.evaluate(() => globalThis.playground.runs.count)) === 2, { message: 'two runs kept' });
        const kept = await page.evaluate(() => globalThis.playground.runs.runs);
        assert.match(kept[0].hash, /hidden=4%2C4|hidden=4,4/, 'the newest first: the 4,4 network');
        assert.equal(await page.locator('#runs-list li').count(), 2);
        assert.match(await page.textContent('#runs-list li:first-child'), /moons: test accuracy \d+\.\d%, [\d,]+ steps/);
        // Both overlaid on the chart.
        await page.check('#run-0');
        await page.check('#run-1');
        await waitFor(async () => (await page.evaluate(() => globalThis.playground.runs.drawn)) === 2, { message: 'two curves drawn' });
        await page.locator('#chart').scrollIntoViewIfNeeded();
        await page.locator('.runs-panel').screenshot({ path: path.join(SCREENSHOTS, 'runs.png') });
        await page.locator('#chart').screenshot({ path: path.join(SCREENSHOTS, 'runs-chart.png') });
        // Kept in localStorage: a reload lists them.
        await page.reload();
        await waitForTraining(page);
        assert.equal(await page.evaluate(() => globalThis.playground.runs.count), 2);
        // Restore the newest: its settings (two hidden layers of 4) come back.
        assert.deepEqual((await page.evaluate(() => globalThis.playground.config)).hidden.length, 1);
        await page.click('#runs-list li:first-child button');
        await waitFor(async () => (await page.evaluate(() => globalThis.playground.config)).hidden.join(',') === '4,4', { message: 'the restored settings' });
        // Clear forgets them.
        await page.click('#runs-clear');
        await waitFor(async () => (await page.evaluate(() => globalThis.playground.runs.count)) === 0, { message: 'cleared' });
        assert.equal(await page.evaluate(() => localStorage.getItem('micrograd-playground.runs')), '[]');
        assert.deepEqual(problems, []);
      },
      { hash: '#dataset=moons&hidden=4,4' },
    );
  });
});
