// End-to-end: a Rust panic in the worker shows the red banner with its message. The page's
// own build has no way to panic on purpose, so this runs against the build with the
// `testing` feature (dist-testing/, `make build-testing`), which adds debug_panic.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST_TESTING, pageOpener, readNumber, serveDist, waitForTraining } from './helpers.mjs';

const TEST_TIMEOUT = 30000;
const serverUrl = serveDist(DIST_TESTING);

const withPage = pageOpener(serverUrl);

describe('a panic', { timeout: 60000 }, () => {
  test('a Rust panic shows the red banner with its message and a Reload button', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      // The panic happens where the Playground lives, in the worker; the page shows it.
      await page.evaluate(() => globalThis.playground.request('debug_panic', { message: 'e2e test panic 42' }).catch(() => {}));
      await page.locator('#panic-banner').waitFor({ state: 'visible', timeout: 3000 });
      assert.match(await page.textContent('#panic-message'), /e2e test panic 42/);
      assert.equal(await page.isVisible('#panic-reload'), true);
      const a = await readNumber(page, '#r-step');
      await page.waitForTimeout(300);
      assert.equal(await readNumber(page, '#r-step'), a, 'training stopped');
      // The only errors are the panic's own.
      assert.deepEqual(problems.filter((p) => !/e2e test panic 42|unreachable/.test(p)), []);
      await Promise.all([page.waitForNavigation(), page.click('#panic-reload')]);
      await waitForTraining(page);
      assert.equal(await page.isVisible('#panic-banner'), false);
    });
  });
});
