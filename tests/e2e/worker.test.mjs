// End-to-end tests of the page at the heaviest settings it allows: training runs in a Web
// Worker, so the main thread keeps drawing and Pause acts at once. Each assertion is about
// behaviour (no long task, the counter stops within one snapshot), never about how fast this
// machine is today.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, readNumber, serveDist, waitFor, waitForTraining } from './helpers.mjs';

const TEST_TIMEOUT = 90000;
const HEAVIEST = '#hidden=32,32,32,32,32,32&n_points=5000&test_fraction=0&batch_size=0&speed=500';

const serverUrl = serveDist();

async function withPage(hash, fn) {
  const opened = await openPage(serverUrl());
  try {
    // Long tasks on the main thread, from the very start.
    await opened.page.addInitScript(() => {
      globalThis.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) globalThis.longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await opened.page.goto(serverUrl() + hash);
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

describe('the page at the heaviest settings', { timeout: 300000 }, () => {
  test('keeps the main thread free and obeys Pause within one snapshot', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(HEAVIEST, async ({ page, problems }) => {
      await waitForTraining(page, 30000);
      assert.equal(await page.evaluate(() => typeof Worker), 'function');
      // Training for a while: the page keeps drawing frames and has no long task after start.
      const since = await page.evaluate(() => performance.now());
      const before = await page.evaluate(() => globalThis.playground.counters);
      await waitFor(async () => (await page.evaluate(() => globalThis.playground.counters.snapshots)) >= before.snapshots + 3, {
        timeout: 60000,
        message: 'three snapshots at the heaviest settings',
      });
      const long = await page.evaluate((t) => globalThis.longTasks.filter((e) => e.start > t), since);
      assert.deepEqual(long.filter((e) => e.ms > 50), [], 'no main-thread task over 50 ms while training');
      const after = await page.evaluate(() => globalThis.playground.counters);
      const ms = (await page.evaluate(() => performance.now())) - since;
      const frames = after.frames - before.frames;
      const snapshots = after.snapshots - before.snapshots;
      assert.ok(frames >= snapshots, `a frame for every snapshot: ${frames} frames, ${snapshots} snapshots`);
      // Frames do not wait for the worker: where a snapshot takes longer than a few frames
      // (a slow machine, or steps over 5,000 points), frames are drawn in between. A machine
      // fast enough to answer every frame has nothing to show here.
      if (ms / snapshots > 100) assert.ok(frames > snapshots, `frames between snapshots: ${frames} frames, ${snapshots} snapshots in ${ms.toFixed(0)} ms`);

      // Pause: the button answers at once, and the step counter stops within one snapshot.
      const seen = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const steps = [];
            const n0 = globalThis.playground.counters.snapshots;
            document.getElementById('play').click();
            const label = document.getElementById('play').textContent.trim();
            const watch = () => {
              const n = globalThis.playground.counters.snapshots;
              if (steps.length === 0 || steps[steps.length - 1].n !== n) steps.push({ n, step: globalThis.playground.stats.step });
              if (n - n0 >= 4) resolve({ label, steps });
              else requestAnimationFrame(watch);
            };
            requestAnimationFrame(watch);
          }),
      );
      assert.equal(seen.label, 'Play', 'the button says Play at once');
      // The first snapshot after the click may hold the steps that were running; the rest none.
      const later = seen.steps.slice(2).map((s) => s.step);
      assert.ok(later.length >= 2, JSON.stringify(seen.steps));
      assert.ok(later.every((s) => s === later[0]), `no steps after Pause: ${JSON.stringify(seen.steps)}`);
      const shown = await readNumber(page, '#r-step');
      await page.waitForTimeout(500);
      assert.equal(await readNumber(page, '#r-step'), shown, 'the readout holds');
      assert.deepEqual(problems, []);
    });
  });

  test('a click adds a point at once while a heavy network trains', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(HEAVIEST.replace('n_points=5000', 'n_points=2000'), async ({ page, problems }) => {
      await waitForTraining(page, 30000);
      const box = await page.locator('#plot').boundingBox();
      const n0 = (await page.evaluate(() => globalThis.playground.stats.n_train));
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await waitFor(async () => (await page.evaluate(() => globalThis.playground.stats.n_train)) === n0 + 1, {
        timeout: 20000,
        message: 'the point to be added',
      });
      assert.deepEqual(problems, []);
    });
  });
});
