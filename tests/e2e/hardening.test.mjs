// End-to-end tests of the "Hardening" work on the built page (dist/), in the system Chromium:
// divergence is stopped and explained, the keyboard reaches every control with a visible
// focus ring, out-of-range settings are clamped and named, untrusted text never becomes HTML,
// and the served page keeps a strict Content-Security-Policy.
// Run: node --test tests/e2e/   (after `trunk build --release`)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPage, readNumber, serveDist, waitFor, waitForTraining } from './helpers.mjs';

const TEST_TIMEOUT = 45000;

const serverUrl = serveDist();

/**
 * Open the page (optionally with a hash) in a fresh browser, run `fn`, always close it.
 * Before any page script runs, a watcher records every <img> put into the document and every
 * Content-Security-Policy violation (window.__watch), so that HTML made from text is seen
 * even when the CSP stops its handlers from running.
 */
async function withPage(hash, fn, options) {
  const opened = await openPage(serverUrl(), options);
  try {
    await opened.page.addInitScript(() => {
      const watch = { imgs: [], violations: [] };
      Object.defineProperty(window, '__watch', { value: watch });
      document.addEventListener('securitypolicyviolation', (e) => {
        watch.violations.push(`${e.violatedDirective}: ${e.blockedURI || ''} ${e.sample || ''}`.trim());
      });
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) {
            if (n.nodeType !== 1) continue;
            const imgs = n.tagName === 'IMG' ? [n] : [...n.querySelectorAll('img')];
            for (const img of imgs) watch.imgs.push(img.getAttribute('src'));
          }
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await opened.page.goto(serverUrl() + (hash || ''));
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

/** Lines of the page's visible text that show "NaN" or "Infinity" (a number printed from a
 * non-finite value). */
async function nonFiniteText(page) {
  const text = await page.evaluate(() => document.body.innerText);
  return text.split('\n').filter((line) => /NaN|Infinity/.test(line));
}

const PAYLOAD_FILE = '<img src=x onerror="window.__pwned=1">';
const PAYLOAD_URL = '<img src=x onerror=window.__pwned=1>'; // no quotes: the hash error quotes it

/** No HTML was made from the payloads: no <img src="x">, no handler ran, no CSP violation. */
async function assertNoInjection(page) {
  const seen = await page.evaluate(() => ({
    imgs: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src')),
    added: window.__watch.imgs,
    violations: window.__watch.violations,
    pwned: typeof window.__pwned,
  }));
  assert.deepEqual(seen.imgs.filter((s) => s === 'x'), [], 'no <img src="x"> in the document');
  assert.deepEqual(seen.added, [], 'no <img> was ever inserted');
  assert.deepEqual(seen.violations, [], 'no Content-Security-Policy violation');
  assert.equal(seen.pwned, 'undefined', 'window.__pwned is undefined');
}

describe('hardening', { timeout: 400000 }, () => {
  test('divergence pauses training, says where and why, offers a working Reset, never shows NaN', { timeout: TEST_TIMEOUT }, async () => {
    // Squared error at learning rate 3 on moons overflows at step 189 (seed 1337); one step
    // per frame makes that about three seconds, slow enough to watch the reset resume.
    await withPage('#loss=mse&learning_rate=3&speed=1', async ({ page, problems }) => {
      await page.waitForSelector('#loading', { state: 'hidden', timeout: 15000 });
      const scans = [];
      const scan = async () => scans.push(...(await nonFiniteText(page)));
      await scan();
      await page.locator('#diverged').waitFor({ state: 'visible', timeout: 20000 }).catch(async (e) => {
        await scan();
        throw e;
      });
      await scan();
      const message = (await page.textContent('#diverged')).trim();
      const m = message.match(/diverged at step (\d+)/);
      assert.ok(m, `the notice names the step: "${message}"`);
      const at = Number(m[1]);
      assert.ok(at > 0, `step ${at}`);
      assert.match(message, /learning rate/i, 'the notice mentions the learning rate');

      // Training is paused: the counter holds at the checkpoint the weights went back to.
      const back = Number((message.match(/went back to step (\d+)/) || [])[1]);
      assert.ok(Number.isInteger(back) && back < at, `the notice names the step the weights went back to: "${message}"`);
      assert.equal((await page.textContent('#play')).trim(), 'Play');
      await waitFor(async () => (await readNumber(page, '#r-step')) === back, { timeout: 3000, message: `step ${back} shown` });
      await page.waitForTimeout(600);
      assert.equal(await readNumber(page, '#r-step'), back, 'no steps after divergence');
      await scan();
      // The loss readouts show a dash, not a non-finite number.
      for (const id of ['#r-train-loss', '#r-test-loss']) {
        const t = (await page.textContent(id)).trim();
        assert.ok(t === '\u2014' || Number.isFinite(Number(t)), `${id} shows "${t}"`);
      }
      // Play alone does not restart a diverged run; it says what to do.
      await page.click('#play');
      await page.locator('#notices li', { hasText: 'press Reset' }).waitFor({ state: 'visible', timeout: 3000 });
      assert.equal((await page.textContent('#play')).trim(), 'Play');

      // The notice's own Reset starts again from step 0 and training resumes.
      const reset = page.locator('#diverged-reset');
      assert.equal(await reset.isVisible(), true, 'a Reset button is offered');
      assert.equal((await reset.textContent()).trim(), 'Reset');
      await reset.click();
      assert.equal(await page.isVisible('#diverged'), false, 'the notice is gone after Reset');
      assert.equal((await page.textContent('#play')).trim(), 'Pause', 'training resumed');
      const low = await waitFor(
        async () => {
          const s = await readNumber(page, '#r-step');
          return s < at / 2 ? s + 1 : 0;
        },
        { timeout: 3000, message: 'the step counter to go back near 0' },
      );
      await waitFor(async () => (await readNumber(page, '#r-step')) > low, { timeout: 5000, message: 'steps after Reset' });
      await scan();
      // Same seed, same settings: it diverges again at the same step, and stops again.
      await page.locator('#diverged').waitFor({ state: 'visible', timeout: 20000 });
      assert.match(await page.textContent('#diverged-message'), new RegExp(`diverged at step ${at}\\b`));
      await scan();
      assert.deepEqual(scans, [], 'no "NaN" or "Infinity" in the page text');
      assert.equal(await page.isVisible('#panic-banner'), false);
      assert.deepEqual(problems, []);
    });
  });

  /** Open a squared-error run, push the learning rate to the top with End, wait for the stop. */
  async function divergeFromKeyboard(page) {
    await waitForTraining(page);
    await page.focus('#lr');
    await page.keyboard.press('End');
    assert.equal((await page.textContent('#lr-value')).trim(), '10');
    await page.locator('#diverged').waitFor({ state: 'visible', timeout: 15000 });
    const text = await page.textContent('#diverged-message');
    const m = text.match(/diverged at step (\d+)/);
    assert.ok(m, 'the notice names the step');
    const back = text.match(/went back to step (\d+)/);
    assert.ok(back, 'the notice names the step the weights went back to');
    assert.deepEqual(await nonFiniteText(page), []);
    return { at: Number(m[1]), back: Number(back[1]) };
  }

  test('divergence from the keyboard: the learning rate to the maximum with End', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#loss=mse', async ({ page, problems }) => {
      const { back } = await divergeFromKeyboard(page);
      assert.equal((await page.textContent('#play')).trim(), 'Play');
      await page.waitForTimeout(300);
      assert.equal(await readNumber(page, '#r-step'), back, 'paused at the checkpoint');
      assert.deepEqual(problems, []);
    });
  });

  // On divergence the trainer returns to a checkpoint taken before the loss exploded, so a
  // lower learning rate carries on from there, past the step where it diverged.
  test('after divergence, a lower learning rate lets training go on', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('#loss=mse', async ({ page, problems }) => {
      const { at } = await divergeFromKeyboard(page);
      // Lowering the learning rate lifts the stop; Play then goes on from the kept weights.
      await page.keyboard.press('Home');
      await page.locator('#diverged').waitFor({ state: 'hidden', timeout: 3000 }); // a changed setting clears the notice
      await page.click('#play');
      await waitFor(async () => (await readNumber(page, '#r-step')) > at, { timeout: 5000, message: 'training to go on' });
      assert.equal(await page.isVisible('#diverged'), false, 'no new divergence at the low rate');
      assert.deepEqual(problems, []);
    });
  });

  test('a focused control is never hidden under the help line (WCAG 2.2 focus not obscured)', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      const covered = [];
      let seen = 0;
      for (let i = 0; i < 90; i++) {
        await page.keyboard.press('Tab');
        const r = await page.evaluate(() => {
          const a = document.activeElement;
          const help = document.getElementById('focus-help');
          if (!a || a === document.body || help.hidden) return null;
          const ra = a.getBoundingClientRect();
          const rh = help.getBoundingClientRect();
          return { id: a.id || a.tagName, bottom: ra.bottom, top: ra.top, helpTop: rh.top };
        });
        if (!r) continue;
        seen += 1;
        if (r.bottom > r.helpTop && r.top < window.innerHeight) covered.push(r);
      }
      assert.ok(seen > 20, `the help line showed for ${seen} controls`);
      assert.deepEqual(covered, [], 'no focused control under the help line');
      assert.deepEqual(problems, []);
    });
  });

  test('on a phone every control is at least 24 px tall and wide (touch targets)', { timeout: TEST_TIMEOUT }, async () => {
    await withPage(
      '',
      async ({ page, problems }) => {
        await waitForTraining(page);
        // Every disclosure opened with a tap on its summary, so that what it holds is measured too.
        const summaries = page.locator('details:not([open]) > summary');
        const closed = await summaries.count();
        assert.ok(closed > 0, 'the page has a closed disclosure (Paste CSV)');
        for (let i = 0; i < closed; i++) await summaries.first().click();
        assert.equal(await page.locator('details:not([open])').count(), 0, 'every disclosure opened');
        const controls = await page.evaluate(() =>
          [...document.querySelectorAll('input, select, button, textarea, summary')]
            .filter((e) => e.offsetParent !== null && !e.classList.contains('visually-hidden') && getComputedStyle(e).opacity !== '0')
            .map((e) => {
              const r = e.getBoundingClientRect();
              return { id: e.id || e.name || e.textContent.trim().slice(0, 20), tag: e.tagName, type: e.type, w: r.width, h: r.height };
            }),
        );
        for (const kind of ['SUMMARY', 'TEXTAREA', 'SELECT', 'BUTTON', 'checkbox', 'range']) {
          assert.ok(controls.some((c) => c.tag === kind || c.type === kind), `a ${kind} control was measured`);
        }
        assert.deepEqual(controls.filter((c) => c.h < 24 || c.w < 24), [], 'controls under 24 px tall or wide');
        assert.deepEqual(problems, []);
      },
      { viewport: { width: 390, height: 844 } },
    );
  });

  test('a 50 MB model file is refused before it is read, and the wasm memory stays as it was', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const before = await page.evaluate(() => globalThis.playground.memoryBytes());
      const huge = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'micrograd-big-')), 'huge.json');
      fs.writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 0x20));
      await page.setInputFiles('#import-file', huge);
      const notice = page.locator('#notices li.error', { hasText: 'Import failed' }).first();
      await notice.waitFor({ state: 'visible', timeout: 10000 });
      fs.rmSync(path.dirname(huge), { recursive: true, force: true });
      assert.match(await notice.textContent(), /"huge\.json" is 52,428,800 bytes/);
      assert.equal(await page.evaluate(() => globalThis.playground.memoryBytes()), before, 'wasm memory unchanged');
      const s = await readNumber(page, '#r-step');
      await waitFor(async () => (await readNumber(page, '#r-step')) > s, { timeout: 5000, message: 'the run goes on' });
      assert.deepEqual(problems, []);
    });
  });

  test('every clamp of a typed layer count or width says so, the same way', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      for (const [value, shown] of [['1e9', '6'], ['7', '6'], ['-5', '0']]) {
        await page.fill('#layers', value);
        await page.press('#layers', 'Tab');
        await page.locator('#notices li', { hasText: `Hidden layers go from 0 to 6; set to ${shown}` }).first().waitFor({ state: 'visible', timeout: 5000 });
        await waitFor(async () => (await page.inputValue('#layers')) === shown, { timeout: 5000, message: `layers ${shown}` });
        if (shown === '0') {
          await page.fill('#layers', '2');
          await page.press('#layers', 'Tab');
          await waitFor(async () => (await page.locator('#neurons input').count()) === 2, { timeout: 5000, message: 'two layers' });
        }
      }
      await page.fill('#neurons-0', '33');
      await page.press('#neurons-0', 'Tab');
      await page.locator('#notices li', { hasText: 'Neurons per layer go from 1 to 32; layer 1 set to 32' }).first().waitFor({ state: 'visible', timeout: 5000 });
      // A fraction is rounded, and that is said too.
      await page.fill('#layers', '2.5');
      await page.press('#layers', 'Tab');
      await page.locator('#notices li', { hasText: 'Hidden layers is a whole number; 2.5 set to 3' }).first().waitFor({ state: 'visible', timeout: 5000 });
      await waitFor(async () => (await page.inputValue('#layers')) === '3', { timeout: 5000, message: 'layers 3' });
      assert.deepEqual(problems, []);
    });
  });

  test('the keyboard reaches the learning-rate slider and every control, with a visible focus ring', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      // Tab from the top of the page until the learning-rate slider has focus.
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      let presses = 0;
      while (presses < 80 && (await page.evaluate(() => document.activeElement && document.activeElement.id)) !== 'lr') {
        await page.keyboard.press('Tab');
        presses += 1;
      }
      assert.equal(await page.evaluate(() => document.activeElement.id), 'lr', `#lr reached by Tab (${presses} presses)`);
      // Its help text is shown for the keyboard, not only as a hover tooltip.
      assert.equal(await page.isVisible('#focus-help'), true, 'the focused control\'s help is shown');
      assert.equal((await page.textContent('#focus-help')).trim(), await page.getAttribute('#lr', 'title'));
      const ring = await page.evaluate(() => {
        const a = document.activeElement;
        const cs = getComputedStyle(a);
        return {
          focusVisible: a.matches(':focus-visible'),
          outlineStyle: cs.outlineStyle,
          outlineWidth: parseFloat(cs.outlineWidth),
          boxShadow: cs.boxShadow,
        };
      });
      assert.ok(ring.focusVisible, 'keyboard focus matches :focus-visible');
      assert.ok(
        (ring.outlineStyle !== 'none' && ring.outlineWidth >= 2) || ring.boxShadow !== 'none',
        `a visible focus indicator on #lr: ${JSON.stringify(ring)}`,
      );
      const before = (await page.textContent('#lr-value')).trim();
      await page.keyboard.press('ArrowRight');
      const up = (await page.textContent('#lr-value')).trim();
      assert.ok(Number(up) > Number(before), `ArrowRight raises the rate (${before} -> ${up})`);
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      const down = (await page.textContent('#lr-value')).trim();
      assert.ok(Number(down) < Number(before), `ArrowLeft lowers it (${before} -> ${down})`);

      // Tab through the whole page; record every stop and whether it shows a focus ring.
      await page.click('#play'); // a still page: nothing re-renders under the keyboard
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      const stops = [];
      for (let i = 0; i < 200; i++) {
        await page.keyboard.press('Tab');
        const stop = await page.evaluate(() => {
          const a = document.activeElement;
          if (!a || a === document.body) return null;
          if (!a.dataset.e2eKey) a.dataset.e2eKey = String(Math.random());
          const visible = (e) => {
            const cs = getComputedStyle(e);
            return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none';
          };
          // Where the ring is drawn: on the element; on a dataset radio's card; on a network
          // neuron's hit circle (SVG).
          let ring = visible(a);
          // The dataset radios are invisible (opacity 0): only their card's ring counts.
          if (a.type === 'radio' && a.closest('.ds')) ring = visible(a.closest('.ds'));
          if (!ring && a.classList.contains('nd-neuron')) {
            const hit = a.querySelector('.nd-hit');
            ring = !!hit && getComputedStyle(hit).stroke !== 'none' && parseFloat(getComputedStyle(hit).strokeWidth) >= 2;
          }
          return { key: a.dataset.e2eKey, what: a.id || a.getAttribute('aria-label') || a.tagName, ring };
        });
        if (!stop) continue;
        if (stops.length && stop.key === stops[0].key) break; // wrapped around
        stops.push(stop);
      }
      assert.ok(stops.length > 20, `Tab visits the controls (${stops.length} stops)`);
      const noRing = stops.filter((s) => !s.ring).map((s) => s.what);
      assert.deepEqual(noRing, [], 'every keyboard stop shows a focus indicator');

      // Every visible button, select and input is a Tab stop, apart from the listed exceptions.
      const report = await page.evaluate((reached) => {
        const seen = new Set(reached);
        const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        const out = { missed: [], disabled: [], negative: [] };
        for (const c of document.querySelectorAll('button, select, input')) {
          const name = c.id || c.name || c.textContent.trim();
          // The file inputs are opened by the Import buttons (visually hidden on purpose).
          if (c.id === 'import-file' || c.id === 'csv-file') continue;
          const hiddenPanel = c.closest('[hidden]');
          if (hiddenPanel) continue; // not shown now (e.g. the diverged notice, the panic banner)
          // Inside a closed disclosure (Paste CSV): its summary is the Tab stop that opens it.
          if (c.closest('details:not([open])')) continue;
          if (c.disabled) {
            out.disabled.push(name);
            continue;
          }
          if (c.tabIndex < 0) out.negative.push(name);
          if (c.type === 'radio') {
            // A radio group is one Tab stop; arrows move within it.
            const group = [...document.querySelectorAll(`input[type=radio][name="${c.name}"]`)];
            if (!group.some((r) => seen.has(r.dataset.e2eKey))) out.missed.push(`radio group ${c.name}`);
            continue;
          }
          if (!shown(c) && !c.closest('.ds')) continue;
          if (!seen.has(c.dataset.e2eKey)) out.missed.push(name);
        }
        out.missed = [...new Set(out.missed)];
        return out;
      }, stops.map((s) => s.key));
      assert.deepEqual(report.missed, [], 'controls Tab never reaches');
      assert.deepEqual(report.negative, [], 'controls taken out of the Tab order');
      // Disabled on purpose with the default settings: classes apply to blobs, spiral and your
      // own points (not moons); momentum belongs to "SGD with momentum".
      assert.deepEqual(report.disabled, ['classes', 'momentum'], 'only intended controls are disabled');
      assert.deepEqual(problems, []);
    });
  });

  test('limits: a link asking for too much is clamped, each field is named, and the page trains', { timeout: TEST_TIMEOUT }, async () => {
    const hidden = Array(20).fill(1000).join(',');
    await withPage(`#hidden=${hidden}&n_points=100000&learning_rate=1e9`, async ({ page, problems }) => {
      await page.waitForSelector('#loading', { state: 'hidden', timeout: 15000 });
      const notices = page.locator('#notices li');
      await notices.first().waitFor({ state: 'visible', timeout: 5000 });
      // One line per message (several may share one notice).
      const text = (await page.locator('#notices li p').allTextContents()).join('\n');
      assert.match(text, /n_points[^\n]*100000[^\n]*5000/, `the points limit is named:\n${text}`);
      assert.match(text, /hidden[^\n]*20 layers[^\n]*6/, `the layer limit is named:\n${text}`);
      assert.match(text, /hidden\[0\][^\n]*1000[^\n]*32/, `the neuron limit is named:\n${text}`);
      assert.match(text, /learning_rate[^\n]*1000000000[^\n]*10/, `the learning-rate limit is named:\n${text}`);
      // The controls and the link show the values actually used.
      assert.equal(await page.inputValue('#layers'), '6');
      assert.equal(await page.inputValue('#neurons-0'), '32');
      assert.equal((await page.textContent('#lr-value')).trim(), '10');
      assert.equal((await page.textContent('#n-points-value')).trim(), '5000');
      await waitFor(() => page.url().includes('learning_rate=10&') && page.url().includes('n_points=5000'), {
        timeout: 3000,
        message: 'the URL to hold the clamped values',
      });
      // The page still trains (a big network: allow for a slow first step).
      // (At learning rate 10 it may diverge at once: then it is paused with a notice, as it should.)
      await waitFor(async () => (await readNumber(page, '#r-step')) > 0 || (await page.isVisible('#diverged')), {
        timeout: 20000,
        message: 'training',
      });
      const s = await readNumber(page, '#r-step');
      await waitFor(async () => (await readNumber(page, '#r-step')) > s || (await page.isVisible('#diverged')), {
        timeout: 20000,
        message: 'more steps',
      });
      assert.equal(await page.isVisible('#panic-banner'), false);
      assert.deepEqual(await nonFiniteText(page), []);
      assert.deepEqual(problems, []);
    });
  });

  test('limits: one field at a time is clamped with a notice naming it', { timeout: TEST_TIMEOUT }, async () => {
    const cases = [
      { hash: '#hidden=1000', field: /hidden\[0\]/, check: ['#neurons-0', '32'] },
      { hash: `#hidden=${Array(20).fill(4).join(',')}`, field: /hidden: 20 layers/, check: ['#layers', '6'] },
      { hash: '#n_points=100000', field: /n_points/, check: null },
      { hash: '#learning_rate=1e9', field: /learning_rate/, check: null },
    ];
    for (const c of cases) {
      await withPage(c.hash, async ({ page, problems }) => {
        await page.locator('#notices li', { hasText: c.field }).first().waitFor({ state: 'visible', timeout: 15000 });
        await waitForTraining(page, 20000);
        if (c.check) assert.equal(await page.inputValue(c.check[0]), c.check[1], `${c.hash}: ${c.check[0]}`);
        assert.deepEqual(problems, [], c.hash);
      });
    }
  });

  test('untrusted text never becomes HTML: an imported file and a link carrying markup', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      // 1. A file whose unknown field is markup: the parser's error quotes it.
      await page.setInputFiles('#import-file', {
        name: 'evil.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ [PAYLOAD_FILE]: 1 })),
      });
      const n1 = page.locator('#notices li.error', { hasText: 'Import failed' }).first();
      await n1.waitFor({ state: 'visible', timeout: 5000 });
      assert.ok((await n1.textContent()).includes(PAYLOAD_FILE), `shown literally: ${await n1.textContent()}`);
      // 2. A real saved model whose format tag is markup, under a file name that is markup.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
      saved.format = PAYLOAD_FILE;
      await page.setInputFiles('#import-file', {
        name: 'evil-format.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(saved)),
      });
      await waitFor(
        async () => (await page.locator('#notices li.error').allTextContents()).some((t) => t.includes(`format`) && t.includes(PAYLOAD_FILE)),
        { timeout: 5000, message: 'the format error quoting the markup' },
      );
      saved.format = JSON.parse(fs.readFileSync(await download.path(), 'utf8')).format;
      const evilName = `${PAYLOAD_FILE}.json`;
      await page.setInputFiles('#import-file', {
        name: evilName,
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(saved)),
      });
      const n3 = page.locator('#notices li.info', { hasText: 'Imported' }).first();
      await n3.waitFor({ state: 'visible', timeout: 5000 });
      // Its first 40 characters, in quotes (the name is 43 long).
      const shown = `"${evilName.slice(0, 40)}\u2026"`;
      assert.ok((await n3.textContent()).includes(shown), `file name shown literally: ${await n3.textContent()}`);
      // 3. A hash changed while the page runs.
      await page.evaluate((p) => {
        window.location.hash = `dataset=${encodeURIComponent(p)}`;
      }, PAYLOAD_URL);
      await waitFor(
        async () => (await page.locator('#notices li').allTextContents()).some((t) => t.includes(PAYLOAD_URL)),
        { timeout: 5000, message: 'the link notice quoting the markup' },
      );
      await page.waitForTimeout(300);
      await assertNoInjection(page);
      assert.deepEqual(problems, []);
    });
    // 4. A link opened with markup in a value.
    await withPage(`#dataset=${PAYLOAD_URL}`, async ({ page, problems }) => {
      const notice = page.locator('#notices li', { hasText: 'dataset' }).first();
      await notice.waitFor({ state: 'visible', timeout: 15000 });
      const text = await notice.textContent();
      assert.ok(text.includes(PAYLOAD_URL), `shown literally: ${text}`);
      assert.match(text, /dataset/);
      await waitForTraining(page);
      await assertNoInjection(page);
      assert.deepEqual(problems, []);
    });
  });

  test('a file name is echoed in quotes, short and without bidi controls: a model, a CSV, a refused CSV', { timeout: TEST_TIMEOUT }, async () => {
    // A right-to-left override would turn the rest of the notice around; 300 characters would
    // fill the notice area.
    const name = (ext) => `\u202E${'x'.repeat(300)}.${ext}`;
    const quoted = `"${'x'.repeat(40)}\u2026"`;
    const BIDI = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\uFEFF]/;
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      /** The newest notice of `kind` saying `text`, once it shows: checked and returned. */
      const echoed = async (kind, text) => {
        const notice = page.locator(`#notices li.${kind}`, { hasText: text }).last();
        await notice.waitFor({ state: 'visible', timeout: 10000 });
        const said = await notice.locator('p').first().textContent();
        assert.ok(!BIDI.test(said), `no bidi or zero-width control: ${JSON.stringify(said)}`);
        assert.ok(said.includes(quoted), `the name's first 40 characters in quotes: ${said}`);
        assert.ok(!said.includes('x'.repeat(41)), 'no more of the name');
        assert.ok(said.length < 200, `a short notice (${said.length} characters; the name alone is over 300): ${said}`);
        assert.match(said, /invisible control characters removed/);
        return said;
      };
      // A saved run from Export, imported under the long name.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
      const saved = fs.readFileSync(await download.path());
      await page.setInputFiles('#import-file', { name: name('json'), mimeType: 'application/json', buffer: saved });
      assert.match(await echoed('info', 'Imported'), /^Imported "x{40}\u2026" \(invisible control characters removed\)\.$/);
      // A good CSV, and one refused at its second line.
      await page.setInputFiles('#csv-file', {
        name: name('csv'),
        mimeType: 'text/csv',
        buffer: Buffer.from('x1,x2,label\n0,0,1\n1,1,-1\n2,0.5,1\n-1,2,-1\n'),
      });
      await echoed('info', 'Imported 4 points');
      await page.setInputFiles('#csv-file', { name: name('csv'), mimeType: 'text/csv', buffer: Buffer.from('x1,x2,label\n0,oops,1\n') });
      assert.match(await echoed('error', 'Import of'), /^Import of "x{40}\u2026" \(invisible control characters removed\) failed/);
      assert.deepEqual(problems, []);
    });
  });

  test('the served page has a strict CSP, no inline script and no inline event handlers', { timeout: TEST_TIMEOUT }, async () => {
    const res = await fetch(serverUrl());
    assert.equal(res.status, 200);
    const html = await res.text();
    const metas = [...html.matchAll(/<meta\b[^>]*>/gi)].map((m) => m[0]);
    const csp = metas.find((m) => /http-equiv\s*=\s*["']?Content-Security-Policy/i.test(m));
    assert.ok(csp, 'a Content-Security-Policy meta tag');
    const content = (csp.match(/content\s*=\s*"([^"]*)"/i) || csp.match(/content\s*=\s*'([^']*)'/i) || [])[1];
    assert.ok(content, `the CSP has content: ${csp}`);
    const directives = Object.fromEntries(
      content
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name.toLowerCase(), values]),
    );
    const scriptSrc = directives['script-src'] || directives['default-src'];
    assert.ok(scriptSrc, `script-src (or default-src) is set: ${content}`);
    assert.ok(!scriptSrc.includes("'unsafe-inline'"), `no 'unsafe-inline' in ${scriptSrc.join(' ')}`);
    assert.ok(!scriptSrc.includes("'unsafe-eval'"), `no 'unsafe-eval' in ${scriptSrc.join(' ')}`);
    assert.ok(!scriptSrc.includes('*') && !scriptSrc.some((s) => /^(https?:|data:|blob:)/.test(s)), 'scripts only from the page');
    assert.ok(directives['default-src'] && directives['default-src'].includes("'self'"), 'default-src is set');
    // No inline script with content, no on* attributes, in the served HTML.
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)].filter((m) => m[2].trim() !== '');
    assert.deepEqual(inline.map((m) => m[0].slice(0, 80)), [], 'no inline <script> with content');
    const withHandlers = [...html.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0]).filter((tag) => /\son[a-z]+\s*=/i.test(tag));
    assert.deepEqual(withHandlers, [], 'no on* attributes');
    assert.ok(!/javascript:/i.test(html), 'no javascript: URLs');

    // The running page: the same holds for the DOM the scripts built, and the CSP is enforced.
    await withPage('', async ({ page, problems }) => {
      await waitForTraining(page);
      const dom = await page.evaluate(() => ({
        handlers: [...document.querySelectorAll('*')]
          .filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name)))
          .map((e) => e.outerHTML.slice(0, 80)),
        inline: [...document.scripts].filter((s) => !s.src && s.textContent.trim()).map((s) => s.textContent.slice(0, 80)),
      }));
      assert.deepEqual(dom, { handlers: [], inline: [] });
      const blocked = await page.evaluate(async () => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = 1';
        document.head.append(s);
        // A string timer is eval in disguise; it runs in the page, under the page's CSP (an
        // eval() called from here would not: DevTools' own evaluation bypasses the CSP).
        setTimeout('window.__evalRan = 1', 0);
        await new Promise((r) => setTimeout(r, 100));
        return {
          inlineRan: typeof window.__inlineRan,
          evalRan: typeof window.__evalRan,
          violations: window.__watch.violations.length,
        };
      });
      assert.equal(blocked.inlineRan, 'undefined', 'an injected inline script does not run');
      assert.equal(blocked.evalRan, 'undefined', 'evaluating a string as code is refused');
      assert.ok(blocked.violations >= 2, 'both were reported as CSP violations');
      // The only console errors are the browser's reports of those two refusals.
      assert.deepEqual(problems.filter((p) => !/Content Security Policy|unsafe-eval|Refused to/i.test(p)), []);
    });
  });
});
