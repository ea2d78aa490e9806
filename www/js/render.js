// Drawing the data plane: the decision-boundary heatmap, the axes and the points.
// Colour-blind-safe diverging palette: orange for class -1, blue for class +1 (the pair
// TensorFlow Playground uses; both tell apart under red-green colour blindness), with the
// class also carried by shape: +1 is a circle, -1 a square. Test points are hollow. More
// classes take the Okabe-Ito palette, one shape each, the confidence as the cell's depth of
// colour; regression the same diverging palette over the targets' range (classes.js).

import { CLASS_COLOURS, classIndex, classStyle, hexRgb } from './classes.js';
import { drawShape, drawValuePoint } from './markers.js';
import { fillDiverging } from './netpaint.js';

const ORANGE = [230, 120, 20]; // class -1
const BLUE = [20, 110, 190]; // class +1
const MID = [246, 246, 246];
const INK = '#222';
const BINARY = { kind: 'binary' };

// How strongly the background shows the model's confidence (0..1): light enough that the
// points stay readable on top of it.
const HEAT_STRENGTH = 0.62;
// The same for the lighter Okabe-Ito colours of more classes, and the faint tint that still
// names the winning class where all classes tie.
const CLASS_STRENGTH = 0.72;
const CLASS_FLOOR = 0.06;
const CLASS_LEVELS = 64;

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

/** 256 RGB entries for values -1..1 (index 0 is -1). */
function buildLut() {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const v = (i / 255) * 2 - 1;
    const c = v < 0 ? mix(MID, ORANGE, -v * HEAT_STRENGTH) : mix(MID, BLUE, v * HEAT_STRENGTH);
    lut.set(c, i * 3);
  }
  return lut;
}
const LUT = buildLut();
const DISCRETE_NEG = mix(MID, ORANGE, HEAT_STRENGTH * 0.75);
const DISCRETE_POS = mix(MID, BLUE, HEAT_STRENGTH * 0.75);

/** Per class, CLASS_LEVELS RGB entries from unsure (pale) to sure (deep). */
const CLASS_LUT = (() => {
  const lut = new Uint8ClampedArray(CLASS_COLOURS.length * CLASS_LEVELS * 3);
  CLASS_COLOURS.forEach((hex, k) => {
    const rgb = hexRgb(hex);
    for (let j = 0; j < CLASS_LEVELS; j++) {
      const t = CLASS_FLOOR + (CLASS_STRENGTH - CLASS_FLOOR) * (j / (CLASS_LEVELS - 1));
      lut.set(mix(MID, rgb, t), (k * CLASS_LEVELS + j) * 3);
    }
  });
  return lut;
})();
const CLASS_DISCRETE = CLASS_COLOURS.map((hex) => mix(MID, hexRgb(hex), CLASS_STRENGTH * 0.7));
/** A discretized regression boundary: this many bands on each side of 0. */
const BANDS = 4;

/** The colour of value `t` in [-1, 1] on the diverging scale at full strength (points, legend). */
export function valueRgb(t) {
  const v = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  return v < 0 ? mix(MID, ORANGE, -v) : mix(MID, BLUE, v);
}

function rgbText([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}

/** The CSS gradient of the value scale from -1 to +1, as the heatmap shows it. */
export const VALUE_GRADIENT = `linear-gradient(to right, ${rgbText(mix(MID, ORANGE, HEAT_STRENGTH))}, ${rgbText(MID)}, ${rgbText(mix(MID, BLUE, HEAT_STRENGTH))})`;

/** "Nice" tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo, hi, count = 5) {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const out = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(10)));
  }
  return out;
}

/**
 * Size a canvas's backing store to its CSS box times devicePixelRatio, so lines and text
 * stay crisp on high-DPI screens. Returns the CSS size and the scale.
 */
export function fitCanvas(canvas) {
  const dpr = Math.max(1, Math.min(4, window.devicePixelRatio || 1));
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(rect.width));
  const h = Math.max(1, Math.round(rect.height));
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (canvas.width !== bw || canvas.height !== bh) {
    canvas.width = bw;
    canvas.height = bh;
  }
  return { w, h, dpr };
}

