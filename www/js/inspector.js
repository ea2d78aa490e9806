// The neuron inspector (#12): one neuron of the live network, picked in the network diagram.
// Its weights and bias (each editable while training runs, with Undo), its equation with
// numbers on the graph view's chosen point, each parameter's gradient and the optimizer's
// state for it. Rust computes every number (neuron_info); an edit goes through set_param and
// shows in the next frame's boundary. Refreshed a few times a second while training moves.

import { $, htmlEl } from './dom.js';
import { neuronName } from './netdiagram.js';

const REFRESH_MS = 300; // at most about 3 refreshes a second
const REFRESH_MS_REDUCED = 1000;
const MINUS = '\u2212';

/** A number as the inspector shows it: 4 decimals, a real minus sign. */
export function num(v) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : v > 0 ? 'inf' : `${MINUS}inf`;
  const t = v.toFixed(4);
  return t.startsWith('-') ? MINUS + t.slice(1) : t;
}

/** The name of input `i` of a neuron of weight layer `layer`: a feature, or h1.2 (layer 1's neuron 2). */
export function inputName(layer, i, features) {
  return layer === 0 ? features[i] || `x${i + 1}` : `h${layer}.${i + 1}`;
}

/**
 * hooks: request(type, args), point() (the graph view's chosen point), layers() (how many
 * weight layers), features() (the input features' names), getStep(), reducedMotion,
 * errText(e), showGraph(layer, index) (the graph view draws this neuron).
 */
