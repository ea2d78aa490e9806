// Shared helpers for the end-to-end tests: a static file server over the built site (dist/)
// and a headless Chromium from the system (/usr/bin/chromium) driven by playwright-core.

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
/** The site under test: dist/ by default, or E2E_DIST. */
export const DIST = path.resolve(process.env.E2E_DIST || path.join(ROOT, 'dist'));
/** The same page built with the `testing` feature (benchmark entry points, debug_panic). */
export const DIST_TESTING = path.resolve(process.env.E2E_DIST_TESTING || path.join(ROOT, 'dist-testing'));
export const SCREENSHOTS = path.join(here, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Fail early, with the fix, when the site has not been built. */
export function requireDist(root = DIST) {
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    throw new Error(`${index} is missing: build the site first (make build, or make build-testing for dist-testing/)`);
  }
}

/** Serve `root` on 127.0.0.1 at a free port. Returns { url, close }. */
export async function startServer(root = DIST) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(base, `.${rel}`);
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      const body = await fsp.readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' ? 404 : 500, { 'Content-Type': 'text/plain' }).end(String(e.code || e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium starts in about a second here; a start that takes this long has hung. */
const LAUNCH_MS = 20000;

/**
 * Start Chromium on a fresh profile. Headless Chromium, rarely, never opens its first page at
 * start (a known upstream hang; Playwright would wait 180 s): such a start is abandoned after
 * LAUNCH_MS (Playwright kills the process) and made once more, saying so on stderr. A second
 * hang fails the test with Playwright's error.
 */
async function launch(options) {
  for (let attempt = 1; ; attempt++) {
    const profile = await fsp.mkdtemp(path.join(os.tmpdir(), 'micrograd-e2e-'));
    try {
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        acceptDownloads: true,
        timeout: LAUNCH_MS,
        ...options,
      });
      return { context, profile };
    } catch (e) {
      await fsp.rm(profile, { recursive: true, force: true }).catch(() => {});
      if (attempt >= 2 || e.name !== 'TimeoutError') throw e;
      console.error(`Chromium did not start within ${LAUNCH_MS} ms; starting it again.`);
    }
  }
}

/**
 * Launch the system Chromium headless with a fresh profile (a new mkdtemp user-data-dir,
 * passed the way Playwright wants it) and open one page that records console errors, page
 * errors, failed requests, HTTP errors and any request to another origin. `problems` lists
 * them as strings; `close()` ends the browser and removes the profile.
 */
export async function openPage(
  url,
  { viewport = { width: 1280, height: 720 }, reducedMotion = 'no-preference', deviceScaleFactor = 1 } = {},
) {
  const { context, profile } = await launch({ viewport, reducedMotion, deviceScaleFactor });
  const page = context.pages()[0] || (await context.newPage());
  const origin = new URL(url).origin;
  const problems = [];
  const requests = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const u = req.url();
    requests.push(u);
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (new URL(u).origin !== origin) problems.push(`request to another origin: ${u}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  const close = async () => {
    await context.close().catch(() => {});
    await fsp.rm(profile, { recursive: true, force: true }).catch(() => {});
  };
  return { context, page, problems, requests, close };
}

/** Poll `fn` until it returns a truthy value or `timeout` ms pass; returns the last value. */
export async function waitFor(fn, { timeout = 10000, interval = 100, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${message} (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Read a readout's number: "1,234" -> 1234, "97.5%" -> 97.5, "—" -> NaN. */
export async function readNumber(page, selector) {
  const text = (await page.textContent(selector)) || '';
  const cleaned = text.replace(/[,%\s]/g, '');
  return cleaned === '' || cleaned === '\u2014' ? NaN : Number(cleaned);
}

/** Wait until the page has loaded the wasm and is training (the step counter moves). */
export async function waitForTraining(page, timeout = 15000) {
  await page.waitForSelector('#loading', { state: 'hidden', timeout });
  await waitFor(async () => (await readNumber(page, '#r-step')) > 0, { timeout, message: 'the step counter to move' });
}

/**
 * For a test file: serve dist/ on 127.0.0.1 from before its first test until after its last.
 * Returns the server's base URL (with a trailing slash) as a function, since it is known
 * only once the `before` hook ran.
 */
export function serveDist(root = DIST) {
  let server;
  before(async () => {
    requireDist(root);
    server = await startServer(root);
  });
  after(async () => {
    if (server) await server.close();
  });
  return () => server.url;
}

/**
 * For a test file: `withPage(hash, fn, options)` opens `base() + hash` in a fresh browser
 * (options as openPage takes them), runs `fn(opened)` and always closes the browser.
 */
export function pageOpener(base) {
  return async (hash, fn, options) => {
    const opened = await openPage(base(), options);
    try {
      await opened.page.goto(base() + (hash || ''));
      return await fn(opened);
    } finally {
      await opened.close();
    }
  };
}

/**
 * The controls under `scope` (a CSS selector) that lack a visible name (their text, or their
 * label's) or help text (a title on them or on an element around them), as
 * "id: name ..., help ..." lines; file inputs (opened by a button of their own) are left out.
 */
export function unlabelledControls(page, scope = '') {
  return page.evaluate((scope) => {
    const sel = ['button', 'input', 'select'].map((t) => `${scope} ${t}`.trim()).join(', ');
    return [...document.querySelectorAll(sel)]
      .filter((c) => c.type !== 'file')
      .map((c) => {
        const label = c.closest('label') || (c.id && document.querySelector(`label[for="${c.id}"]`));
        const name = c.tagName === 'BUTTON' ? c.textContent.trim() : label ? label.textContent.trim() : '';
        const help = c.title || (c.closest('[title]') && c.closest('[title]').title) || '';
        return { id: c.id || c.name, name, help };
      })
      .filter((c) => !c.name || !c.help)
      .map((c) => `${c.id}: name "${c.name}", help "${c.help}"`);
  }, scope);
}

let axeSource = null;

/**
 * axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now, as
 * "what: rule: help (targets)" lines. axe is injected with evaluate (not a <script>), so the
 * page's CSP stays on.
 */
export async function axeViolations(page, what = 'page') {
  if (!axeSource) axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
