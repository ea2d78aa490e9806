// End-to-end: the lessons the playground teaches beyond two classes in two coordinates, in the
// real page with real clicks and keys: input features (circles are a line in x1², x2²), more
// than two classes with their confusion matrix, regression, people's own data as CSV (import
// by file, by paste and by drop; export and back), stop conditions, and the keys that choose
// the class a point gets. No test depends on the machine's speed: each waits for a condition.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, SCREENSHOTS, pageOpener, readNumber, serveDist, waitFor, waitForTraining } from './helpers.mjs';

const TEST_TIMEOUT = 90000;
/** Learning takes what it takes on this machine: a generous bound, never asserted as a time. */
const LEARN_MS = 60000;
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'csv');

const serverUrl = serveDist();
const withPage = pageOpener(serverUrl);
/** Tall enough that the plot, the Data and Model panels and the progress show in one picture. */
const TALL = { viewport: { width: 1280, height: 1000 } };

/** "80 train · 20 test" -> 100. */
async function pointTotal(page) {
  const text = (await page.textContent('#r-points')) || '';
  return (text.match(/\d[\d,]*/g) || []).reduce((a, b) => a + Number(b.replace(/,/g, '')), 0);
}

/** The points as the page has them: [x, y, label, test] rows. */
async function pointRows(page) {
  const flat = await page.evaluate(() => globalThis.playground.points);
  const rows = [];
  for (let i = 0; i + 3 < flat.length; i += 4) rows.push([flat[i], flat[i + 1], flat[i + 2], flat[i + 3]]);
  return rows;
}

const sortRows = (rows) => rows.map((r) => r.join(',')).sort();

/** The data rows of a CSV fixture: its non-blank lines, less a header (a first field that is no number). */
function csvRowCount(file) {
  const lines = fs
    .readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '');
  const first = lines[0].split(/[,;\t]/)[0].replace(/"/g, '').trim();
  return Number.isFinite(Number(first)) && first !== '' ? lines.length : lines.length - 1;
}

/** The sum of the confusion table's count cells. */
async function confusionSum(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#confusion-table tbody td')].reduce((a, td) => a + Number(td.textContent.replace(/,/g, '')), 0),
  );
}

async function pause(page) {
  if ((await page.textContent('#play')).trim() === 'Pause') await page.click('#play');
  await waitFor(async () => (await page.textContent('#play')).trim() === 'Play', { message: 'paused' });
}

async function shot(page, name, options = {}) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file, ...options });
  assert.ok(fs.statSync(file).size > 10000, `${name} has content`);
}

