// Soak test in the browser: many training steps with the page drawing as it goes, and the
// wasm memory must not grow after warm-up (a step allocates nothing once warm; the boundary,
// points and stats reuse their buffers).
// Run: SOAK_STEPS=100000 node --test tests/e2e/soak.test.mjs   (`make soak`; default 20000)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, readNumber, serveDist, waitFor, waitForTraining } from './helpers.mjs';

const SOAK_STEPS = Number(process.env.SOAK_STEPS || 20000);
const WARMUP_STEPS = 2000;
// Generous: on these 2-core machines a step of the default network takes well under 1 ms.
const TEST_TIMEOUT = Math.max(120000, SOAK_STEPS * 10);

const serverUrl = serveDist();

/** Run training steps from the test, 1000 per call (the most one call runs), then let frames draw. */
async function drive(page, chunks) {
  return page.evaluate(async (k) => {
    let s = null;
    for (let i = 0; i < k; i++) s = await globalThis.playground.request('train', { n: 1000 });
    return { step: s.step, diverged: s.diverged };
  }, chunks);
}

async function snapshot(page) {
  return page.evaluate(async () => ({
    memory: await globalThis.playground.memoryBytes(),
    step: globalThis.playground.stats.step,
    boundaryDraws: globalThis.playground.counters.boundaryDraws,
    chartDraws: globalThis.playground.counters.chartDraws,
  }));
}

/** Wait until the page has drawn the boundary and the chart again (after `since`). */
async function waitForDraws(page, since) {
  await waitFor(
    async () => {
      const s = await snapshot(page);
      return s.boundaryDraws > since.boundaryDraws + 1 && s.chartDraws > since.chartDraws;
    },
    { timeout: 10000, message: 'the boundary and the chart to be drawn' },
  );
}

describe('soak', { timeout: TEST_TIMEOUT + 30000 }, () => {
  test(`${SOAK_STEPS} training steps in the browser leave the wasm memory unchanged after warm-up`, { timeout: TEST_TIMEOUT }, async () => {
    const { page, problems, close } = await openPage(serverUrl());
    try {
      // The page itself trains at 100 steps per frame (in its worker) and draws every frame;
      // the test asks the worker for chunks of 1000 steps between frames to get there sooner.
      await page.goto(`${serverUrl()}#speed=100`);
      await waitForTraining(page);
      assert.equal(typeof (await page.evaluate(() => globalThis.playground.memoryBytes())), 'number');
      // The live-neuron graph view redraws as the network trains: part of the soak too.
      await page.selectOption('#graph-source', 'live');

      // Warm-up: the first steps, then a boundary and chart draw.
      let last = await drive(page, 2);
      while (last.step < WARMUP_STEPS) last = await drive(page, 1);
      await waitForDraws(page, await snapshot(page));
      const warm = await snapshot(page);
      assert.ok(warm.memory > 0, 'the memory size is known');
      assert.ok(warm.step >= WARMUP_STEPS);

      while (last.step < SOAK_STEPS) {
        last = await drive(page, 5);
        assert.equal(last.diverged, false, `no divergence (step ${last.step})`);
        await page.waitForTimeout(20); // let a frame or two draw
      }
      await waitForDraws(page, await snapshot(page));
      const end = await snapshot(page);

      assert.ok(end.step >= SOAK_STEPS, `reached ${end.step} steps`);
      await waitFor(async () => (await readNumber(page, '#r-step')) >= SOAK_STEPS, {
        timeout: 5000,
        message: `the step counter to show ${SOAK_STEPS}`,
      });
      assert.equal(
        end.memory,
        warm.memory,
        `wasm memory after warm-up (step ${warm.step}): ${warm.memory} bytes; at step ${end.step}: ${end.memory} bytes`,
      );
      assert.equal(await page.isVisible('#panic-banner'), false);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
