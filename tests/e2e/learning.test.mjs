// End-to-end: the page says why a network cannot learn (and says nothing on the default run),
// the switch to one's own data keeps the train/test split and can be undone, and the test
// fraction splits one's own points again.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pageOpener, readNumber, serveDist, waitFor, waitForTraining } from './helpers.mjs';

const TEST_TIMEOUT = 60000;
const serverUrl = serveDist();
const STUCK = /ReLU units are off|gradients vanished|far above/;

const withPage = pageOpener(serverUrl);

/** The split readout's counts: "81 train · 20 test" -> { train: 81, test: 20 }. */
async function split(page) {
  const m = (await page.textContent('#r-points')).trim().match(/^([\d,]+) train · ([\d,]+) test$/);
  assert.ok(m, 'the split readout reads "N train · M test"');
  return { train: Number(m[1].replace(/,/g, '')), test: Number(m[2].replace(/,/g, '')) };
}

/** The page's points as "x,y,label" (sorted) and how many of them are test points. */
async function pointsAndTests(page) {
  const flat = await page.evaluate(() => [...globalThis.playground.points]);
  const rows = [];
  let tests = 0;
  for (let i = 0; i + 3 < flat.length; i += 4) {
    rows.push(`${flat[i]},${flat[i + 1]},${flat[i + 2]}`);
    if (flat[i + 3]) tests += 1;
  }
  return { rows: rows.sort(), tests };
}

describe('learning', { timeout: 300000 }, () => {
  test('Adam at learning rate 10 gets a notice with the cure', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#learning_rate=10&optimizer=adam&speed=100', async ({ page, problems }) => {
      await waitForTraining(page);
      const notice = page.locator('#notices li', { hasText: STUCK }).first();
      await notice.waitFor({ state: 'visible', timeout: 45000 });
      assert.match(await notice.textContent(), /learning rate/);
      assert.deepEqual(problems, []);
    });
  });

  test('the default run raises no alarm', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#speed=100', async ({ page, problems }) => {
      await waitForTraining(page);
      await waitFor(async () => (await readNumber(page, '#r-step')) >= 3000, { timeout: 45000, message: '3,000 steps' });
      const texts = await page.locator('#notices li').allTextContents();
      assert.deepEqual(texts.filter((t) => STUCK.test(t)), []);
      assert.deepEqual(problems, []);
    });
  });

  test('the first click keeps the split, says so, and can be undone', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      assert.equal((await page.textContent('#r-points')).trim(), '80 train · 20 test');
      const box = await page.locator('#plot').boundingBox();
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
      const notice = page.locator('#notices li', { hasText: 'Your own data now' }).first();
      await notice.waitFor({ state: 'visible', timeout: 5000 });
      assert.match(await notice.textContent(), /81 train and 20 test/);
      await waitFor(async () => (await page.textContent('#r-points')).trim() === '81 train · 20 test', {
        timeout: 3000,
        message: 'the split kept',
      });
      assert.equal(await page.isChecked('#ds-custom'), true);
      assert.equal(await page.isDisabled('#test-fraction'), false, 'the test fraction acts on custom data');
      await notice.getByRole('button', { name: /Undo/ }).click();
      await waitFor(async () => page.isChecked('#ds-moons'), { timeout: 3000, message: 'back to moons' });
      await waitFor(async () => (await page.textContent('#r-points')).trim() === '80 train · 20 test', {
        timeout: 3000,
        message: 'the generated split back',
      });
      assert.deepEqual(problems, []);
    });
  });

  test('on custom data the test fraction splits the same points again', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const box = await page.locator('#plot').boundingBox();
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await waitFor(async () => page.isChecked('#ds-custom'), { timeout: 5000, message: 'custom data' });
      await waitFor(async () => (await split(page)).train === 81, { timeout: 5000, message: 'the added point' });
      const before = await pointsAndTests(page);
      assert.equal(before.rows.length, 101);
      assert.equal(before.tests, 20);
      /** After `key` on the slider: the readout has moved off `last`; the same points, split anew. */
      const move = async (key, last) => {
        await page.keyboard.press(key);
        await waitFor(async () => (await split(page)).test !== last, { timeout: 5000, message: `a new split after ${key}` });
        const now = await split(page);
        const points = await pointsAndTests(page);
        assert.equal(now.train + now.test, 101, `${key}: every point is in the split`);
        assert.deepEqual(points.rows, before.rows, `${key}: the same custom points, none generated`);
        assert.equal(points.tests, now.test, `${key}: as many points are test points as the readout says`);
        assert.equal(await page.isChecked('#ds-custom'), true, `${key}: still custom data`);
        return now;
      };
      await page.focus('#test-fraction');
      const most = await move('End', 20);
      assert.equal(await page.textContent('#test-fraction-value'), '90%');
      assert.ok(most.test > 80, `90% test: ${most.test} test points`);
      const none = await move('Home', most.test);
      assert.deepEqual(none, { train: 101, test: 0 }, 'no test points at 0%');
      const some = await move('ArrowRight', 0);
      assert.ok(some.test > 0 && some.test < 20, `5% test: ${some.test} test points`);
      assert.deepEqual(problems, []);
    });
  });
});
