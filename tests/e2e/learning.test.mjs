// End-to-end: the page says why a network cannot learn (and says nothing on the default run),
// and the switch to one's own data keeps the train/test split and can be undone.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pageOpener, readNumber, serveDist, waitFor, waitForTraining } from './helpers.mjs';

const TEST_TIMEOUT = 60000;
const serverUrl = serveDist();
const STUCK = /ReLU units are off|gradients vanished|far above/;

const withPage = pageOpener(serverUrl);

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
});
