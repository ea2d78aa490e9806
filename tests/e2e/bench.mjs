// The wasm benchmark (`make bench-wasm`, after `make build build-testing`): not a test file.
//
// 1. In headless Chromium, the workloads of src/bench.rs (those of the criterion benchmarks),
//    timed inside wasm by the bindings' own bench functions: micrograd's demo step on the
//    tape (1000 steps) and on the dynamic graph (100 steps), and the page's 150x150 boundary
//    grid (20 grids); the median of ROUNDS rounds each, after 3 s of discarded warm-up rounds
//    (wasm tier-up), each round next to a native round of the same code
//    (examples/bench_native.rs), so both see the same state of this shared machine. The wasm
//    runs in a blank page of the same origin as dist-testing/ (the page built with the
//    `testing` feature, which alone exports the bench functions; served by a Playwright
//    route, not a file) so the playground's own animation does not share the CPU.
// 2. The page itself (dist/): frames per second (a requestAnimationFrame counter), steps per
//    second and the longest main-thread task over 5 s, then the Pause latency (from the
//    click until the step counter stops), with the default settings (moons, 10
//    steps/frame), `#speed=100`, and the heaviest the page allows (6 x 32 neurons, 5,000
//    points, full batch, 500 steps/frame).
// 3. The gzipped size (level 9) of dist/*.wasm.
//
// Prints the table and writes every figure to target/bench-wasm.json.
//
//   node tests/e2e/bench.mjs        ROUNDS=9 FPS_SECONDS=5 WARMUP_MS=3000 to change the defaults

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { DIST, DIST_TESTING, ROOT, openPage, requireDist, startServer, waitForTraining } from './helpers.mjs';

const ROUNDS = Number(process.env.ROUNDS || 9);
const FPS_SECONDS = Number(process.env.FPS_SECONDS || 5);
const WARMUP_MS = Number(process.env.WARMUP_MS || 3000);
const BINDINGS = 'micrograd-playground.js';
const OUT = path.join(ROOT, 'target', 'bench-wasm.json');
const NATIVE = path.join(ROOT, 'target', 'release', 'examples', 'bench_native');
// micrograd's demo workload, handed to the wasm (the page's bundle does not carry it).
const GOLDEN = fs.readFileSync(path.join(ROOT, 'tests', 'golden', 'micrograd_demo.json'), 'utf8');
const HEAVIEST = '#hidden=32,32,32,32,32,32&n_points=5000&test_fraction=0&batch_size=0&speed=500';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function cpuModel() {
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line ? line.split(':')[1].trim() : os.cpus()[0]?.model || 'unknown';
  } catch {
    return os.cpus()[0]?.model || 'unknown';
  }
}

function machine() {
  try {
    return execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
  } catch {
    return os.arch();
  }
}

