// The live loss / accuracy chart: two stacked panels on one canvas, drawn from the fixed-size
// History (so a redraw costs the same after 100 steps or 100k steps). Train is a solid line,
// test a dashed one, so the two are told apart without colour. For regression the lower
// panel shows the RMSE (log scale) instead of the accuracy.

import { fitCanvas, niceTicks } from './render.js';

const TRAIN = '#1d1d1d';
const TEST = '#7a3ea1';

function fmtStep(s) {
  if (s >= 1e6) return `${Number((s / 1e6).toPrecision(3))}M`;
  if (s >= 1e3) return `${Number((s / 1e3).toPrecision(3))}k`;
  return String(s);
}

function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(10 ** e);
  return out;
}

function fmtLogTick(v) {
  return v >= 1e-3 && v < 1e4 ? String(Number(v.toPrecision(1))) : `1e${Math.round(Math.log10(v))}`;
}

export class Chart {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.size = { w: 1, h: 1, dpr: 1 };
  }

  resize() {
    this.size = fitCanvas(this.canvas);
  }

  /**
   * `opts.regression`: the lower panel shows the RMSE instead of the accuracy; `opts.overlays`:
   * earlier runs' training loss curves ([{ steps, values, colour }]) drawn in the loss panel.
   */
  draw(history, { regression = false, overlays = [] } = {}) {
    const { ctx } = this;
    const { w, h, dpr } = this.size;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px system-ui, sans-serif';
    const left = 40;
    const right = 8;
    const gap = 22;
    const top = 16;
    const bottom = 18;
    const ph = Math.max(20, (h - top - bottom - gap) / 2);
    const plotW = Math.max(10, w - left - right);
    const n = history.length;
    let x0 = n > 0 ? history.steps[0] : Infinity;
    let x1 = n > 0 ? history.steps[n - 1] : -Infinity;
    // The step axis spans the live run and the overlaid ones.
    for (const o of overlays) {
      if (!o.steps.length) continue;
      x0 = Math.min(x0, o.steps[0]);
      x1 = Math.max(x1, o.steps[o.steps.length - 1]);
    }
    if (!Number.isFinite(x0)) x0 = 0;
    x1 = Number.isFinite(x1) ? Math.max(x1, x0 + 1) : 1;
    this.overlays = overlays;
    this.overlaysDrawn = 0;
    const xOf = (s) => left + ((s - x0) / (x1 - x0)) * plotW;

    this.logPanel(history, ['train_loss', 'test_loss'], 'loss (log scale)', { left, top, plotW, ph, xOf });
    const top2 = top + ph + gap;
    if (regression) {
      this.logPanel(history, ['train_rmse', 'test_rmse'], 'RMSE (log scale)', { left, top: top2, plotW, ph, xOf });
    } else {
      // Accuracy panel: 0..100 %.
      const accY = (v) => top2 + ph - v * ph;
      this.panel(left, top2, plotW, ph, 'accuracy');
      this.yTicks([0, 0.5, 1], accY, (v) => `${v * 100}%`, left, plotW);
      this.line(history, 'train_accuracy', xOf, accY, TRAIN, []);
      this.line(history, 'test_accuracy', xOf, accY, TEST, [5, 3]);
    }

    // Step axis under the lower panel.
    ctx.fillStyle = '#333';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    const ticks = n > 1 || this.overlaysDrawn > 0 ? niceTicks(x0, x1, Math.max(2, Math.floor(plotW / 70))) : [];
    for (const t of ticks) {
      // A label at the right end stays inside the canvas.
      const text = fmtStep(t);
      const half = ctx.measureText(text).width / 2;
      ctx.fillText(text, Math.min(w - half - 1, xOf(t)), top2 + ph + 3);
    }
    if (n === 0) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('no steps yet', left + plotW / 2, top + ph / 2);
    }
  }

  /**
   * A log-scale panel of two series (train solid, test dashed), from the smallest to the
   * largest finite value seen; a value of exactly 0 (hinge on separated data) sits on the
   * bottom edge.
   */
  logPanel(history, [trainField, testField], title, { left, top, plotW, ph, xOf }) {
    const n = history.length;
    let lo = Infinity;
    let hi = -Infinity;
    const see = (v) => {
      if (v > 0 && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    };
    for (const f of [trainField, testField]) {
      const s = history.series[f];
      for (let i = 0; i < n; i++) see(s[i]);
    }
    const overlays = trainField === 'train_loss' ? this.overlays || [] : [];
    for (const o of overlays) for (const v of o.values) see(v);
    if (!(lo < Infinity)) {
      lo = 0.01;
      hi = 1;
    }
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
    if (hi <= lo) hi = lo * 10;
    const yOf = (v) => top + ph - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph;
    this.panel(left, top, plotW, ph, title);
    this.yTicks(logTicks(lo, hi), yOf, fmtLogTick, left, plotW);
    const orFloor = (v) => (v > 0 ? yOf(Math.max(v, lo)) : v === 0 ? yOf(lo) : NaN);
    // Earlier runs first, thin, in their colours; the live run on top.
    const { ctx } = this;
    for (const o of overlays) {
      ctx.strokeStyle = o.colour;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([]);
      ctx.beginPath();
      let pen = false;
      let drawn = 0;
      o.steps.forEach((s, i) => {
        const v = o.values[i];
        const y = v === null ? NaN : orFloor(v);
        if (!Number.isFinite(y)) {
          pen = false;
          return;
        }
        if (pen) ctx.lineTo(xOf(s), y);
        else ctx.moveTo(xOf(s), y);
        pen = true;
        drawn += 1;
      });
      ctx.stroke();
      if (drawn > 1) this.overlaysDrawn += 1;
    }
    this.line(history, trainField, xOf, orFloor, TRAIN, []);
    this.line(history, testField, xOf, orFloor, TEST, [5, 3]);
  }

  panel(x, y, w, h, title) {
    const { ctx } = this;
    ctx.strokeStyle = '#999';
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    ctx.fillStyle = '#333';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(title, x, y - 2);
  }

  yTicks(ticks, yOf, fmt, left, plotW) {
    const { ctx } = this;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.strokeStyle = '#e2e2e2';
    for (const t of ticks) {
      const y = Math.round(yOf(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left + 1, y);
      ctx.lineTo(left + plotW - 1, y);
      ctx.stroke();
      ctx.fillText(fmt(t), left - 4, y);
    }
  }

  line(history, field, xOf, yOf, colour, dash) {
    const { ctx } = this;
    const s = history.series[field];
    const n = history.length;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(dash);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < n; i++) {
      const y = yOf(s[i]);
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      const x = xOf(history.steps[i]);
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
}
