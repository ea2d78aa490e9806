// The page's side of the settings table (src/settings.rs): every control's range, step,
// default, label and help come from it, and so do the slider scales, so a limit is declared
// once, in Rust. `applySettings` fills the controls in; the rest are pure functions.

import { roundSig } from './format.js';

/** Each setting's control (the table in src/settings.rs gives their ranges, labels and help). */
export const CONTROL_IDS = {
  problem: 'problem',
  classes: 'classes',
  n_points: 'n-points',
  noise: 'noise',
  seed: 'seed',
  test_fraction: 'test-fraction',
  hidden: 'layers',
  activation: 'activation',
  loss: 'loss',
  learning_rate: 'lr',
  l2: 'l2',
  optimizer: 'optimizer',
  momentum: 'momentum',
  batch_size: 'batch',
  lr_decay: 'lr-decay',
  stop_step: 'stop-step',
  stop_epoch: 'stop-epoch',
  stop_loss: 'stop-loss',
  speed: 'speed',
  discretize: 'discretize',
};

/** The table by name. */
export function indexSettings(table) {
  return new Map(table.map((e) => [e.name, e]));
}

/**
 * A log slider for a setting with a `log` scale: integer positions, `per_decade` of them per
 * power of ten from `lowest` to the range's max, plus one below for 0 when `zero_stop`.
 */
export function logSlider(entry) {
  const { lowest, per_decade: k, zero_stop: zeroStop } = entry.scale;
  const first = Math.round(k * Math.log10(lowest));
  const min = zeroStop ? first - 1 : first;
  const max = Math.round(k * Math.log10(entry.range.max));
  return {
    min,
    max,
    /** The value at slider position `v` (3 significant digits: 0.1, 0.126, 0.158...). */
    value(v) {
      const n = Number(v);
      if (zeroStop && n <= min) return 0;
      return roundSig(10 ** (Math.max(first, Math.min(max, n)) / k), 3);
    },
    /** The slider position nearest `x`. */
    position(x) {
      if (!(x > 0)) return min;
      return Math.min(max, Math.max(first, Math.round(k * Math.log10(x))));
    },
  };
}

/** The slider of stops (speed): the index of the largest stop at or below `x` (at least 0). */
export function stopIndex(stops, x) {
  let idx = 0;
  for (let i = 0; i < stops.length; i++) if (stops[i] <= x) idx = i;
  return idx;
}

function labelFor(id) {
  return document.querySelector(`label[for="${id}"]`);
}

function setRange(input, min, max, step) {
  input.min = String(min);
  input.max = String(max);
  if (step !== undefined && step !== null) input.step = String(step);
}

/**
 * Give the controls their ranges, steps, defaults, labels, help and choices from the table.
 * `ids` maps a setting's name to its control's id.
 */
export function applySettings(settings, ids) {
  for (const [name, id] of Object.entries(ids)) {
    const entry = settings.get(name);
    const input = document.getElementById(id);
    if (!entry || !input) continue;
    input.title = entry.help;
    const label = labelFor(id);
    if (label) label.textContent = entry.label;
    const { kind, range } = entry;
    if (kind.type === 'choice' && input.tagName === 'SELECT') {
      input.replaceChildren(
        ...kind.choices.map((c) => {
          const o = document.createElement('option');
          o.value = c.value;
          o.textContent = c.label;
          o.title = c.help;
          return o;
        }),
      );
      input.value = entry.default;
    } else if (entry.scale.type === 'log') {
      const s = logSlider(entry);
      setRange(input, s.min, s.max, 1);
      input.value = String(s.position(entry.default));
    } else if (kind.type === 'stops') {
      setRange(input, 0, kind.stops.length - 1, 1);
      input.value = String(stopIndex(kind.stops, entry.default));
    } else if (kind.type === 'int_list') {
      setRange(input, entry.items.count.min, entry.items.count.max, 1);
      input.value = String(entry.default.length);
    } else if (kind.type === 'bool') {
      input.checked = !!entry.default;
      const wrap = input.closest('label');
      if (wrap && wrap.lastChild && wrap.lastChild.nodeType === Node.TEXT_NODE) wrap.lastChild.textContent = ` ${entry.label}`;
    } else if (range) {
      // Whole numbers and numbers: the seed field has no useful max attribute beyond its range.
      setRange(input, range.min, range.max, entry.step);
      input.value = String(entry.default);
    }
  }
}

/** One check box per choice of a `set` setting (input features), ids `${prefix}${value}`. */
export function buildSetChoices(entry, grid, legend, prefix) {
  legend.textContent = entry.label;
  legend.title = entry.help;
  grid.replaceChildren(
    ...entry.kind.choices.map((c) => {
      const label = document.createElement('label');
      label.title = c.help;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `${prefix}${c.value}`;
      box.value = c.value;
      box.checked = entry.default.includes(c.value);
      label.append(box, document.createTextNode(c.label));
      return label;
    }),
  );
  return [...grid.querySelectorAll('input')];
}

/** The dataset radios (with their thumbnails), one per choice of the `dataset` setting. */
export function buildDatasetChoices(entry, grid) {
  grid.replaceChildren(
    ...entry.kind.choices.map((c) => {
      const label = document.createElement('label');
      label.className = 'ds';
      label.title = c.help;
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'dataset';
      radio.id = `ds-${c.value}`;
      radio.value = c.value;
      const canvas = document.createElement('canvas');
      canvas.className = 'thumb';
      canvas.setAttribute('aria-hidden', 'true');
      const text = document.createElement('span');
      text.textContent = c.label;
      label.append(radio, canvas, text);
      return label;
    }),
  );
}
