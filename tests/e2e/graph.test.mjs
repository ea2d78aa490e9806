// End-to-end tests of the graph view (micrograd's computational graph, stepped forward and
// backward) on the built page (dist/), in the system Chromium.
// Run: node --test tests/e2e/   (after `trunk build --release`)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, axeViolations, openPage, readNumber, serveDist, waitFor, waitForTraining, unlabelledControls } from './helpers.mjs';

const TEST_TIMEOUT = 45000;

const serverUrl = serveDist();

/** `options.hash`: a link to open (`#hidden=...`); the rest go to openPage. */
async function withPage(fn, options = {}) {
  const opened = await openPage(serverUrl(), options);
  try {
    await opened.page.goto(serverUrl() + (options.hash || ''));
    await waitForTraining(opened.page);
    await opened.page.locator('#graph-view').scrollIntoViewIfNeeded();
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

const node = (label) => `#graph-svg g.gv-value[data-label="${label}"]`;

/** "grad 1.0000" -> "1.0000" for the value box labelled `label`. */
async function gradOf(page, label) {
  return ((await page.textContent(`${node(label)} .gv-grad`)) || '').replace(/^grad\s*/, '');
}

async function dataOf(page, label) {
  return ((await page.textContent(`${node(label)} .gv-data`)) || '').replace(/^data\s*/, '');
}

async function progress(page) {
  const text = (await page.textContent('#graph-progress')) || '';
  const m = text.match(/forward (\d+)\/(\d+) · backward (\d+)\/(\d+)/);
  return m ? { fwd: +m[1], F: +m[2], bwd: +m[3], B: +m[4] } : null;
}

describe('graph view', { timeout: 400000 }, () => {
  test('the neuron example steps forward then backward to the lecture gradients; product too', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.selectOption('#graph-source', 'ex:neuron');
      await page.waitForSelector(node('o'));
      // Forward, one node per press: the first press starts from the inputs.
      await page.click('#graph-forward');
      let p = await progress(page);
      assert.equal(p.fwd, 1, 'one value computed after the first press');
      assert.ok((await page.locator('#graph-svg .gv-node.pending').count()) > 0, 'later values drawn pale');
      assert.equal(await dataOf(page, 'o'), '…', 'the output is not computed yet');
      assert.equal(await gradOf(page, 'w1'), '…', 'no grads before backward');
      for (let i = 0; i < 20 && p.fwd < p.F; i++) {
        await page.click('#graph-forward');
        p = await progress(page);
      }
      assert.equal(p.fwd, p.F, 'every value computed');
      assert.equal(await page.locator('#graph-svg .gv-node.pending').count(), 0, 'nothing pale');
      assert.equal(await dataOf(page, 'o'), '0.7071');
      assert.equal(await dataOf(page, 'n'), '0.8814');
      assert.equal(await gradOf(page, 'o'), '…', 'grads wait for the backward pass');
      // Backward: first the seed, then one node per press from the output back.
      await page.click('#graph-backward');
      assert.equal(await gradOf(page, 'o'), '1.0000', 'the output is seeded with 1');
      assert.equal(await gradOf(page, 'n'), '…');
      assert.match(await page.textContent('#graph-explain'), /seed/);
      await page.click('#graph-backward');
      assert.equal(await gradOf(page, 'n'), '0.5000', 'do/dn = 1 - tanh(n)^2 = 0.5');
      assert.equal(await gradOf(page, 'w1'), '…', 'w1 not reached yet');
      const explain = (await page.textContent('#graph-explain')).replace(/\s+/g, ' ');
      assert.match(explain, /d\(o\)\/d\(n\) = .*0\.5000 \(local\) × grad\(o\) 1\.0000 = 0\.5000 → grad\(n\) = 0\.5000/);
      assert.equal(await page.locator('#graph-svg .gv-node.current').count(), 2, 'o and its tanh highlighted');
      p = await progress(page);
      for (let i = 0; i < 20 && p.bwd < p.B; i++) {
        await page.click('#graph-backward');
        p = await progress(page);
      }
      assert.equal(p.bwd, p.B, 'every node passed its grad back');
      assert.equal(await gradOf(page, 'w1'), '1.0000');
      assert.equal(await gradOf(page, 'x1'), '-1.5000');
      assert.equal(await gradOf(page, 'x2'), '0.5000');
      assert.equal(await gradOf(page, 'w2'), '0.0000');
      assert.equal(await gradOf(page, 'b'), '0.5000');
      assert.match(await page.textContent('#graph-explain'), /backward pass is complete/);

      // Keyboard: the step buttons are plain buttons.
      await page.focus('#graph-reset');
      await page.keyboard.press('Enter');
      assert.equal((await progress(page)).fwd, 0, 'Reset stepping: inputs only');
      await page.focus('#graph-forward');
      await page.keyboard.press('Space');
      assert.equal((await progress(page)).fwd, 1, 'Space on Forward steps');

      // The product example: c = a * b with a = 1, b = 2.
      await page.selectOption('#graph-source', 'ex:product');
      await page.waitForSelector(node('c'));
      await page.click('#graph-reset');
      for (let i = 0; i < 10; i++) {
        p = await progress(page);
        if (p.bwd === p.B) break;
        await page.click('#graph-backward');
      }
      assert.equal(await gradOf(page, 'a'), '2.0000');
      assert.equal(await gradOf(page, 'b'), '1.0000');
      assert.equal(await dataOf(page, 'c'), '2.0000');
      await page.click('#graph-run');
      assert.match(await page.textContent('#graph-progress'), /all computed/);
      assert.deepEqual(problems, []);
    });
  });

  test('editing an input recomputes the graph', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.selectOption('#graph-source', 'ex:product');
      await page.waitForSelector(node('c'));
      assert.equal(await page.inputValue('#graph-input-0'), '1');
      await page.fill('#graph-input-0', '3');
      await waitFor(async () => (await dataOf(page, 'c')) === '6.0000', { timeout: 3000, message: 'c = 3 * 2' });
      assert.equal(await gradOf(page, 'b'), '3.0000', 'dc/db = a = 3');
      // A half-typed number leaves the graph as it was.
      await page.fill('#graph-input-1', '');
      assert.equal(await dataOf(page, 'c'), '6.0000');
      await page.press('#graph-input-1', 'Tab');
      assert.equal(await page.inputValue('#graph-input-1'), '2', 'an empty input is restored');
      // Each example lists its own inputs, with labels.
      await page.selectOption('#graph-source', 'ex:sum_of_products');
      await page.waitForSelector(node('L'));
      const labels = await page.$$eval('#graph-input-list label span', (s) => s.map((e) => e.textContent));
      assert.deepEqual(labels, ['a', 'b', 'c', 'f']);
      assert.equal(await dataOf(page, 'L'), '-8.0000', 'L = (2 * -3 + 10) * -2');
      assert.deepEqual(problems, []);
    });
  });

  test('the live neuron follows training, pauses while stepped, and another neuron or point can be picked', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.selectOption('#graph-source', 'live');
      await page.waitForSelector('#net-diagram g.nd-neuron');
      const title0 = (await page.textContent('#graph-title')).trim();
      assert.match(title0, /layer 1 neuron 1, on point #0/);
      assert.equal(await page.getAttribute('#net-diagram g[data-layer="0"][data-index="0"]', 'aria-checked'), 'true');
      // Live: the drawn numbers change as training runs (at most twice a second).
      const text = () => page.textContent('#graph-svg');
      const a = await text();
      await page.waitForTimeout(1500);
      const b = await text();
      assert.notEqual(a, b, 'the neuron graph changed while training ran');
      // Throttled: not redrawn every frame.
      const redraws = await page.evaluate(
        () =>
          new Promise((resolve) => {
            let n = 0;
            const obs = new MutationObserver(() => (n += 1));
            obs.observe(document.getElementById('graph-svg'), { childList: true });
            setTimeout(() => {
              obs.disconnect();
              resolve(n);
            }, 2000);
          }),
      );
      assert.ok(redraws >= 1 && redraws <= 5, `about 2 redraws a second (${redraws} in 2 s)`);
      // Stepping freezes it.
      await page.click('#graph-forward');
      const frozen = await text();
      await page.waitForTimeout(1200);
      assert.equal(await text(), frozen, 'no live redraw while stepping');
      assert.match(await page.textContent('#graph-live-note'), /paused/);
      await page.click('#graph-run');
      await waitFor(async () => (await text()) !== frozen, { timeout: 3000, message: 'live again after Run all' });

      // Pick another neuron in the diagram: a click...
      await page.click('#net-diagram g[data-layer="0"][data-index="2"]');
      await waitFor(async () => /layer 1 neuron 3,/.test(await page.textContent('#graph-title')), {
        timeout: 3000,
        message: 'the title to name neuron 3',
      });
      assert.equal(await page.inputValue('#graph-neuron'), '0:2', 'the select follows');
      // ...and the keyboard (the diagram is a radio group).
      await page.focus('#net-diagram g[data-layer="0"][data-index="2"]');
      await page.keyboard.press('ArrowDown');
      await waitFor(async () => /layer 1 neuron 4,/.test(await page.textContent('#graph-title')), { timeout: 3000, message: 'neuron 4' });
      await page.keyboard.press('ArrowRight');
      await waitFor(async () => /layer 2 neuron/.test(await page.textContent('#graph-title')), { timeout: 3000, message: 'layer 2' });
      // The output neuron via the select.
      await page.selectOption('#graph-neuron', '2:0');
      await waitFor(async () => /layer 3 neuron 1 \(output\)/.test(await page.textContent('#graph-title')), { timeout: 3000, message: 'output' });

      // Another point: by number...
      await page.fill('#graph-point', '3');
      await page.press('#graph-point', 'Tab');
      await waitFor(async () => /on point #3/.test(await page.textContent('#graph-title')), { timeout: 3000, message: 'point #3' });
      // ...or by picking on the plot: the click selects a point instead of adding one.
      const pointsText = await page.textContent('#r-points');
      await page.click('#graph-pick');
      assert.equal(await page.getAttribute('#graph-pick', 'aria-pressed'), 'true');
      await page.locator('#plot').scrollIntoViewIfNeeded();
      const box = await page.locator('#plot').boundingBox();
      await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
      assert.equal(await page.getAttribute('#graph-pick', 'aria-pressed'), 'false', 'one pick, then back to adding');
      await page.waitForTimeout(300);
      assert.equal(await page.textContent('#r-points'), pointsText, 'no point was added');
      const picked = Number(await page.inputValue('#graph-point'));
      assert.ok(Number.isInteger(picked) && picked >= 0);
      assert.match(await page.textContent('#graph-title'), new RegExp(`on point #${picked}$`));
      // Esc cancels picking.
      await page.click('#graph-pick');
      await page.keyboard.press('Escape');
      assert.equal(await page.getAttribute('#graph-pick', 'aria-pressed'), 'false');
      assert.deepEqual(problems, []);
    });
  });

  test('Check gradients reports no errors and a small relative error', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      // On the fresh network (paused, step 0) the check is deterministic.
      await page.click('#play');
      await page.click('#reset');
      await page.click('#check-gradients');
      // The check runs in the worker; the panel says so meanwhile, then gives the result.
      const text = await waitFor(async () => {
        const t = await page.textContent('#gradcheck-result');
        return /relative error/.test(t) ? t : null;
      }, { timeout: 10000, message: 'the gradient check result' });
      const m = text.match(/^No errors: largest relative error (\S+) over (\d+) parameters \(param #\d+: autograd \S+, numeric \S+\)\./);
      assert.ok(m, `the result reads as expected: "${text}"`);
      assert.ok(Number(m[1]) < 1e-4, `relative error ${m[1]} < 1e-4`);
      assert.equal(Number(m[2]), 337, '2-16-16-1 has 337 parameters');
      assert.match(text, /Weights of step 0, 80 training points\.$/);
      assert.equal(await page.isHidden('#check-cancel'), true);
      assert.equal(await page.isDisabled('#check-gradients'), false);
      await page.locator('#gradcheck-result').scrollIntoViewIfNeeded();
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'gradcheck-result.png') });
      assert.deepEqual(problems, []);
    });
  });

  test('a long gradient check shows progress, leaves Pause working, and can be cancelled', { timeout: 90000 }, async () => {
    // The case: 6 hidden layers of 32 on 5,000 points took 53 s in one call.
    const hash = '#hidden=32,32,32,32,32,32&n_points=5000&test_fraction=0';
    await withPage(async ({ page, problems }) => {
      await page.click('#check-gradients');
      const first = await waitFor(async () => {
        const t = await page.textContent('#gradcheck-result');
        return /^Checking… [\d,]+ of [\d,]+ parameters/.test(t) && !/Checking… 0 of/.test(t) ? t : null;
      }, { timeout: 20000, message: 'the check to make progress' });
      const m = first.match(/^Checking… ([\d,]+) of ([\d,]+) parameters, on the weights of step ([\d,]+)/);
      assert.ok(m, first);
      const total = Number(m[2].replace(/,/g, ''));
      assert.equal(total, 2 * 32 + 32 + 5 * (32 * 32 + 32) + 33);
      assert.equal(await page.isVisible('#check-cancel'), true, 'Cancel is offered');
      assert.equal(await page.isDisabled('#check-gradients'), true);
      assert.equal(await page.isVisible('#gradcheck-progress'), true);
      // It moves on.
      await waitFor(async () => {
        const t = await page.textContent('#gradcheck-result');
        const k = t.match(/^Checking… ([\d,]+) of/);
        return k && Number(k[1].replace(/,/g, '')) > Number(m[1].replace(/,/g, '')) + 3;
      }, { timeout: 20000, message: 'more parameters checked' });
      await page.locator('#gradcheck-result').scrollIntoViewIfNeeded();
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'gradcheck-progress.png') });
      // Pause acts meanwhile: the step counter stops within a moment.
      const t0 = Date.now();
      await page.click('#play');
      await waitFor(async () => (await page.textContent('#play')).trim() === 'Play', { timeout: 3000, message: 'Pause to act' });
      assert.ok(Date.now() - t0 < 3000);
      // (a step already under way when Pause arrived may still land in the readout)
      await page.waitForTimeout(600);
      const stepA = await readNumber(page, '#r-step');
      await page.waitForTimeout(800);
      assert.equal(await readNumber(page, '#r-step'), stepA, 'paused while the check runs');
      assert.match(await page.textContent('#gradcheck-result'), /^Checking…/);
      // Cancel stops it, and says how far it got.
      await page.click('#check-cancel');
      const text = await page.textContent('#gradcheck-result');
      assert.match(text, /^Check cancelled after [\d,]+ of [\d,]+ parameters\.$/);
      await page.waitForTimeout(500);
      assert.equal(await page.textContent('#gradcheck-result'), text, 'no result arrives after Cancel');
      assert.equal(await page.isHidden('#check-cancel'), true);
      assert.equal(await page.isDisabled('#check-gradients'), false);
      assert.deepEqual(problems, []);
    }, { hash });
  });

  test('with no points, Check gradients says there is nothing to check, and pick mode ends', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.selectOption('#graph-source', 'live');
      await page.click('#graph-pick');
      assert.equal(await page.getAttribute('#graph-pick', 'aria-pressed'), 'true');
      await page.click('#clear-points');
      await waitFor(async () => (await page.textContent('#r-points')).startsWith('0'), { message: 'the points cleared' });
      // Pick mode ended with the points: the page asks to click to add, and a click adds.
      await waitFor(async () => (await page.getAttribute('#graph-pick', 'aria-pressed')) === 'false', { message: 'pick mode to end' });
      assert.match(await page.textContent('#notices'), /no points to pick: pick mode is off/);
      await page.click('#check-gradients');
      await waitFor(async () => /^No points: nothing to check/.test(await page.textContent('#gradcheck-result')), {
        message: 'the no-points answer',
      });
      await page.locator('#plot').scrollIntoViewIfNeeded();
      const box = await page.locator('#plot').boundingBox();
      await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.4);
      await waitFor(async () => (await page.textContent('#r-points')).startsWith('1'), { message: 'a point added' });
      assert.doesNotMatch(await page.textContent('#notices'), /There are no points to pick: add some first/);
      // Pick point with no points never enters pick mode.
      await page.click('#clear-points');
      await waitFor(async () => (await page.textContent('#r-points')).startsWith('0'), { message: 'the points cleared again' });
      await page.click('#graph-pick');
      assert.equal(await page.getAttribute('#graph-pick', 'aria-pressed'), 'false');
      assert.match(await page.textContent('#graph-point-info'), /No points/);
      assert.deepEqual(problems, []);
    });
  });

  test('a graph input out of range is refused with a message; the legend explains "—"', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.selectOption('#graph-source', 'ex:product');
      const before = await dataOf(page, 'c');
      await page.fill('#graph-input-0', '');
      await page.locator('#graph-input-0').pressSequentially('1e400');
      await waitFor(async () => page.isVisible('#graph-input-error'), { message: 'the refusal' });
      const msg = await page.textContent('#graph-input-error');
      assert.match(msg, /not a number the graph can use/);
      assert.match(msg, /The graph keeps a = /);
      assert.equal(await page.getAttribute('#graph-input-0', 'aria-invalid'), 'true');
      // A good number clears it and is used.
      await page.fill('#graph-input-0', '5');
      await waitFor(async () => (await dataOf(page, 'c')) === '10.0000', { message: 'c = 5 * 2' });
      assert.equal(await page.isHidden('#graph-input-error'), true);
      assert.notEqual(before, '10.0000');
      const legend = await page.textContent('#graph-legend');
      assert.match(legend, /“—” is “not a number”, what an overflow turns into/);
      assert.deepEqual(problems, []);
    });
  });

  test('Download DOT gives Graphviz text', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page, problems }) => {
      await page.selectOption('#graph-source', 'ex:product');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#graph-dot')]);
      assert.equal(download.suggestedFilename(), 'graph.dot');
      const dot = fs.readFileSync(await download.path(), 'utf8');
      assert.ok(dot.startsWith('digraph'), dot.slice(0, 40));
      assert.match(dot, /data 1\.0000/);
      assert.match(dot, /grad 2\.0000/);
      assert.deepEqual(problems, []);
    });
  });

  test('screenshots of an example mid-backward and of the live neuron; text is projector-sized', { timeout: TEST_TIMEOUT }, async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await withPage(async ({ page, problems }) => {
      await page.selectOption('#graph-source', 'ex:neuron');
      await page.click('#graph-reset');
      for (let i = 0; i < 5; i++) await page.click('#graph-forward');
      for (let i = 0; i < 4; i++) await page.click('#graph-backward');
      // The SVG text is at least 14 CSS px at 1280x720, and no box is clipped.
      const geometry = await page.evaluate(() => {
        const svg = document.getElementById('graph-svg');
        const vb = svg.viewBox.baseVal;
        const scale = svg.getBoundingClientRect().width / vb.width;
        const px = parseFloat(getComputedStyle(svg.querySelector('text')).fontSize) * scale;
        const overflow = [...svg.querySelectorAll('.gv-value')].filter((g) => {
          const rect = g.querySelector('rect').getBBox();
          return [...g.querySelectorAll('text')].some((t) => {
            const b = t.getBBox();
            return b.x < rect.x || b.x + b.width > rect.x + rect.width;
          });
        }).length;
        return { px, overflow, outside: svg.getBBox().width > vb.width + 1 || svg.getBBox().height > vb.height + 1 };
      });
      assert.ok(geometry.px >= 14, `graph text ${geometry.px}px`);
      assert.equal(geometry.overflow, 0, 'every text fits its box');
      assert.equal(geometry.outside, false, 'the drawing fits its viewBox');
      await page.locator('#graph-view').screenshot({ path: path.join(SCREENSHOTS, 'graph-example.png') });

      await page.selectOption('#graph-source', 'live');
      await page.waitForSelector(node('L1N1 out'));
      await page.waitForTimeout(600);
      await page.locator('#graph-view').screenshot({ path: path.join(SCREENSHOTS, 'graph-neuron.png') });
      for (const f of ['graph-example.png', 'graph-neuron.png']) {
        assert.ok(fs.statSync(path.join(SCREENSHOTS, f)).size > 10000, `${f} has content`);
      }
      assert.deepEqual(problems, []);
    });
  });

  test('the Graph view button scrolls to the panel; the panel fits a phone', { timeout: TEST_TIMEOUT }, async () => {
    const opened = await openPage(serverUrl(), { viewport: { width: 390, height: 844 } });
    try {
      const { page, problems } = opened;
      await page.goto(serverUrl());
      await waitForTraining(page);
      await page.click('#goto-graph');
      await waitFor(
        async () => page.evaluate(() => Math.abs(document.getElementById('graph-view').getBoundingClientRect().top) < 40),
        { timeout: 3000, message: 'the panel at the top of the window' },
      );
      await page.selectOption('#graph-source', 'live');
      await page.waitForSelector('#net-diagram g.nd-neuron');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal page scrolling on a phone (overflow ${overflow}px)`);
      assert.ok((await readNumber(page, '#r-step')) > 0);
      assert.deepEqual(problems, []);
    } finally {
      await opened.close();
    }
  });

  test('axe finds no serious accessibility violations with the graph view in use', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(async ({ page }) => {
      await page.click('#play');
      // Mid-stepping on an example (pale nodes, highlights) ...
      await page.click('#graph-reset');
      await page.click('#graph-forward');
      const found = await axeViolations(page, 'example');
      // ... and the live neuron with its diagram.
      await page.selectOption('#graph-source', 'live');
      await page.waitForSelector('#net-diagram g.nd-neuron');
      await page.click('#graph-backward');
      found.push(...(await axeViolations(page, 'live')));
      assert.deepEqual(found, []);
      // Every control of the panel has a visible label and help text.
      const missing = await unlabelledControls(page, '#graph-view');
      assert.deepEqual(missing, []);
    });
  });
});