/**
 * The plot, in two stacked canvases. `heat` holds the boundary grid at its own resolution
 * (one pixel per cell) and CSS stretches it over the plot rectangle, so the browser's
 * compositor scales it, off the main thread: drawing a 150x150 grid up to 600x600 pixels on
 * the main canvas every frame cost about half of each frame in software rendering. The main
 * canvas on top, transparent, holds the axes, points and cursor, and is redrawn only when
 * they change. Maps between data and canvas coordinates.
 */
export class PlotRenderer {
  constructor(canvas, heat, unitHeat = null) {
    this.canvas = canvas;
    this.unitHeat = unitHeat;
    this.ctx = canvas.getContext('2d');
    this.grid = heat;
    this.gridCtx = heat.getContext('2d');
    this.image = null;
    this.size = { w: 1, h: 1, dpr: 1 };
    this.margin = { left: 40, right: 10, top: 10, bottom: 30 };
    this.view = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
  }

  resize() {
    this.size = fitCanvas(this.canvas);
    const small = this.size.w < 360;
    this.margin = small
      ? { left: 32, right: 6, top: 6, bottom: 24 }
      : { left: 40, right: 10, top: 10, bottom: 30 };
    const r = this.rect();
    Object.assign(this.grid.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
    if (this.unitHeat) {
      Object.assign(this.unitHeat.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
    }
  }

  /**
   * Show one unit's heatmap over the boundary (`u`: { values, res }, row 0 at the top, from
   * the network diagram), or hide it with null. The points stay drawn on top.
   */
  showUnit(u) {
    const c = this.unitHeat;
    if (!c) return;
    if (!u) {
      c.hidden = true;
      return;
    }
    if (c.width !== u.res || c.height !== u.res) {
      c.width = u.res;
      c.height = u.res;
    }
    const ctx = c.getContext('2d');
    const image = ctx.createImageData(u.res, u.res);
    fillDiverging(image.data, u.values, 0, u.res * u.res);
    ctx.putImageData(image, 0, 0);
    c.hidden = false;
  }

  /** The plot rectangle in CSS pixels. */
  rect() {
    const { w, h } = this.size;
    const m = this.margin;
    return { x: m.left, y: m.top, w: Math.max(1, w - m.left - m.right), h: Math.max(1, h - m.top - m.bottom) };
  }

  toCanvas(x, y) {
    const r = this.rect();
    const v = this.view;
    return [r.x + ((x - v.xmin) / (v.xmax - v.xmin)) * r.w, r.y + ((v.ymax - y) / (v.ymax - v.ymin)) * r.h];
  }

  /** Data coordinates of a CSS-pixel position on the canvas, or null outside the plot. */
  toData(px, py) {
    const r = this.rect();
    if (px < r.x || px > r.x + r.w || py < r.y || py > r.y + r.h) return null;
    const v = this.view;
    return [v.xmin + ((px - r.x) / r.w) * (v.xmax - v.xmin), v.ymax - ((py - r.y) / r.h) * (v.ymax - v.ymin)];
  }

  /**
   * Fill the heatmap from boundary values (row 0 = top). Continuous view: the compositor
   * interpolates the cells smoothly. Discretized view: pixelated, so each cell is a solid
   * class colour (or, for regression, one of a few bands of value) with sharp edges. `mode`:
   * classes.js labelMode (binary: confidence in [-1, 1]; K classes: class + confidence;
   * regression: the predicted value).
   */
  setBoundary(values, res, discrete, mode = BINARY) {
    this.grid.classList.toggle('discrete', !!discrete);
    if (this.grid.width !== res || this.grid.height !== res) {
      this.grid.width = res;
      this.grid.height = res;
      this.image = null;
    }
    if (!this.image) this.image = this.gridCtx.createImageData(res, res);
    const px = this.image.data;
    const n = res * res;
    const classes = mode.kind === 'classes';
    const scale = mode.kind === 'regression' ? 1 / mode.range : 1;
    for (let i = 0; i < n; i++) {
      let v = values[i];
      let r;
      let g;
      let b;
      if (!Number.isFinite(v)) {
        r = g = b = 200;
      } else if (classes) {
        const k = Math.max(0, Math.min(CLASS_COLOURS.length - 1, Math.floor(v)));
        if (discrete) {
          [r, g, b] = CLASS_DISCRETE[k];
        } else {
          const o = (k * CLASS_LEVELS + Math.max(0, Math.min(CLASS_LEVELS - 1, Math.round((v - k) * (CLASS_LEVELS - 1))))) * 3;
          r = CLASS_LUT[o];
          g = CLASS_LUT[o + 1];
          b = CLASS_LUT[o + 2];
        }
      } else if (discrete && scale === 1) {
        [r, g, b] = v < 0 ? DISCRETE_NEG : DISCRETE_POS;
      } else {
        v *= scale;
        // Regression bands: the middle of each band of width 1/BANDS, 0 a border between two.
        if (discrete) v = (Math.min(BANDS - 1, Math.floor(Math.max(-1, Math.min(1, v)) * BANDS + BANDS) - BANDS) + 0.5) / BANDS;
        const k = Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255))) * 3;
        r = LUT[k];
        g = LUT[k + 1];
        b = LUT[k + 2];
      }
      const o = i * 4;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
      px[o + 3] = 255;
    }
    this.gridCtx.putImageData(this.image, 0, 0);
  }

  /**
   * Draw the top layer: axes, points, ring and cursor over the heatmap. `points` is the flat
   * [x, y, label, is_test] * n array; `opts` holds cursor (keyboard cursor, data coords),
   * highlight (the index of the point to ring, or -1) and mode (how labels are drawn,
   * classes.js labelMode).
   */
  draw(points, opts = {}) {
    const { ctx } = this;
    const { w, h, dpr } = this.size;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const r = this.rect();
    this.drawAxes(r);
    if (points) this.drawPoints(points, r, opts.mode || BINARY);
    if (points && opts.highlight >= 0) this.drawHighlight(points, opts.highlight, r);
    if (opts.cursor) this.drawCursor(opts.cursor);
  }

  /** A ring around point `i` (the one the graph view draws the live neuron on). */
  drawHighlight(pts, i, r) {
    if (i * 4 + 1 >= pts.length) return;
    const { ctx } = this;
    const [x, y] = this.toCanvas(pts[i * 4], pts[i * 4 + 1]);
    const size = Math.max(3, Math.min(6, r.w / 90));
    ctx.save();
    ctx.lineWidth = 4;
    ctx.strokeStyle = '#fff';
    ctx.beginPath();
    ctx.arc(x, y, size + 6, 0, Math.PI * 2);
    ctx.stroke();
    ctx.lineWidth = 2;
    ctx.strokeStyle = INK;
    ctx.stroke();
    ctx.restore();
  }

  drawAxes(r) {
    const { ctx } = this;
    const v = this.view;
    ctx.strokeStyle = '#777';
    ctx.lineWidth = 1;
    ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    ctx.fillStyle = '#333';
    ctx.font = '11px system-ui, sans-serif';
    const tickCount = r.w < 260 ? 4 : 6;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(v.xmin, v.xmax, tickCount)) {
      const [x] = this.toCanvas(t, v.ymin);
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, r.y + r.h);
      ctx.lineTo(Math.round(x) + 0.5, r.y + r.h + 4);
      ctx.stroke();
      ctx.fillText(String(t), x, r.y + r.h + 6);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of niceTicks(v.ymin, v.ymax, tickCount)) {
      const [, y] = this.toCanvas(v.xmin, t);
      ctx.beginPath();
      ctx.moveTo(r.x - 4, Math.round(y) + 0.5);
      ctx.lineTo(r.x, Math.round(y) + 0.5);
      ctx.stroke();
      ctx.fillText(String(t), r.x - 6, y);
    }
  }

  drawPoints(pts, r, mode) {
    const { ctx } = this;
    const n = Math.floor(pts.length / 4);
    // Beyond a few hundred points the markers shrink, so that the heatmap still shows.
    const dense = Math.max(0.5, Math.min(1, Math.sqrt(400 / Math.max(1, n))));
    const size = Math.max(2, Math.min(6, r.w / 90) * dense);
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    // Train points first, test points on top.
    for (const pass of [0, 1]) {
      for (let i = 0; i < n; i++) {
        const isTest = pts[i * 4 + 3] > 0.5 ? 1 : 0;
        if (isTest !== pass) continue;
        const [x, y] = this.toCanvas(pts[i * 4], pts[i * 4 + 1]);
        drawPoint(ctx, x, y, size, pts[i * 4 + 2], isTest === 1, mode);
      }
    }
    ctx.restore();
  }

  drawCursor([cx, cy]) {
    const { ctx } = this;
    const [x, y] = this.toCanvas(cx, cy);
    ctx.save();
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x - 10, y);
    ctx.lineTo(x - 3, y);
    ctx.moveTo(x + 3, y);
    ctx.lineTo(x + 10, y);
    ctx.moveTo(x, y - 10);
    ctx.lineTo(x, y - 3);
    ctx.moveTo(x, y + 3);
    ctx.lineTo(x, y + 10);
    ctx.stroke();
    ctx.restore();
  }
}

