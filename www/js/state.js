// The page state in the URL hash: `#key=value&key=value`, one key per config field (the
// Playground's serde names) plus the page's own view settings (speed, discretize).
// Readable and hand-editable: `#dataset=xor&hidden=8,8&activation=tanh`.
// Pure functions: no DOM, no wasm.

import { DEFAULT_SPEED } from './format.js';

export const DATASETS = ['moons', 'circles', 'xor', 'spiral', 'gaussians', 'circle_square', 'custom'];
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'];
export const LOSSES = ['hinge', 'bce', 'mse'];
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'];

/** The Playground's defaults (the Rust side has the same; kept here to fill the controls). */
export const DEFAULT_CONFIG = Object.freeze({
  dataset: 'moons',
  n_points: 100,
  noise: 0.1,
  seed: 1337,
  test_fraction: 0.2,
  hidden: [16, 16],
  activation: 'relu',
  loss: 'hinge',
  learning_rate: 0.1,
  l2: 0.0001,
  optimizer: 'sgd',
  momentum: 0.9,
  batch_size: 0,
  lr_decay: false,
});

export const DEFAULT_UI = Object.freeze({ speed: DEFAULT_SPEED, discretize: false });

// The order keys are written in, and how each is read.
const CONFIG_KEYS = {
  dataset: { kind: 'enum', values: DATASETS },
  n_points: { kind: 'int' },
  noise: { kind: 'num' },
  seed: { kind: 'int' },
  test_fraction: { kind: 'num' },
  hidden: { kind: 'intlist' },
  activation: { kind: 'enum', values: ACTIVATIONS },
  loss: { kind: 'enum', values: LOSSES },
  learning_rate: { kind: 'num' },
  l2: { kind: 'num' },
  optimizer: { kind: 'enum', values: OPTIMIZERS },
  momentum: { kind: 'num' },
  batch_size: { kind: 'int' },
  lr_decay: { kind: 'bool' },
  points: { kind: 'points' },
};
const UI_KEYS = {
  speed: { kind: 'int' },
  discretize: { kind: 'bool' },
};

/** Shortest faithful text for a number: 6 significant digits, no trailing zeros. */
export function numText(x) {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

function pointText(x) {
  return String(Number(x.toFixed(3)));
}

function quote(s) {
  const t = String(s);
  return JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);
}

function parseValue(key, spec, raw) {
  const bad = (what) => {
    throw new Error(`"${key}" should be ${what}, not ${quote(raw)}`);
  };
  switch (spec.kind) {
    case 'enum':
      if (!spec.values.includes(raw)) bad(`one of ${spec.values.join(', ')}`);
      return raw;
    case 'int': {
      if (!/^-?\d+$/.test(raw)) bad('a whole number');
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) bad('a whole number');
      return n;
    }
    case 'num': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) bad('a number');
      return n;
    }
    case 'bool':
      if (raw === '1' || raw === 'true') return true;
      if (raw === '0' || raw === 'false') return false;
      return bad('1 or 0');
    case 'intlist': {
      if (raw === '') return [];
      const parts = raw.split(',');
      if (!parts.every((p) => /^\d+$/.test(p.trim()))) bad('a comma-separated list of layer sizes');
      return parts.map((p) => Number(p.trim()));
    }
    case 'points': {
      if (raw === '') return [];
      const out = [];
      for (const item of raw.split(';')) {
        const f = item.split(',');
        const nums = f.map(Number);
        if (f.length !== 3 || !nums.every(Number.isFinite) || (nums[2] !== 1 && nums[2] !== -1)) {
          bad('points written as x,y,label;x,y,label with label 1 or -1');
        }
        out.push(nums);
      }
      return out;
    }
    default:
      throw new Error(`internal: unknown kind for ${key}`);
  }
}

/**
 * Read a location hash. Returns { config, ui, errors, empty }: `config` holds only the
 * fields the hash named (the Rust constructor fills the rest), `ui` the page settings with
 * defaults filled in, `errors` one message per problem found (an empty list when the hash
 * is fine). A caller that gets errors should start from the defaults and show them.
 */
export function parseHash(hash) {
  const text = (hash || '').replace(/^#/, '');
  const config = {};
  const ui = { ...DEFAULT_UI };
  const errors = [];
  if (text.trim() === '') return { config, ui, errors, empty: true };
  let params;
  try {
    params = new URLSearchParams(text);
  } catch (e) {
    return { config: {}, ui, errors: [`the link's settings could not be read (${e.message})`], empty: false };
  }
  const seen = new Set();
  for (const [key, raw] of params) {
    if (seen.has(key)) {
      errors.push(`"${key}" is given twice`);
      continue;
    }
    seen.add(key);
    const spec = CONFIG_KEYS[key] || UI_KEYS[key];
    if (!spec) {
      errors.push(`unknown setting ${quote(key)}`);
      continue;
    }
    try {
      const value = parseValue(key, spec, raw);
      if (CONFIG_KEYS[key]) config[key] = value;
      else ui[key] = value;
    } catch (e) {
      errors.push(e.message);
    }
  }
  if (ui.speed < 1) errors.push(`"speed" should be at least 1, not ${ui.speed}`);
  return { config, ui, errors, empty: false };
}

/** Write a full config (from pg.config()) and the page settings as a hash string with '#'. */
export function encodeHash(config, ui = DEFAULT_UI) {
  const p = new URLSearchParams();
  for (const key of Object.keys(CONFIG_KEYS)) {
    if (!(key in config) || config[key] === null || config[key] === undefined) continue;
    const v = config[key];
    if (key === 'points') {
      if (config.dataset !== 'custom') continue;
      p.set(key, v.map((q) => `${pointText(q[0])},${pointText(q[1])},${q[2] > 0 ? 1 : -1}`).join(';'));
    } else if (key === 'hidden') {
      p.set(key, v.join(','));
    } else if (typeof v === 'boolean') {
      p.set(key, v ? '1' : '0');
    } else if (typeof v === 'number') {
      p.set(key, numText(v));
    } else {
      p.set(key, String(v));
    }
  }
  p.set('speed', String(ui.speed));
  p.set('discretize', ui.discretize ? '1' : '0');
  // URLSearchParams escapes ',' and ';'; they are safe in a fragment, so keep them readable.
  return `#${p.toString().replace(/%2C/gi, ',').replace(/%3B/gi, ';')}`;
}
