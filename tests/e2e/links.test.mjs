// End-to-end: links that are odd, hostile or from another version. Every number is checked as
// the number it is (no wrap-around through 32-bit integers) and clamped with a notice, echoed
// text is shortened and free of bidirectional controls, and a custom data set keeps its frame
// across a reload.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pageOpener, readNumber, serveDist, waitFor, waitForTraining } from './helpers.mjs';

const TEST_TIMEOUT = 30000;
const serverUrl = serveDist();
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const withPage = pageOpener(serverUrl);

async function linkNotice(page) {
  const li = page.locator('#notices li', { hasText: 'changed or ignored' }).first();
  await li.waitFor({ state: 'visible', timeout: 15000 });
  return li.textContent();
}

describe('links', { timeout: 300000 }, () => {
  test('a huge speed is clamped to the largest stop and said, never wrapped', { timeout: TEST_TIMEOUT * 2 }, async () => {
    for (const speed of ['4294967296', '4294967297', '9007199254740991', '1e400']) {
      await withPage(`#speed=${speed}`, async ({ page, problems }) => {
        const text = await linkNotice(page);
        assert.match(text, /speed/, `${speed}: named`);
        await waitForTraining(page);
        const shown = (await page.textContent('#speed-value')).trim();
        if (speed === '1e400') assert.equal(shown, '10 steps/frame', `${speed}: not a number, the default kept`);
        else assert.equal(shown, '500 steps/frame', `${speed}: clamped to the largest stop`);
        assert.ok(!text.includes('4294967295'), `${speed}: no 32-bit wrap in "${text}"`);
        const s = await readNumber(page, '#r-step');
        await waitFor(async () => (await readNumber(page, '#r-step')) > s, { timeout: 10000, message: `${speed}: training` });
        assert.deepEqual(problems, []);
      });
    }
  });

  test('numbers in notices are compact and echoed text has no bidi controls', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#learning_rate=1e308&%E2%80%AEdataset=xor&seed=%2B5', async ({ page, problems }) => {
      const text = await linkNotice(page);
      assert.ok(!/\d{20}/.test(text), `no 309-digit number: ${text}`);
      assert.ok(!BIDI.test(text), `no bidirectional control characters: ${JSON.stringify(text)}`);
      assert.match(text, /learning_rate/);
      await waitForTraining(page);
      assert.deepEqual(problems, []);
    });
  });

  test('custom data keeps its frame across a reload', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const before = await page.evaluate(() => globalThis.playground.view);
      const box = await page.locator('#plot').boundingBox();
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
      await waitFor(() => page.url().includes('dataset=custom') && page.url().includes('view='), {
        timeout: 5000,
        message: 'the link to hold the custom points and their view',
      });
      await page.reload();
      await waitForTraining(page);
      assert.equal(await page.isChecked('#ds-custom'), true);
      assert.deepEqual(await page.evaluate(() => globalThis.playground.view), before, 'the same frame after the reload');
      assert.deepEqual(problems, []);
    });
  });
});