export function createInspector(hooks) {
  const el = {
    section: $('inspector'),
    title: $('h-inspector'),
    equation: $('inspector-equation'),
    numbers: $('inspector-numbers'),
    body: $('inspector-params'),
    stateHead: $('inspector-state-head'),
    error: $('inspector-error'),
    undo: $('inspector-undo'),
    graph: $('inspector-graph'),
    close: $('inspector-close'),
    note: $('inspector-note'),
  };
  const state = { open: false, layer: 0, index: 0, info: null, last: 0, lastStep: -1, dirty: true, visible: true };
  const undo = []; // { index, old } per edit, the latest last
  let asked = 0;
  let rowsKey = '';

  function refresh() {
    state.dirty = false;
    state.last = performance.now();
    state.lastStep = hooks.getStep();
    const q = ++asked;
    const args = { layer: state.layer, index: state.index, point: Math.max(0, hooks.point()) };
    hooks
      .request('neuron_info', args)
      .then((info) => {
        if (q !== asked || !state.open) return;
        state.info = info;
        render();
      })
      .catch((e) => {
        if (q === asked) showError(`The neuron could not be read: ${hooks.errText(e)}`);
      });
  }

  function render() {
    const info = state.info;
    const layers = hooks.layers();
    el.title.textContent = `Neuron inspector: ${neuronName(state.layer, state.index, layers)}`;
    if (!info) {
      el.equation.textContent = 'No data points: add one on the plot to see this neuron work on it.';
      el.numbers.replaceChildren();
      el.body.replaceChildren();
      return;
    }
    const features = hooks.features();
    const act = info.activation === 'linear' ? '' : info.activation;
    const weights = info.params.slice(0, -1);
    const bias = info.params[info.params.length - 1];
    // The equation with the weights as numbers: tanh(0.3100·x1 − 1.2000·x2 + 0.0500) = 0.7300.
    let sym = '';
    weights.forEach((p, i) => {
      const w = p.value;
      const term = `${num(Math.abs(w))}·${inputName(state.layer, i, features)}`;
      sym += i === 0 ? (w < 0 ? `${MINUS}${term}` : term) : ` ${w < 0 ? MINUS : '+'} ${term}`;
    });
    const b = bias.value;
    sym += weights.length ? ` ${b < 0 ? MINUS : '+'} ${num(Math.abs(b))}` : num(b);
    el.equation.textContent = `${act ? `${act}(${sym})` : sym} = ${num(info.output)}`;
    // The same with the point's inputs in, each number in its own span (tests read them).
    const parts = [];
    const span = (cls, text) => {
      const s = document.createElement('span');
      s.className = cls;
      s.textContent = text;
      return s;
    };
    parts.push(act ? `${act}(` : '');
    weights.forEach((p, i) => {
      if (i > 0) parts.push(' + ');
      // A negative factor in parentheses: 0.3100·(−0.5234).
      const factor = (cls, v) => (v < 0 ? ['(', span(cls, num(v)), ')'] : [span(cls, num(v))]);
      parts.push(...factor('eq-w', p.value), '·', ...factor('eq-x', info.inputs[i]));
    });
    if (weights.length) parts.push(' + ');
    parts.push(...(b < 0 && weights.length ? ['(', span('eq-b', num(b)), ')'] : [span('eq-b', num(b))]));
    parts.push(act ? `) = ${act}(` : ' = ', span('eq-sum', num(info.sum)), act ? ') = ' : '');
    if (act) parts.push(span('eq-out', num(info.output)));
    el.numbers.replaceChildren(...parts);
    el.numbers.dataset.activation = info.activation;

    const key = `${state.layer}:${state.index}:${info.params.length}`;
    if (key !== rowsKey) buildRows(info, features);
    const adam = info.params.some((p) => p.adam_sqrt_v !== null && p.adam_sqrt_v !== undefined);
    const momentum = !adam && info.params.some((p) => p.velocity !== null && p.velocity !== undefined);
    el.stateHead.textContent = adam ? 'Adam: m, √v' : momentum ? 'velocity' : 'optimizer state';
    info.params.forEach((p, k) => {
      const row = el.body.children[k];
      if (!row) return;
      const field = row.querySelector('input');
      // A field being typed in keeps what the user typed.
      if (document.activeElement !== field) {
        field.value = String(Number(p.value.toFixed(4)));
        field.dataset.shown = field.value;
      }
      field.dataset.value = String(p.value);
      row.querySelector('.ins-x').textContent = k < info.inputs.length ? num(info.inputs[k]) : '1';
      row.querySelector('.ins-grad').textContent = num(p.grad);
      row.querySelector('.ins-state').textContent = adam
        ? `${num(p.velocity ?? NaN)}, ${num(p.adam_sqrt_v)}`
        : momentum
          ? num(p.velocity ?? NaN)
          : '—';
    });
    el.undo.disabled = undo.length === 0;
  }

  function buildRows(info, features) {
    rowsKey = `${state.layer}:${state.index}:${info.params.length}`;
    const rows = info.params.map((p, k) => {
      const isBias = k === info.params.length - 1;
      const name = isBias ? 'bias b' : `w${k + 1} (× ${inputName(state.layer, k, features)})`;
      const input = htmlEl('input', {
        type: 'number',
        step: 'any',
        id: `inspector-p${k}`,
        title: `Set ${isBias ? 'the bias' : `this weight`} while training runs (Enter applies it; Undo or Ctrl+Z puts it back)`,
      });
      input.dataset.k = String(k);
      input.addEventListener('change', () => apply(k, input));
      input.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') {
          ev.preventDefault();
          apply(k, input);
        }
      });
      return htmlEl(
        'tr',
        {},
        htmlEl('th', { scope: 'row' }, htmlEl('label', { htmlFor: `inspector-p${k}`, textContent: name })),
        htmlEl('td', {}, input),
        htmlEl('td', { className: 'ins-x num' }),
        htmlEl('td', { className: 'ins-grad num' }),
        htmlEl('td', { className: 'ins-state num' }),
      );
    });
    el.body.replaceChildren(...rows);
  }

  /** Apply the number typed for parameter `k` (its row), keeping the old value to undo. */
  async function apply(k, input) {
    const info = state.info;
    if (!info || !info.params[k]) return;
    const p = info.params[k];
    const text = input.value.trim();
    const v = Number(text);
    if (input.validity.badInput || text === '' || !Number.isFinite(v)) {
      input.setAttribute('aria-invalid', 'true');
      showError('Not a number the network can use: type a finite number, such as 0.5 or -1.2.');
      return;
    }
    input.removeAttribute('aria-invalid');
    if (input.value === input.dataset.shown || v === p.value) return; // unchanged
    // Enter and the change event that follows it apply a value once.
    input.dataset.shown = input.value;
    try {
      const { old } = await hooks.request('set_param', { index: p.index, value: v });
      undo.push({ index: p.index, old });
      showError('');
      el.note.textContent = `Set to ${num(v)} (it was ${num(old)}): the boundary shows it from the next frame.`;
    } catch (e) {
      showError(`That value could not be used: ${hooks.errText(e)}`);
    }
    el.undo.disabled = undo.length === 0;
    refresh();
  }

  async function undoLast() {
    const last = undo.pop();
    el.undo.disabled = undo.length === 0;
    if (!last) return;
    try {
      await hooks.request('set_param', { index: last.index, value: last.old });
      el.note.textContent = `Undone: the parameter is ${num(last.old)} again.`;
      showError('');
    } catch (e) {
      showError(`Undo failed: ${hooks.errText(e)}`);
    }
    refresh();
  }

  function showError(message) {
    el.error.textContent = message;
    el.error.hidden = !message;
  }

  el.undo.addEventListener('click', undoLast);
  el.section.addEventListener('keydown', (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && ev.key.toLowerCase() === 'z') {
      ev.preventDefault();
      undoLast();
    }
  });
  el.graph.addEventListener('click', () => hooks.showGraph(state.layer, state.index));
  el.close.addEventListener('click', () => {
    api.close();
    hooks.onClose();
  });
  new IntersectionObserver((entries) => {
    for (const e of entries) state.visible = e.isIntersecting;
  }).observe(el.section);

  const api = {
    /** Show neuron (layer, index). */
    open(layer, index) {
      const same = state.open && state.layer === layer && state.index === index;
      state.open = true;
      state.layer = layer;
      state.index = index;
      el.section.hidden = false;
      if (!same) {
        rowsKey = '';
        state.info = null;
        el.note.textContent = '';
        showError('');
      }
      refresh();
    },
    close() {
      state.open = false;
      asked++;
      el.section.hidden = true;
    },
    /** Every frame: a throttled refresh while training moves it. */
    tick(now) {
      if (!state.open || !state.visible || el.section.hidden) return;
      const every = hooks.reducedMotion.matches ? REFRESH_MS_REDUCED : REFRESH_MS;
      if (now - state.last < every) return;
      if (!state.dirty && hooks.getStep() === state.lastStep) return;
      refresh();
    },
    /** A new model: the old edits cannot be undone on it. */
    modelChanged() {
      undo.length = 0;
      rowsKey = '';
      state.dirty = true;
      el.undo.disabled = true;
      el.note.textContent = '';
      if (state.open) refresh();
    },
    /** The chosen point or the points changed. */
    pointChanged() {
      state.dirty = true;
    },
    get state() {
      return { open: state.open, layer: state.layer, index: state.index, undo: undo.length };
    },
  };
  return api;
}