/** Dismiss every notice shown. */
async function dismissAll(page) {
  const dismiss = page.locator('#notices li button', { hasText: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
}

describe('lessons: features, classes, regression, CSV, stops', { timeout: 1200000 }, () => {
  test('circles with the features x1² and x2² and no hidden layer: over 95% on the test points', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#dataset=circles&features=x1sq,x2sq&hidden=&loss=bce&learning_rate=0.03', async ({ page, problems }) => {
      await waitForTraining(page);
      assert.equal(await page.isChecked('#feat-x1sq'), true);
      assert.equal(await page.isChecked('#feat-x1'), false);
      assert.equal(await page.inputValue('#layers'), '0');
      await waitFor(async () => (await readNumber(page, '#r-test-acc')) > 95, { timeout: LEARN_MS, message: 'test accuracy over 95%' });
      await shot(page, 'lesson-circles-features.png');
      // The network diagram has the two features as its inputs and one output, no hidden layer.
      await page.selectOption('#graph-source', 'live');
      await page.waitForSelector('#net-diagram .nd-neuron');
      const net = await page.evaluate(() => ({
        inputs: document.querySelectorAll('#net-diagram .nd-input').length,
        neurons: document.querySelectorAll('#net-diagram .nd-neuron').length,
        captions: [...document.querySelectorAll('#net-diagram .nd-caption')].map((t) => t.textContent),
      }));
      assert.equal(net.inputs, 2);
      assert.equal(net.neurons, 1);
      assert.ok(net.captions.includes('x1²') && net.captions.includes('x2²'), `inputs named by feature: ${net.captions}`);
      await page.locator('#graph-view').evaluate((e) => e.scrollIntoView());
      await shot(page, 'network-features.png');
      assert.deepEqual(problems, []);
    }, TALL);
  });

  test('six-class spiral: the plot, legend, diagram and graph view draw with six outputs', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#dataset=spiral&classes=6&hidden=16,16&activation=tanh&optimizer=adam&learning_rate=0.01', async ({ page, problems }) => {
      await waitForTraining(page);
      assert.equal(await page.inputValue('#classes'), '6');
      assert.equal(await page.isDisabled('#classes'), false);
      assert.equal(await page.isDisabled('#loss'), true, 'more classes: softmax cross-entropy, no choice');
      assert.match(await page.textContent('#loss option:checked'), /softmax/);
      const legend = await page.locator('#legend li').allTextContents();
      for (let k = 0; k < 6; k++) assert.ok(legend.includes(`class ${k}`), `the legend lists class ${k}: ${legend}`);
      assert.equal(await page.locator('#add-class option').count(), 6);
      assert.equal(await page.locator('#confusion-table tbody tr').count(), 6);
      // The boundary holds classes: values k + c, k up to 5.
      await waitFor(() => page.evaluate(() => globalThis.playground.counters.boundaryDraws > 2), { message: 'boundary drawn' });
      await page.selectOption('#graph-source', 'live');
      await waitFor(() => page.evaluate(() => document.querySelectorAll('#net-diagram .nd-neuron').length === 16 + 16 + 6), {
        message: 'the diagram with 16 + 16 + 6 neurons',
      });
      await page.locator('#net-diagram .nd-neuron').last().click();
      await waitFor(async () => /output/.test(await page.textContent('#graph-title')), { message: 'an output neuron drawn' });
      // For the picture, arms of 100 points (the Points slider moved as a drag would).
      await page.evaluate(() => {
        const slider = document.getElementById('n-points');
        slider.value = '600';
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        slider.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await waitFor(async () => (await pointTotal(page)) === 600, { message: '600 points' });
      await waitFor(async () => (await readNumber(page, '#r-train-acc')) > 90, { timeout: LEARN_MS, message: 'the spiral learnt' });
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'classes-spiral6.png');
      assert.deepEqual(problems, []);
    });
  });

  test('three blobs: over 95% on the test points; the confusion matrix counts every point', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#dataset=blobs&classes=3&hidden=8&activation=tanh&learning_rate=0.03', async ({ page, problems }) => {
      await waitForTraining(page);
      await waitFor(async () => (await readNumber(page, '#r-test-acc')) > 95, { timeout: LEARN_MS, message: 'test accuracy over 95%' });
      await pause(page);
      await page.waitForTimeout(300); // the readouts show the paused run
      const total = await pointTotal(page);
      const rows = await page.locator('#confusion-table tbody tr').count();
      assert.equal(rows, 3);
      // Real table semantics: column and row headers, a caption.
      assert.equal(await page.locator('#confusion-table thead th[scope="col"]').count(), 3);
      assert.equal(await page.locator('#confusion-table tbody th[scope="row"]').count(), 3);
      assert.match(await page.textContent('#confusion-table caption'), /training points/);
      const train = await confusionSum(page);
      await page.check('#confusion-test');
      await waitFor(async () => /test points/.test(await page.textContent('#confusion-table caption')), { message: 'the test matrix' });
      const testSum = await confusionSum(page);
      assert.equal(train + testSum, total, `train ${train} + test ${testSum} = the ${total} points of the readout`);
      const s = await page.evaluate(() => globalThis.playground.stats);
      assert.equal(train, s.n_train);
      assert.equal(testSum, s.n_test);
      await page.locator('#confusion').scrollIntoViewIfNeeded();
      await shot(page, 'confusion-blobs3.png');
      assert.deepEqual(problems, []);
    });
  });

  test('plane regression: the test RMSE falls below 1.1 times the noise the data carry', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#dataset=plane&hidden=&loss=mse&learning_rate=0.03&l2=0', async ({ page, problems }) => {
      await waitForTraining(page);
      assert.equal(await page.inputValue('#problem'), 'regression');
      assert.equal((await page.textContent('#l-test-acc')).trim(), 'Test RMSE');
      assert.equal(await page.isHidden('#confusion'), true, 'no confusion matrix for regression');
      assert.equal(await page.isVisible('#add-target'), true, 'a click adds a value');
      assert.equal(await page.isHidden('#add-class'), true);
      // The best any model can do on the test points: the RMSE of the noise-free plane.
      const bound = await page.evaluate(() => {
        const p = globalThis.playground.points;
        let se = 0;
        let n = 0;
        for (let i = 0; i + 3 < p.length; i += 4) {
          if (p[i + 3] < 0.5) continue;
          se += (p[i + 2] - (p[i] + p[i + 1]) / 10) ** 2;
          n += 1;
        }
        return 1.1 * Math.sqrt(se / n);
      });
      assert.ok(bound > 0, `noise on the test points (${bound})`);
      await waitFor(async () => (await readNumber(page, '#r-test-acc')) < bound, { timeout: LEARN_MS, message: `test RMSE below ${bound}` });
      // The legend is a colour bar of values with its two ends and 0.
      assert.match(await page.textContent('#legend'), /0/);
      assert.equal(await page.locator('#legend .value-ends span').count(), 3);
      await shot(page, 'regression-plane.png');
      assert.deepEqual(problems, []);
    });
  });

  test('Problem and Classes controls: the picker shows the problem\'s data sets, classes apply where they can', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      assert.equal(await page.isDisabled('#classes'), true, 'moons has two classes');
      await page.selectOption('#problem', 'regression');
      await waitFor(() => page.isChecked('#ds-plane'), { message: 'the first regression set' });
      // The controls that depend on the problem follow once the page applies it (a frame or a
      // message from the worker later): wait for them, as a person sees them a moment later.
      await waitFor(() => page.isHidden('label:has(#ds-moons)'), { message: 'classification sets are not offered' });
      assert.equal(await page.isVisible('label:has(#ds-custom)'), true, 'custom is offered for both');
      assert.equal(await page.isVisible('label:has(#ds-multigauss)'), true);
      const lossOptions = await page.evaluate(() => [...document.querySelectorAll('#loss option')].filter((o) => !o.disabled).map((o) => o.value));
      assert.deepEqual(lossOptions, ['mse', 'huber']);
      await page.click('label:has(#ds-multigauss)');
      await waitFor(() => page.isChecked('#ds-multigauss'), { message: 'multigauss' });
      await page.selectOption('#problem', 'classification');
      await waitFor(() => page.isChecked('#ds-moons'), { message: 'back to moons' });
      await waitFor(async () => (await page.inputValue('#loss')) === 'hinge', { message: 'the classification loss comes back' });
      await page.click('label:has(#ds-blobs)');
      await waitFor(() => page.isChecked('#ds-blobs'), { message: 'blobs' });
      await waitFor(async () => !(await page.isDisabled('#classes')), { message: 'blobs let the classes be chosen' });
      await page.fill('#classes', '4');
      await page.press('#classes', 'Enter');
      await waitFor(async () => (await page.locator('#legend li', { hasText: /^class \d$/ }).count()) === 4, { message: 'four classes' });
      assert.equal(await page.evaluate(() => globalThis.playground.config.classes), 4);
      const labels = new Set((await pointRows(page)).map((r) => r[2]));
      assert.deepEqual([...labels].sort(), [0, 1, 2, 3]);
      await waitFor(() => page.url().includes('classes=4'), { message: 'the link holds the classes' });
      assert.deepEqual(problems, []);
    });
  });

  test('keys 1 to 3 on the focused plot choose the class; Enter adds a point of it', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#dataset=blobs&classes=3', async ({ page, problems }) => {
      await waitForTraining(page);
      await pause(page);
      await page.focus('#plot');
      for (const [key, cls] of [
        ['3', 2],
        ['1', 0],
        ['2', 1],
      ]) {
        await page.keyboard.press(key);
        assert.equal(await page.inputValue('#add-class'), String(cls), `key ${key}`);
        assert.match(await page.textContent('#plot-announce'), new RegExp(`class ${cls}`), 'said in the live region');
        const before = (await pointRows(page)).length;
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Enter');
        await waitFor(async () => (await pointRows(page)).length === before + 1, { message: 'a point added' });
        const rows = await pointRows(page);
        assert.equal(rows[rows.length - 1][2], cls, `the new point is of class ${cls}`);
      }
      // Shift+Enter: the next class.
      await page.keyboard.press('3');
      const before = (await pointRows(page)).length;
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Shift+Enter');
      await waitFor(async () => (await pointRows(page)).length === before + 1, { message: 'a point added' });
      const rows = await pointRows(page);
      assert.equal(rows[rows.length - 1][2], 0, 'Shift+Enter after class 2 adds class 0');
      assert.equal(await page.evaluate(() => globalThis.playground.config.dataset), 'custom');
      assert.deepEqual(problems, []);
    });
  });

  test('regression: a click adds a point with the value typed in', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#dataset=plane&loss=mse', async ({ page, problems }) => {
      await waitForTraining(page);
      await pause(page);
      await page.fill('#add-target', '-0.75');
      const before = (await pointRows(page)).length;
      const box = await page.locator('#plot').boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await waitFor(async () => (await pointRows(page)).length === before + 1, { message: 'a point added' });
      const rows = await pointRows(page);
      assert.equal(rows[rows.length - 1][2], -0.75, 'the new point carries the typed value');
      assert.equal(await page.evaluate(() => globalThis.playground.config.problem), 'regression', 'still regression');
      assert.deepEqual(problems, []);
    });
  });

  test('stop at a step: training pauses there with a notice, and Play goes on', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      await pause(page);
      const now = await readNumber(page, '#r-step');
      const stopAt = now + 50;
      await page.fill('#stop-step', String(stopAt));
      await page.press('#stop-step', 'Enter');
      await waitFor(() => page.evaluate((v) => globalThis.playground.config.stop_step === v, stopAt), { message: 'the stop is set' });
      await page.click('#play');
      await page.locator('#notices li', { hasText: `Stopped at step ${stopAt}` }).waitFor({ timeout: LEARN_MS });
      await waitFor(async () => (await page.textContent('#play')).trim() === 'Play', { message: 'the Play button' });
      assert.equal(await page.evaluate(() => globalThis.playground.playing), false);
      await waitFor(async () => (await readNumber(page, '#r-step')) === stopAt, { message: `the step counter at ${stopAt}` });
      await page.waitForTimeout(500);
      assert.equal(await readNumber(page, '#r-step'), stopAt, 'it stays there');
      await waitFor(() => page.url().includes(`stop_step=${stopAt}`), { message: 'the link holds the stop' });
      await page.evaluate(() => window.scrollTo(0, 0));
      // The notice, the Play button and the stop fields in one picture.
      await shot(page, 'stop-condition.png', { fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1160 } });
      await page.click('#play');
      await waitFor(async () => (await readNumber(page, '#r-step')) > stopAt, { message: 'training goes on' });
      assert.equal(await page.locator('#notices li', { hasText: 'Stopped at step' }).count(), 0, 'the stop notice goes');
      assert.deepEqual(problems, []);
    });
  });

  test('CSV files: each good fixture imports with its count and problem; each bad one is refused by line, nothing changes', { timeout: 3 * TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const good = {
        'good_header_comma.csv': { problem: 'classification', classes: 2 },
        'good_semicolon_crlf.csv': { problem: 'classification', classes: 2 },
        'good_tab_noheader.csv': { problem: 'classification', classes: 2 },
        'good_names_3classes.csv': { problem: 'classification', classes: 3 },
        'good_regression.csv': { problem: 'regression' },
      };
      for (const [name, want] of Object.entries(good)) {
        const file = path.join(FIXTURES, name);
        const gen = await page.evaluate(() => globalThis.playground.counters.snapshots);
        await page.setInputFiles('#csv-file', file);
        await page.locator('#notices li', { hasText: `"${name}": Imported` }).waitFor({ timeout: 10000 });
        await waitFor(() => page.evaluate((g) => globalThis.playground.counters.snapshots > g, gen), { message: 'a snapshot after the import' });
        // The readouts are drawn in the frame after the snapshot: wait for that frame.
        await waitFor(async () => (await pointTotal(page)) === csvRowCount(file), { message: `${name}: the points readout shows ${csvRowCount(file)}` });
        assert.equal((await pointRows(page)).length, csvRowCount(file), `${name}: the points`);
        assert.equal(await page.inputValue('#problem'), want.problem, `${name}: problem`);
        assert.equal(await page.isChecked('#ds-custom'), true, `${name}: custom data`);
        if (want.classes) {
          assert.equal(await page.inputValue('#classes'), String(want.classes), `${name}: classes`);
          const legendClasses = await page.locator('#legend li', { hasText: /^class / }).count();
          assert.equal(legendClasses, want.classes, `${name}: the legend's classes`);
        } else {
          assert.equal((await page.textContent('#l-test-acc')).trim(), 'Test RMSE', `${name}: RMSE readouts`);
        }
        await dismissAll(page);
      }
      await shot(page, 'csv-regression.png');

      // Bad files: refused with the line (and column) named; the points and the run stay.
      const bad = {
        'bad_not_a_number.csv': /line 3, column 2/,
        'bad_missing_column.csv': /line 5/,
        'bad_7_classes.csv': /line \d+/,
        'empty.csv': /empty|no data|no points|nothing/i,
      };
      if ((await page.textContent('#play')).trim() === 'Play') await page.click('#play'); // training: a new run would show
      await waitFor(async () => (await readNumber(page, '#r-step')) > 0, { message: 'training' });
      for (const [name, pattern] of Object.entries(bad)) {
        const before = await pointRows(page);
        const stepBefore = await readNumber(page, '#r-step');
        const config = await page.evaluate(() => globalThis.playground.config);
        await page.setInputFiles('#csv-file', path.join(FIXTURES, name));
        const notice = page.locator('#notices li.error', { hasText: name });
        await notice.waitFor({ timeout: 10000 });
        const text = await notice.textContent();
        assert.match(text, pattern, `${name}: ${text}`);
        assert.match(text, /current data are kept/);
        assert.deepEqual(await pointRows(page), before, `${name}: the points are kept`);
        assert.deepEqual(await page.evaluate(() => globalThis.playground.config), config, `${name}: the settings are kept`);
        await waitFor(async () => (await readNumber(page, '#r-step')) > stepBefore, { message: `${name}: the same run trains on` });
        await notice.locator('button', { hasText: 'Dismiss' }).click();
      }
      assert.deepEqual(problems, []);
    });
  });

  test('CSV: pasted text imports; export downloads the points and they import back the same', { timeout: 2 * TEST_TIMEOUT }, async () => {
    await withPage('#dataset=blobs&classes=3', async ({ page, problems }) => {
      await waitForTraining(page);
      // Export the generated points, then import the file: the same points, the same split.
      const before = await pointRows(page);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-export')]);
      assert.equal(download.suggestedFilename(), 'micrograd-data.csv');
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'micrograd-csv-')), 'micrograd-data.csv');
      await download.saveAs(file);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text.split(/\r?\n/)[0], /x1.*x2.*label.*split/i, 'a header names the columns');
      await page.setInputFiles('#csv-file', file);
      await page.locator('#notices li', { hasText: '"micrograd-data.csv": Imported' }).waitFor({ timeout: 10000 });
      await waitFor(() => page.evaluate(() => globalThis.playground.config.dataset === 'custom'), { message: 'custom data' });
      const after = await pointRows(page);
      assert.equal(after.length, before.length);
      assert.deepEqual(sortRows(after), sortRows(before), 'the same points, labels and test flags');
      assert.equal(await page.inputValue('#classes'), '3');

      // Paste: a small two-class set.
      await page.click('.paste-csv summary');
      const pasted = 'x1,x2,label\n0,0,1\n1,1,-1\n2,0.5,1\n-1,2,-1\n0.5,-1,1\n';
      await page.fill('#csv-text', pasted);
      await page.click('#csv-paste-import');
      await page.locator('#notices li', { hasText: 'Pasted text: Imported 5 points' }).waitFor({ timeout: 10000 });
      await waitFor(async () => (await pointRows(page)).length === 5, { message: 'five pasted points' });
      await waitFor(async () => (await pointTotal(page)) === 5, { message: 'the points readout shows 5' });
      assert.equal(await page.inputValue('#problem'), 'classification');
      assert.equal(await page.isDisabled('#classes'), false);
      assert.equal(await page.inputValue('#classes'), '2');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'csv-paste.png', { fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1000 } });

      // Bad pasted text: the line and column, and nothing changes.
      const kept = await pointRows(page);
      await page.fill('#csv-text', 'x1,x2,label\n0,0,1\n1,oops,-1\n');
      await page.click('#csv-paste-import');
      const notice = page.locator('#notices li.error', { hasText: 'pasted text' });
      await notice.waitFor({ timeout: 10000 });
      assert.match(await notice.textContent(), /line 3, column 2/);
      assert.deepEqual(await pointRows(page), kept);
      assert.deepEqual(problems, []);
    });
  });

  test('more points than a link holds: the link keeps the settings, the page says so, Export CSV keeps the points', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      // 1,200 points: more than the 1,000 a link carries.
      const rows = ['x1,x2,label'];
      for (let i = 0; i < 1200; i++) rows.push(`${(i % 40) / 4 - 5},${Math.floor(i / 40) / 3 - 5},${(i % 40) / 4 - 5 > 0 ? 1 : -1}`);
      await page.click('.paste-csv summary');
      await page.fill('#csv-text', rows.join('\n'));
      await page.click('#csv-paste-import');
      await page.locator('#notices li', { hasText: 'Imported 1200 points' }).waitFor({ timeout: 10000 });
      const note = page.locator('#notices li', { hasText: 'The link holds at most 1000 points' });
      await note.waitFor({ timeout: 10000 });
      assert.match(await note.textContent(), /these 1200 are not in it.*Export CSV keeps the points/);
      const hash = await page.evaluate(() => window.location.hash);
      assert.match(hash, /dataset=custom/);
      assert.doesNotMatch(hash, /&points=/, 'no points in the link');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-export')]);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'micrograd-csv-')), 'all.csv');
      await download.saveAs(file);
      assert.equal(fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).length, 1201, 'the export holds every point');
      assert.deepEqual(problems, []);
    });
  });

  test('a CSV file dropped on the plot is imported; the plot shows it can take it', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const text = fs.readFileSync(path.join(FIXTURES, 'good_names_3classes.csv'), 'utf8');
      const dt = await page.evaluateHandle((t) => {
        const d = new DataTransfer();
        d.items.add(new File([t], 'iris.csv', { type: 'text/csv' }));
        return d;
      }, text);
      await page.dispatchEvent('#plot', 'dragenter', { dataTransfer: dt });
      assert.equal(await page.evaluate(() => document.getElementById('plot-wrap').classList.contains('dropping')), true, 'highlighted');
      await page.dispatchEvent('#plot', 'drop', { dataTransfer: dt });
      await page.locator('#notices li', { hasText: '"iris.csv": Imported' }).waitFor({ timeout: 10000 });
      assert.equal(await page.evaluate(() => document.getElementById('plot-wrap').classList.contains('dropping')), false);
      await waitFor(async () => (await page.inputValue('#classes')) === '3', { message: 'three classes' });
      assert.equal((await pointRows(page)).length, csvRowCount(path.join(FIXTURES, 'good_names_3classes.csv')));

      // A model file dropped there is imported as a model, as Import model does.
      const json = (await page.evaluate(() => globalThis.playground.request('export'))).json;
      await page.fill('#seed', '4242');
      await page.press('#seed', 'Enter');
      await waitFor(() => page.evaluate(() => globalThis.playground.config.seed === 4242), { message: 'another seed' });
      const model = await page.evaluateHandle((t) => {
        const d = new DataTransfer();
        d.items.add(new File([t], 'model.json', { type: 'application/json' }));
        return d;
      }, json);
      await page.dispatchEvent('#plot', 'drop', { dataTransfer: model });
      await page.locator('#notices li', { hasText: 'Imported "model.json".' }).waitFor({ timeout: 10000 });
      assert.equal(await page.evaluate(() => globalThis.playground.config.seed), 1337, 'the model file\'s settings');
      assert.deepEqual(problems, []);
    });
  });
});
