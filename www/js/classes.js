// What the labels of the points mean, and how each kind of label is drawn: two classes (-1 an
// orange square, +1 a blue circle, as the page always drew them), up to six classes (the
// Okabe-Ito palette, each class with its own shape as well as its colour) or a regression
// target (a diverging orange-white-blue scale over the data's range). Pure functions: no DOM.

/** Data sets that are regression problems; every other generated set is classification. */
export const REGRESSION_SETS = [];
/** Data sets that can have more than two classes (`classes` applies to them). */
export const MULTICLASS_SETS = [];

/** Fill the two lists from the settings table's `dataset` entry (Rust declares the kinds). */
export function learnDatasets(entry) {
  const kinds = entry.datasets || [];
  REGRESSION_SETS.splice(0, Infinity, ...kinds.filter((d) => d.problem === 'regression').map((d) => d.name));
  MULTICLASS_SETS.splice(0, Infinity, ...kinds.filter((d) => d.multiclass).map((d) => d.name));
}

/** The two classes as the page has always drawn them. */
export const BINARY_BLUE = '#0b6db7'; // class +1
export const BINARY_ORANGE = '#e07000'; // class -1

/** Okabe-Ito, in class order: colour-blind-safe, and each class also has its own shape. */
export const CLASS_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#D55E00', '#0072B2'];
export const CLASS_COLOUR_NAMES = ['orange', 'sky blue', 'bluish green', 'reddish purple', 'vermillion', 'blue'];
export const CLASS_SHAPES = ['square', 'circle', 'triangle', 'diamond', 'star', 'cross'];

/** The problem a data set poses ('custom' follows the config). */
export function problemOf(dataset, config) {
  if (dataset === 'custom') return config ? config.problem : 'classification';
  return REGRESSION_SETS.includes(dataset) ? 'regression' : 'classification';
}

/** The number of classes the network tells apart: 0 for regression, 2 for binary, else K. */
export function classCount(config) {
  if (!config) return 2;
  if (config.problem === 'regression') return 0;
  return MULTICLASS_SETS.includes(config.dataset) ? Math.max(2, Math.min(6, config.classes | 0)) : 2;
}

/**
 * How labels are drawn: { kind: 'binary' } | { kind: 'classes', k } | { kind: 'regression',
 * range } where `range` is the largest |target| of `points` (flat [x, y, label, is_test] * n).
 */
export function labelMode(config, points) {
  const k = classCount(config);
  if (k === 0) return { kind: 'regression', range: targetRange(points) };
  if (k > 2) return { kind: 'classes', k };
  return { kind: 'binary' };
}

/** max |target| over the points (at least 1e-9, so the scale never divides by 0). */
export function targetRange(points) {
  let m = 0;
  for (let i = 2; i < points.length; i += 4) {
    const v = Math.abs(points[i]);
    if (Number.isFinite(v) && v > m) m = v;
  }
  return Math.max(m, 1e-9);
}

/** The class index 0..K-1 of a label (binary: -1 -> 0, +1 -> 1). */
export function classIndex(label, mode) {
  if (mode.kind === 'binary') return label > 0 ? 1 : 0;
  return Math.max(0, Math.min(mode.k - 1, Math.round(label)));
}

/** The fill colour and shape of a point of class index `c` (binary keeps its own pair). */
export function classStyle(c, mode) {
  if (mode.kind === 'binary') return c === 1 ? { colour: BINARY_BLUE, shape: 'circle' } : { colour: BINARY_ORANGE, shape: 'square' };
  return { colour: CLASS_COLOURS[c % 6], shape: CLASS_SHAPES[c % 6] };
}

/** How a class is named on the page: "+1 (blue circle)", "class 2 (bluish green triangle)". */
export function className(c, mode) {
  if (mode.kind === 'binary') return c === 1 ? '+1 (blue circle)' : '−1 (orange square)';
  return `class ${c} (${CLASS_COLOUR_NAMES[c % 6]} ${CLASS_SHAPES[c % 6]})`;
}

/** A point's label in words, for the graph view and the announcements. */
export function labelText(label, mode) {
  if (mode.kind === 'regression') return `target ${Number(label.toPrecision(4))}`;
  return `class ${className(classIndex(label, mode), mode)}`.replace('class class', 'class');
}

/** The label a point of class index `c` carries (binary: 0 -> -1, 1 -> +1). */
export function labelOf(c, mode) {
  return mode.kind === 'binary' ? (c === 1 ? 1 : -1) : c;
}

/** "#E69F00" -> [230, 159, 0]. */
export function hexRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The losses regression can use (the others are for classes). */
export const REGRESSION_LOSSES = ['mse', 'huber'];

/**
 * The points as `[x, y, label]` triples for a custom rebuild (6 significant digits, as a link
 * writes them), each label through `relabel` (return null to leave a point out).
 */
export function pointList(points, relabel = (l) => l) {
  const out = [];
  for (let i = 0; i + 3 < points.length; i += 4) {
    const label = relabel(points[i + 2]);
    if (label === null) continue;
    out.push([Number(points[i].toPrecision(6)), Number(points[i + 1].toPrecision(6)), Number(label.toPrecision(6))]);
  }
  return out;
}
