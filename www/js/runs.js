// Runs you can compare (#12): each Reset or rebuild keeps the finished run (its link, its loss
// and accuracy or RMSE history, final numbers and step count), the last 10 in localStorage.
// The Runs panel lists them; a check box overlays a run's loss curve on the chart, Restore
// opens its link (its settings), Clear forgets them all.

import { $, htmlEl } from './dom.js';

const KEY = 'micrograd-playground.runs';
const KEEP = 10;
const SAMPLES = 128; // points per kept curve
/** One colour per overlaid run, apart from the live train (ink) and test (purple) lines. */
export const RUN_COLOURS = ['#0b6db7', '#e07000', '#009e73', '#cc79a7', '#8c6d1f', '#56b4e9', '#d55e00', '#666666', '#117733', '#aa4499'];

function load() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(list) ? list.filter((r) => r && typeof r.hash === 'string' && Array.isArray(r.steps)) : [];
  } catch {
    return [];
  }
}

function save(list) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // storage full or off: the list lives on for this page only
  }
}

/** Every k-th of a History's samples, at most SAMPLES of them. */
function curve(history, field) {
  const n = history.length;
  const k = Math.max(1, Math.ceil(n / SAMPLES));
  const out = [];
  for (let i = 0; i < n; i += k) out.push(Number.isFinite(history.series[field][i]) ? Number(history.series[field][i].toPrecision(5)) : null);
  return out;
}

function pct(v) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—';
}

/**
 * hooks: restore(hash) (open a run's link), onOverlay() (the chart should redraw), notify.
 */
export function createRuns(hooks) {
  const el = { list: $('runs-list'), clear: $('runs-clear'), empty: $('runs-empty') };
  let runs = load();
  const overlaid = new Set(); // run ids

  /** Keep the run that is ending (before a reset, rebuild, import or link). */
  function keep(app, hash) {
    const s = app.stats;
    const h = app.history;
    if (!s || !(s.step > 0) || !h || h.length < 2 || !app.config) return;
    const regression = app.config.problem === 'regression';
    const k = Math.max(1, Math.ceil(h.length / SAMPLES));
    const steps = [];
    for (let i = 0; i < h.length; i += k) steps.push(h.steps[i]);
    const run = {
      id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
      when: Date.now(),
      hash,
      dataset: app.config.dataset,
      regression,
      step: s.step,
      train_loss: s.train_loss,
      test_loss: s.test_loss,
      final: regression ? s.test_rmse : s.test_accuracy,
      steps,
      loss: curve(h, 'train_loss'),
    };
    runs = [run, ...runs].slice(0, KEEP);
    save(runs);
    render();
  }

  function describe(r) {
    const when = new Date(r.when).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const metric = r.regression
      ? `test RMSE ${Number.isFinite(r.final) ? Number(r.final.toPrecision(3)) : '—'}`
      : `test accuracy ${pct(r.final)}`;
    return `${when} ${r.dataset}: ${metric}, ${Number(r.step).toLocaleString('en-US')} steps`;
  }

  function render() {
    for (const id of [...overlaid]) if (!runs.some((r) => r.id === id)) overlaid.delete(id);
    el.list.replaceChildren(
      ...runs.map((r, i) => {
        const box = htmlEl('input', { type: 'checkbox', id: `run-${i}`, checked: overlaid.has(r.id) });
        box.addEventListener('change', () => {
          if (box.checked) overlaid.add(r.id);
          else overlaid.delete(r.id);
          hooks.onOverlay();
        });
        const swatch = htmlEl('span', { className: 'run-swatch' });
        swatch.setAttribute('aria-hidden', 'true');
        swatch.style.setProperty('--run-colour', RUN_COLOURS[i % RUN_COLOURS.length]);
        const label = htmlEl('label', { title: "Draw this run's training loss on the chart, in its colour" }, box, swatch, ` ${describe(r)}`);
        const restore = htmlEl('button', {
          type: 'button',
          textContent: 'Restore',
          title: "Open this run's settings (its link): training starts again from them",
        });
        restore.setAttribute('aria-label', `Restore the run of ${describe(r)}`);
        restore.addEventListener('click', () => hooks.restore(r.hash));
        return htmlEl('li', { className: 'run' }, label, restore);
      }),
    );
    el.empty.hidden = runs.length > 0;
    hooks.onOverlay();
  }

  el.clear.addEventListener('click', () => {
    if (!runs.length) {
      hooks.notify('There are no kept runs to clear.', { kind: 'info' });
      return;
    }
    runs = [];
    overlaid.clear();
    save(runs);
    render();
    hooks.notify('The list of runs is cleared.', { kind: 'info' });
  });

  render();

  return {
    keep,
    /** The overlaid runs' loss curves for the chart: [{ steps, values, colour }]. */
    overlays() {
      const out = [];
      runs.forEach((r, i) => {
        if (overlaid.has(r.id)) out.push({ steps: r.steps, values: r.loss, colour: RUN_COLOURS[i % RUN_COLOURS.length] });
      });
      return out;
    },
    get state() {
      return { count: runs.length, overlaid: overlaid.size, runs: runs.map((r) => ({ hash: r.hash, dataset: r.dataset, step: r.step, final: r.final })) };
    },
  };
}