/**
 * One point marker: class +1 a blue circle, class -1 an orange square (more classes: their
 * colour and shape; regression: a circle of its target's colour); train points filled with a
 * dark outline, test points hollow (white fill, thick coloured ring).
 */
export function drawPoint(ctx, x, y, size, label, isTest, mode = BINARY) {
  if (mode.kind === 'regression') {
    drawValuePoint(ctx, x, y, size, rgbText(valueRgb(label / mode.range)), isTest);
    return;
  }
  const { colour, shape } = classStyle(classIndex(label, mode), mode);
  drawShape(ctx, shape, x, y, size, colour, isTest, mode.kind === 'classes');
}

/** A dataset thumbnail: the points only, on a plain background. */
export function drawThumbnail(canvas, pts, view, mode = BINARY) {
  const { w, h, dpr } = fitCanvas(canvas);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#f6f6f6';
  ctx.fillRect(0, 0, w, h);
  const n = Math.floor(pts.length / 4);
  for (let i = 0; i < n; i++) {
    const x = ((pts[i * 4] - view.xmin) / (view.xmax - view.xmin)) * w;
    const y = ((view.ymax - pts[i * 4 + 1]) / (view.ymax - view.ymin)) * h;
    const label = pts[i * 4 + 2];
    if (mode.kind === 'regression') {
      ctx.fillStyle = rgbText(valueRgb(label / mode.range));
      ctx.beginPath();
      ctx.arc(x, y, 1.9, 0, Math.PI * 2);
      ctx.fill();
      ctx.lineWidth = 0.5;
      ctx.strokeStyle = INK;
      ctx.stroke();
      continue;
    }
    const { colour, shape } = classStyle(classIndex(label, mode), mode);
    ctx.fillStyle = colour;
    ctx.beginPath();
    if (shape === 'circle') ctx.arc(x, y, 1.6, 0, Math.PI * 2);
    else if (shape === 'square') ctx.rect(x - 1.5, y - 1.5, 3, 3);
    else drawShapeSmall(ctx, shape, x, y);
    ctx.fill();
  }
}

function drawShapeSmall(ctx, shape, x, y) {
  // At thumbnail size the shapes blur: colour carries the class, a small polygon suggests it.
  if (shape === 'triangle') {
    ctx.moveTo(x, y - 2);
    ctx.lineTo(x + 1.8, y + 1.3);
    ctx.lineTo(x - 1.8, y + 1.3);
  } else {
    ctx.moveTo(x, y - 2);
    ctx.lineTo(x + 2, y);
    ctx.lineTo(x, y + 2);
    ctx.lineTo(x - 2, y);
  }
  ctx.closePath();
}
