// End-to-end tests of the built page (dist/), in the system Chromium.
// Run: node --test tests/e2e/   (after `trunk build --release`)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, axeViolations, openPage, pageOpener, readNumber, serveDist, waitFor, waitForTraining, unlabelledControls } from './helpers.mjs';

const TEST_TIMEOUT = 30000;

const serverUrl = serveDist();

/** Open the page (optionally with a hash) in a fresh browser, run `fn`, always close it. */
const withPage = pageOpener(serverUrl);

async function pointTotal(page) {
  const text = (await page.textContent('#r-points')) || '';
  const nums = text.match(/\d+/g) || [];
  return nums.reduce((a, b) => a + Number(b), 0);
}

describe('micrograd playground page', { timeout: 200000 }, () => {
  test('loads with no console error, no failed request and only same-origin requests', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems, requests }) => {
      await waitForTraining(page);
      await page.waitForTimeout(1000);
      assert.deepEqual(problems, []);
      assert.ok(requests.some((u) => u.endsWith('.wasm')), `the wasm module was requested: ${requests.join(', ')}`);
      const origin = new URL(serverUrl()).origin;
      for (const u of requests) {
        if (u.startsWith('data:') || u.startsWith('blob:')) continue;
        assert.equal(new URL(u).origin, origin, `request to ${u}`);
      }
      assert.equal(await page.isVisible('#panic-banner'), false, 'no panic banner');
      const text = await page.textContent('body');
      assert.ok(!/\bNaN\b/.test(text), 'no NaN is shown');
      assert.equal((await page.textContent('#play')).trim(), 'Pause', 'training runs on load');
    });
  });

  test('training on moons passes 95% train accuracy within 10 seconds', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await page.waitForSelector('#loading', { state: 'hidden', timeout: 15000 });
      const acc = await waitFor(
        async () => {
          const a = await readNumber(page, '#r-train-acc');
          return a >= 95 ? a : 0;
        },
        { timeout: 10000, message: 'train accuracy >= 95%' },
      );
      assert.ok(acc >= 95);
      assert.deepEqual(problems, []);
    });
  });

  test('the learning-rate slider changes the shown value and training goes on from the same step', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const before = (await page.textContent('#lr-value')).trim();
      const stepBefore = await readNumber(page, '#r-step');
      await page.focus('#lr');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      const afterText = (await page.textContent('#lr-value')).trim();
      assert.notEqual(afterText, before, 'the shown learning rate changed');
      assert.ok(Number(afterText) > Number(before), `${afterText} > ${before}`);
      const stepAfter = await readNumber(page, '#r-step');
      assert.ok(stepAfter >= stepBefore, `step did not reset (${stepBefore} -> ${stepAfter})`);
      await waitFor(async () => (await readNumber(page, '#r-step')) > stepAfter, {
        timeout: 5000,
        message: 'training to continue',
      });
      assert.deepEqual(problems, []);
    });
  });

  test('Pause stops the step counter', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      await page.click('#play');
      assert.equal((await page.textContent('#play')).trim(), 'Play');
      await page.waitForTimeout(200);
      const a = await readNumber(page, '#r-step');
      await page.waitForTimeout(500);
      const b = await readNumber(page, '#r-step');
      assert.equal(b, a, 'no steps while paused');
      await page.click('#play');
      assert.equal((await page.textContent('#play')).trim(), 'Pause');
      await waitFor(async () => (await readNumber(page, '#r-step')) > b, { timeout: 5000, message: 'resume' });
      await page.click('#step'); // Step pauses and runs one step
      assert.equal((await page.textContent('#play')).trim(), 'Play');
      // Paused: the counter settles (a snapshot on its way may still bring the last steps).
      await page.waitForTimeout(300);
      const c = await readNumber(page, '#r-step');
      await page.waitForTimeout(300);
      assert.equal(await readNumber(page, '#r-step'), c, 'paused after Step');
      await page.click('#step');
      await waitFor(async () => (await readNumber(page, '#r-step')) === c + 1, { timeout: 3000, message: 'one step' });
      assert.deepEqual(problems, []);
    });
  });

  test('clicking the plot adds a point', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const before = await pointTotal(page);
      assert.ok(before > 0);
      const box = await page.locator('#plot').boundingBox();
      await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.45);
      await waitFor(async () => (await pointTotal(page)) === before + 1, { timeout: 3000, message: 'one more point' });
      await page.keyboard.down('Shift');
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await page.keyboard.up('Shift');
      await waitFor(async () => (await pointTotal(page)) === before + 2, { timeout: 3000, message: 'shift-click point' });
      // The keyboard alternative: focus the plot, Enter adds a point at the cross.
      await page.focus('#plot');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await pointTotal(page)) === before + 3, { timeout: 3000, message: 'keyboard point' });
      assert.deepEqual(problems, []);
    });
  });

  test('a copied URL reproduces the settings in a new page', { timeout: TEST_TIMEOUT }, async () => {
    let url;
    let expected;
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      await page.click('label:has(#ds-circles)');
      await waitFor(async () => page.isChecked('#ds-circles'), { message: 'circles chosen' });
      await page.selectOption('#activation', 'tanh');
      await page.fill('#layers', '3');
      await page.press('#layers', 'Tab');
      await page.waitForSelector('#neurons-2');
      await page.fill('#neurons-0', '5');
      await page.press('#neurons-0', 'Tab');
      await page.focus('#lr');
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
      await page.check('#discretize');
      await page.selectOption('#optimizer', 'adam');
      expected = {
        lr: await page.inputValue('#lr'),
        lrText: (await page.textContent('#lr-value')).trim(),
        layers: await page.inputValue('#layers'),
        n0: await page.inputValue('#neurons-0'),
      };
      assert.equal(expected.layers, '3');
      assert.equal(expected.n0, '5');
      url = await waitFor(
        async () => {
          const u = page.url();
          return u.includes('dataset=circles') &&
            u.includes('activation=tanh') &&
            u.includes('optimizer=adam') &&
            u.includes('discretize=1') &&
            u.includes(`learning_rate=${expected.lrText}`)
            ? u
            : '';
        },
        { timeout: 5000, message: 'the URL to hold the settings' },
      );
      assert.deepEqual(problems, []);
    });
    const hash = new URL(url).hash;
    await withPage(hash, async ({ page, problems }) => {
      await waitForTraining(page);
      assert.equal(await page.isChecked('#ds-circles'), true);
      assert.equal(await page.inputValue('#activation'), 'tanh');
      assert.equal(await page.inputValue('#optimizer'), 'adam');
      assert.equal(await page.inputValue('#layers'), expected.layers);
      assert.equal(await page.inputValue('#neurons-0'), expected.n0);
      assert.equal(await page.locator('#neurons input').count(), 3);
      assert.equal(await page.inputValue('#lr'), expected.lr);
      assert.equal((await page.textContent('#lr-value')).trim(), expected.lrText);
      assert.equal(await page.isChecked('#discretize'), true);
      assert.equal(await page.locator('#notices li.error').count(), 0, 'no error notice');
      assert.deepEqual(problems, []);
    });
  });

  test('a screenshot of the page is written', { timeout: TEST_TIMEOUT }, async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      await waitFor(async () => (await readNumber(page, '#r-train-acc')) >= 90, {
        timeout: 10000,
        message: 'a trained-looking boundary',
      });
      await page.waitForTimeout(500);
      const file = path.join(SCREENSHOTS, 'playground.png');
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 10000, 'the screenshot has content');
      assert.deepEqual(problems, []);
    });
    // The phone layout too.
    await withPage(
      '',
      async ({ page, problems }) => {
        await waitForTraining(page);
        await page.waitForTimeout(1000);
        const file = path.join(SCREENSHOTS, 'playground-phone.png');
        await page.screenshot({ path: file, fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
        assert.deepEqual(problems, []);
      },
      { viewport: { width: 390, height: 844 } },
    );
  });

  test('the boundary heatmap is on screen under the points, smooth or discretized', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      await waitFor(async () => (await readNumber(page, '#r-train-acc')) >= 95, {
        timeout: 10000,
        message: 'a trained boundary',
      });
      await page.click('#play'); // pause: both screenshots show the same network
      await page.waitForTimeout(200);
      // What a person sees (the composited page, not a canvas's own pixels), read back by
      // the browser: the plot rectangle's colours, counted.
      const colours = async () => {
        const png = await page.locator('.plot-wrap').screenshot();
        return page.evaluate(async (b64) => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = document.createElement('canvas');
          [c.width, c.height] = [img.width, img.height];
          const ctx = c.getContext('2d');
          ctx.drawImage(img, 0, 0);
          // The heatmap's box inside the wrap (the plot rectangle), 4 px in from its edges.
          const wrap = document.querySelector('.plot-wrap').getBoundingClientRect();
          const heat = document.getElementById('heat').getBoundingClientRect();
          const x0 = Math.ceil(heat.left - wrap.left) + 4;
          const y0 = Math.ceil(heat.top - wrap.top) + 4;
          const d = ctx.getImageData(x0, y0, Math.floor(heat.width) - 8, Math.floor(heat.height) - 8).data;
          let orange = 0;
          let blue = 0;
          const counts = new Map();
          for (let i = 0; i < d.length; i += 4) {
            const [r, g, bl] = [d[i], d[i + 1], d[i + 2]];
            if (r > bl + 40) orange += 1;
            if (bl > r + 40) blue += 1;
            const key = (r << 16) | (g << 8) | bl;
            counts.set(key, (counts.get(key) || 0) + 1);
          }
          const top2 = [...counts.values()].sort((a, b) => b - a).slice(0, 2);
          const n = d.length / 4;
          return { orange: orange / n, blue: blue / n, distinct: counts.size, top2: (top2[0] + (top2[1] || 0)) / n };
        }, png.toString('base64'));
      };
      const smooth = await colours();
      assert.ok(smooth.orange > 0.15 && smooth.blue > 0.15, `both classes' shades show: ${JSON.stringify(smooth)}`);
      assert.ok(smooth.distinct > 100, `the confidence is shaded smoothly: ${JSON.stringify(smooth)}`);
      await page.check('#discretize');
      await page.waitForTimeout(300);
      const discrete = await colours();
      assert.ok(discrete.orange > 0.15 && discrete.blue > 0.15, `both classes show: ${JSON.stringify(discrete)}`);
      assert.ok(discrete.top2 > 0.75, `two solid class colours fill the plot: ${JSON.stringify(discrete)}`);
      assert.deepEqual(problems, []);
    });
  });

  test('a malformed URL hash keeps every valid setting and names each one it ignored', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#dataset=banana&hidden=16,x&learning_rate=fast&junk=1&activation=tanh', async ({ page, problems }) => {
      const notice = page.locator('#notices li', { hasText: 'changed or ignored' }).first();
      await notice.waitFor({ state: 'visible', timeout: 15000 });
      const text = await notice.textContent();
      for (const word of ['dataset', 'banana', 'hidden', 'learning_rate', 'junk']) assert.ok(text.includes(word), `${word} named: ${text}`);
      await waitForTraining(page);
      // The valid setting is kept; the ignored ones keep their defaults.
      assert.equal(await page.inputValue('#activation'), 'tanh');
      assert.equal(await page.isChecked('#ds-moons'), true, 'the bad dataset left the default');
      assert.equal((await page.textContent('#lr-value')).trim(), '0.1');
      await waitFor(() => page.url().includes('activation=tanh') && !page.url().includes('junk'), {
        timeout: 3000,
        message: 'the URL to hold the settings used',
      });
      assert.equal(await page.isVisible('#panic-banner'), false);
      assert.deepEqual(problems, []);
    });
    // A well-formed number out of range: clamped, and the message says the range in words.
    await withPage('#n_points=-5', async ({ page, problems }) => {
      const notice = page.locator('#notices li', { hasText: 'n_points' }).first();
      await notice.waitFor({ state: 'visible', timeout: 15000 });
      assert.match(await notice.textContent(), /whole number from 10 to 5000; got -5/);
      await waitForTraining(page);
      assert.deepEqual(problems, []);
    });
  });

  test('importing a bad model file shows the reason and keeps the run; export downloads JSON', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      assert.match(download.suggestedFilename(), /\.json$/);
      const saved = await download.path();
      const json = JSON.parse(fs.readFileSync(saved, 'utf8'));
      assert.equal(typeof json, 'object');
      const stepBefore = await readNumber(page, '#r-step');
      await page.setInputFiles('#import-file', {
        name: 'broken.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"not": "a model"'),
      });
      await page.locator('#notices li.error').first().waitFor({ state: 'visible', timeout: 5000 });
      assert.match(await page.locator('#notices li.error').first().textContent(), /Import failed/);
      assert.ok((await readNumber(page, '#r-step')) >= stepBefore, 'the run was kept');
      // A good file (the one just exported) is accepted.
      await page.setInputFiles('#import-file', saved);
      await page.locator('#notices li.info', { hasText: 'Imported' }).waitFor({ state: 'visible', timeout: 5000 });
      assert.deepEqual(problems, []);
    });
  });

  test('a speed the machine cannot keep up with is lowered, and the page says so', { timeout: 3 * TEST_TIMEOUT }, async () => {
    // A workload no machine fits in a frame, whatever its speed: 500 full-batch steps over
    // 5,000 training points of the 2-16-16-1 network are about 5 GFLOP (some 400 GFLOP/s to
    // fit the 12 ms budget on one core). The default network on 100 points, by contrast, fits
    // on a fast machine, so it cannot be what this test relies on.
    await withPage('#speed=500&n_points=5000&test_fraction=0&batch_size=0', async ({ page, problems }) => {
      await waitForTraining(page);
      assert.equal((await page.textContent('#speed-value')).trim(), '500 steps/frame');
      const notice = page.locator('#notices li', { hasText: 'Speed lowered' });
      await notice.waitFor({ state: 'visible', timeout: 2 * TEST_TIMEOUT });
      const speed = () => page.textContent('#speed-value').then((t) => parseInt(t, 10));
      assert.ok((await speed()) < 500, `speed now ${await speed()}`);
      // The URL follows the speed shown (read afresh: a slow machine may lower it again).
      await waitFor(async () => new RegExp(`[#&]speed=${await speed()}(&|$)`).test(page.url()), {
        timeout: 5000,
        message: 'the URL to follow',
      });
      assert.deepEqual(problems, []);
    });
  });

  test('canvases are sized for high-DPI screens', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(
      '',
      async ({ page, problems }) => {
        await waitForTraining(page);
        const sizes = await page.evaluate(() =>
          ['plot', 'chart'].map((id) => {
            const c = document.getElementById(id);
            const r = c.getBoundingClientRect();
            return { id, w: c.width, h: c.height, cssW: r.width, cssH: r.height };
          }),
        );
        for (const s of sizes) {
          assert.ok(Math.abs(s.w - 2 * s.cssW) <= 2, `${s.id}: ${s.w} backing pixels for ${s.cssW} CSS pixels`);
          assert.ok(Math.abs(s.h - 2 * s.cssH) <= 2, `${s.id}: ${s.h} backing pixels for ${s.cssH} CSS pixels`);
        }
        assert.deepEqual(problems, []);
      },
      { deviceScaleFactor: 2 },
    );
  });

  test('prefers-reduced-motion lowers the redraw rate but training goes on', { timeout: TEST_TIMEOUT }, async () => {
    const measure = async (reducedMotion) =>
      withPage(
        '',
        async ({ page, problems }) => {
          await waitForTraining(page);
          const c0 = await page.evaluate(() => globalThis.playground.counters);
          const s0 = await readNumber(page, '#r-step');
          await page.waitForTimeout(2000);
          const c1 = await page.evaluate(() => globalThis.playground.counters);
          const s1 = await readNumber(page, '#r-step');
          assert.deepEqual(problems, []);
          return {
            frames: c1.frames - c0.frames,
            draws: c1.boundaryDraws - c0.boundaryDraws,
            steps: s1 - s0,
          };
        },
        { reducedMotion },
      );
    const reduced = await measure('reduce');
    const normal = await measure('no-preference');
    assert.ok(reduced.steps > 0, 'training goes on with reduced motion');
    assert.ok(reduced.draws <= 6, `about 2 boundary redraws a second with reduced motion (${reduced.draws})`);
    assert.ok(normal.draws > reduced.draws * 2, `more redraws without it (${normal.draws} vs ${reduced.draws})`);
  });

  test('axe finds no serious accessibility violations', { timeout: TEST_TIMEOUT }, async () => {
    const { page, close } = await openPage(serverUrl());
    try {
      await page.goto(serverUrl());
      await waitForTraining(page);
      await page.click('#play'); // a still page for a stable audit
      // Every control has a visible label and help text (a title on it or on its label).
      assert.deepEqual(await unlabelledControls(page), []);
      assert.deepEqual(await axeViolations(page), []);
    } finally {
      await close();
    }
  });
});
