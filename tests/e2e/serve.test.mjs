// End-to-end: the page as `make serve` serves it (Trunk's dev server, with the repository's
// Trunk.toml) loads with no console error. Trunk's live reload is an inline script that the
// page's Content-Security-Policy refuses; the config turns it off, and this test keeps it off.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, openPage, waitFor, waitForTraining } from './helpers.mjs';

const PORT = 20000 + Math.floor(Math.random() * 20000);
const URL_ = `http://127.0.0.1:${PORT}/`;
let trunk = null;
let log = '';
const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'micrograd-serve-'));

describe('make serve', { timeout: 240000 }, () => {
  before(async () => {
    // The same command as the Makefile's serve target, on a free port and a scratch dist.
    trunk = spawn('trunk', ['serve', '--release', '--port', String(PORT), '--dist', dist], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trunk.stdout.on('data', (d) => (log += d));
    trunk.stderr.on('data', (d) => (log += d));
    await waitFor(
      async () => {
        if (trunk.exitCode !== null) throw new Error(`trunk serve exited:\n${log.slice(-2000)}`);
        try {
          const r = await fetch(URL_);
          return r.ok && (await r.text()).includes('micrograd playground');
        } catch {
          return false;
        }
      },
      { timeout: 200000, interval: 500, message: 'trunk serve to answer' },
    );
  });

  after(() => {
    if (trunk && trunk.exitCode === null) process.kill(-trunk.pid, 'SIGTERM');
    fs.rmSync(dist, { recursive: true, force: true });
  });

  test('the served page loads with no console error and no inline script', { timeout: 60000 }, async () => {
    const html = await (await fetch(URL_)).text();
    const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(inline, [], 'no inline script in the served page');
    const { page, problems, close } = await openPage(URL_);
    try {
      await page.goto(URL_);
      await waitForTraining(page);
      await page.waitForTimeout(1000);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