/** One round of the native timer (examples/bench_native.rs, the same workloads as wasm). */
function nativeRound() {
  const out = execFileSync(NATIVE, ['1'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Run the bindings' bench functions in a blank same-origin page, alternating with native. */
async function benchWasm(server) {
  const opened = await openPage(server.url);
  const { page, problems } = opened;
  try {
    // A virtual page: same origin as the bindings, no playground running in it.
    await page.route('**/__bench.html', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>' +
          '<link rel="icon" href="data:,"></head><body>wasm benchmark</body></html>',
      }),
    );
    await page.goto(`${server.url}__bench.html`);
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const exports = await page.evaluate(async (url) => {
      const mod = await import(url);
      await mod.default();
      globalThis.__bench = mod;
      return Object.keys(mod);
    }, `/${BINDINGS}`);
    for (const name of ['bench_demo_step', 'bench_boundary']) {
      if (!exports.includes(name)) {
        throw new Error(
          `dist-testing/${BINDINGS} does not export ${name} (it exports: ${exports.join(', ')}): ` +
            'rebuild with `make build-testing`',
        );
      }
    }
    const workloads = [
      { key: 'demo_step_tape', label: 'demo step, tape (1000 steps)', unit: 'us', call: ['bench_demo_step', GOLDEN, 1000, false] },
      { key: 'demo_step_dynamic', label: 'demo step, dynamic graph (100 steps)', unit: 'us', call: ['bench_demo_step', GOLDEN, 100, true] },
      { key: 'boundary_150x150', label: 'boundary 150x150 (20 grids)', unit: 'ms', call: ['bench_boundary', 150, 20] },
    ];
    const wasmRound = async () => {
      const r = {};
      for (const w of workloads) r[w.key] = await page.evaluate(([fn, ...args]) => globalThis.__bench[fn](...args), w.call);
      return r;
    };
    // Warm-up, discarded: V8 compiles wasm with its baseline compiler first and tiers hot
    // functions up to the optimising one only after they have run a while (the first rounds
    // measured here ran 2-5x slower). The native side warms up too.
    const warm = Date.now();
    let warmups = 0;
    while (warmups < 3 || Date.now() - warm < WARMUP_MS) {
      await wasmRound();
      warmups += 1;
    }
    nativeRound();
    // Then native and wasm rounds in alternation: this machine's speed drifts (a shared VM),
    // and alternating lets both sides see the same drift, so their ratio means something.
    const rounds = { wasm: [], native: [] };
    for (let r = 0; r < ROUNDS; r++) {
      rounds.native.push(nativeRound());
      rounds.wasm.push(await wasmRound());
    }
    const results = {};
    for (const w of workloads) {
      const side = (k) => {
        const xs = rounds[k].map((x) => x[w.key]);
        return { median: median(xs), min: Math.min(...xs), rounds: xs };
      };
      results[w.key] = { unit: w.unit, call: `${w.call[0]}(${w.call.slice(-2).join(', ')})`, warmups, wasm: side('wasm'), native: side('native') };
      const fmt = (x) => `median ${x.median.toFixed(3)} ${w.unit}, best ${x.min.toFixed(3)}`;
      console.error(`[bench-wasm] ${w.label}: wasm ${fmt(results[w.key].wasm)}; native ${fmt(results[w.key].native)}`);
    }
    // wasm's tape runs the two-lane kernels (simd128); natively the CPU may have wider ones
    // (AVX): the wasm step beside native's two-lane kernels too, the same code on both sides.
    {
      const xs = rounds.native.map((x) => x.demo_step_tape_baseline);
      results.demo_step_tape_baseline = { ...results.demo_step_tape, native: { median: median(xs), min: Math.min(...xs), rounds: xs } };
    }
    if (problems.length) console.error(`[bench-wasm] page problems: ${problems.join('; ')}`);
    return { userAgent, results, problems: [...problems] };
  } finally {
    await opened.close();
  }
}

/**
 * Frames per second, steps per second and the longest main-thread task of the playground page
 * over FPS_SECONDS, then the Pause latency: from the click on Pause until the last step the
 * page shows (the worker finishes the work it had begun; the counter then holds).
 */
async function pageFps(server, hash, prepare = null) {
  const opened = await openPage(server.url);
  const { page, problems } = opened;
  try {
    await page.addInitScript(() => {
      globalThis.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) globalThis.__longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(server.url + hash);
    await waitForTraining(page, 30000);
    await page.waitForTimeout(1500); // past the page's first second (wasm tier-up)
    // What the scenario opens before the measured seconds, and its longest task meanwhile.
    let openingMs = null;
    if (prepare) {
      const t0 = await page.evaluate(() => performance.now());
      await prepare(page);
      await page.waitForTimeout(1500);
      openingMs = await page.evaluate((t) => globalThis.__longTasks.filter((e) => e.start >= t).reduce((m, e) => Math.max(m, e.ms), 0), t0);
    }
    const result = await page.evaluate(async (seconds) => {
      const pg = globalThis.playground;
      const step0 = pg.stats.step;
      let frames = 0;
      let first = 0;
      let last = 0;
      await new Promise((resolve) => {
        const tick = (now) => {
          if (!first) first = now;
          last = now;
          frames += 1;
          if (now - first < seconds * 1000) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      const elapsed = (last - first) / 1000;
      const long = globalThis.__longTasks.filter((t) => t.start >= first && t.start <= last);
      // Pause: watch the shown step for a second after the click.
      const clicked = performance.now();
      document.getElementById('play').click();
      let lastStep = pg.stats.step;
      let lastChange = clicked;
      await new Promise((resolve) => {
        const watch = (now) => {
          if (pg.stats.step !== lastStep) {
            lastStep = pg.stats.step;
            lastChange = now;
          }
          if (now - clicked < 1000) requestAnimationFrame(watch);
          else resolve();
        };
        requestAnimationFrame(watch);
      });
      return {
        fps: (frames - 1) / elapsed,
        steps_per_second: (pg.stats.step - step0) / elapsed,
        seconds: elapsed,
        speed_at_end: pg.ui.speed,
        train_loss: pg.stats.train_loss,
        longest_task_ms: long.reduce((m, t) => Math.max(m, t.ms), 0),
        long_tasks: long.length,
        pause_latency_ms: lastChange - clicked,
      };
    }, FPS_SECONDS);
    if (problems.length) console.error(`[bench-wasm] page problems (${hash || 'default'}): ${problems.join('; ')}`);
    console.error(
      `[bench-wasm] page ${hash || '(default)'}: ${result.fps.toFixed(1)} fps, ` +
        `${Math.round(result.steps_per_second)} steps/s, speed at end ${result.speed_at_end} steps/frame, ` +
        `longest main-thread task ${result.longest_task_ms.toFixed(0)} ms, Pause latency ${result.pause_latency_ms.toFixed(0)} ms`,
    );
    if (openingMs !== null) {
      result.opening_longest_task_ms = openingMs;
      console.error(`[bench-wasm]   opening it: longest main-thread task ${openingMs.toFixed(0)} ms`);
    }
    return { hash, ...result, problems: [...problems] };
  } finally {
    await opened.close();
  }
}

function bundleSizes() {
  const files = fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm'));
  if (!files.length) throw new Error(`no .wasm file in ${DIST}`);
  const wasm = files.map((f) => {
    const buf = fs.readFileSync(path.join(DIST, f));
    const gz = zlib.gzipSync(buf, { level: 9 }).length;
    return { file: f, bytes: buf.length, gzip_bytes: gz, gzip_kb: gz / 1024 };
  });
  // Everything the page loads (dist/, recursively), gzipped file by file.
  let total = 0;
  let totalGz = 0;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue; // e.g. Trunk's .stage/ during a build
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const buf = fs.readFileSync(p);
        total += buf.length;
        totalGz += zlib.gzipSync(buf, { level: 9 }).length;
      }
    }
  };
  walk(DIST);
  return { wasm, dist_bytes: total, dist_gzip_bytes: totalGz, dist_gzip_kb: totalGz / 1024 };
}

function fmtTime(ns) {
  if (ns == null || !Number.isFinite(ns)) return '—';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} us`;
  return `${ns.toFixed(0)} ns`;
}

function table(rows, headers) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  return [line(headers), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main() {
  requireDist();
  requireDist(DIST_TESTING);
  if (!fs.existsSync(NATIVE)) {
    throw new Error(`${NATIVE} is missing: cargo build --release --example bench_native`);
  }
  const server = await startServer();
  const testing = await startServer(DIST_TESTING);
  let wasm;
  let pages;
  try {
    wasm = await benchWasm(testing);
    pages = {
      default: await pageFps(server, ''),
      speed_100: await pageFps(server, '#speed=100'),
      heaviest: await pageFps(server, HEAVIEST),
      // The same with the graph view open on the live network: every neuron's heatmap is
      // recomputed and drawn a few times a second (the diagram of #12).
      heaviest_network_alive: await pageFps(server, HEAVIEST, async (page) => {
        await page.selectOption('#graph-source', 'live');
        await page.locator('#net-diagram').scrollIntoViewIfNeeded();
        await page.waitForSelector('#net-diagram g.nd-neuron');
      }),
    };
  } finally {
    await server.close();
    await testing.close();
  }
  const bundle = bundleSizes();

  // The alternating rounds: wasm and native medians (in ns), the ratio of the medians, and the
  // median of each round's ratio (a wasm round against the native round just before it).
  const toNs = (x, unit) => (unit === 'ms' ? x * 1e6 : x * 1e3);
  const rows = [
    ['demo step, tape', 'demo_step_tape'],
    ['demo step, tape; native on two lanes', 'demo_step_tape_baseline'],
    ['demo step, dynamic graph', 'demo_step_dynamic'],
    ['boundary 150x150', 'boundary_150x150'],
  ].map(([label, key]) => {
    const r = wasm.results[key];
    const [w, n] = [toNs(r.wasm.median, r.unit), toNs(r.native.median, r.unit)];
    const perRound = r.wasm.rounds.map((x, i) => x / r.native.rounds[i]);
    return { label, key, native_ns: n, wasm_ns: w, ratio: w / n, round_ratio: median(perRound) };
  });

  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    cpu: cpuModel(),
    browser: wasm.userAgent,
    rounds: ROUNDS,
    wasm: wasm.results,
    comparison: rows,
    page: pages,
    bundle,
    problems: [...wasm.problems, ...Object.values(pages).flatMap((p) => p.problems)],
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);

  console.log('');
  console.log(`wasm in headless Chromium vs native, ${report.date.slice(0, 10)}, ${report.machine}, ${report.cpu}`);
  console.log(`browser: ${report.browser}`);
  console.log(`medians of ${ROUNDS} rounds, native and wasm in alternation (examples/bench_native.rs, same code)`);
  console.log('');
  console.log(
    table(
      rows.map((r) => [r.label, fmtTime(r.native_ns), fmtTime(r.wasm_ns), `${r.ratio.toFixed(2)}x`, `${r.round_ratio.toFixed(2)}x`]),
      ['workload', 'native', 'wasm', 'wasm/native', 'median round ratio'],
    ),
  );
  console.log('');
  console.log(
    table(
      Object.entries(pages).map(([name, p]) => [
        `page: ${name}`,
        p.fps.toFixed(1),
        Math.round(p.steps_per_second).toLocaleString('en-US'),
        p.speed_at_end,
        p.longest_task_ms.toFixed(0),
        p.pause_latency_ms.toFixed(0),
      ]),
      ['page (moons, headless)', 'frames/s', 'steps/s', 'steps/frame at end', 'longest task ms', 'Pause latency ms'],
    ),
  );
  console.log('');
  for (const w of bundle.wasm) {
    console.log(`${w.file}: ${w.bytes.toLocaleString('en-US')} bytes, ${w.gzip_bytes.toLocaleString('en-US')} bytes gzipped (level 9; ${w.gzip_kb.toFixed(1)} KiB)`);
  }
  console.log(`whole dist/: ${(bundle.dist_bytes / 1024).toFixed(1)} KB, ${bundle.dist_gzip_kb.toFixed(1)} KB gzipped file by file`);
  console.log(`written: ${path.relative(ROOT, OUT)}`);
  if (report.problems.length) {
    console.error(`[bench-wasm] FAIL: the pages reported problems:\n  ${report.problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`[bench-wasm] FAIL: ${e.stack || e}`);
  process.exit(1);
});
