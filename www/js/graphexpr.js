// The graph view's typed expressions: the expression field, a parse error shown at its column,
// the expression drawn as a graph (the worker's graph_expression request: Rust parses and
// computes it) and its names as inputs to edit. graphview.js draws and steps the graph; an
// answer that arrives after a newer question is dropped.

import { $ } from './dom.js';
import { buildInputs } from './graphinputs.js';

/**
 * hooks: the graph view's (request, notify, errText). panel: the graph view (graphview.js):
 * source (what it shows now), show(view, keep), choose(source, view), and the input fields'
 * list and error line (inputList, inputError).
 */
export function createGraphExpr(hooks, panel) {
  const el = {
    form: $('graph-expr-form'),
    expr: $('graph-expr'),
    error: $('graph-expr-error'),
    option: $('graph-expr-option'),
  };
  // The expression drawn: its text, and its inputs' values by name, so that a name keeps its
  // value when the expression is edited.
  const typed = { text: '', names: [], byName: new Map() };
  // Its inputs' values in order, under 'expr' (the form buildInputs edits in place).
  const inputValues = new Map();
  let asked = 0; // each question's number: an answer to an older one is dropped

  /** The typed expression's graph with the inputs' current values. */
  async function compute(keep) {
    const q = ++asked;
    const text = typed.text;
    let next;
    try {
      next = await hooks.request('graph_expression', { text, inputs: [...(inputValues.get('expr') || [])] });
    } catch (e) {
      hooks.notify(`The graph could not be computed: ${hooks.errText(e)}`, { kind: 'error' });
      return;
    }
    if (q !== asked || panel.source !== 'expr' || text !== typed.text) return;
    next.inputs.forEach(([n, v]) => typed.byName.set(n, v));
    panel.show(next.view, keep);
  }

  /**
   * Parse and draw the text in the expression field. A syntax error is shown with its column
   * (selected in the field) and changes nothing else.
   */
  async function drawTyped() {
    const text = el.expr.value.trim();
    if (!text) {
      showError('Type an expression first, for example (a + b) * c**2.', 0);
      return;
    }
    const q = ++asked;
    let first;
    try {
      first = await hooks.request('graph_expression', { text, inputs: [] });
      // Names the user already gave values keep them (inputs go by order of appearance).
      const wanted = first.inputs.map(([n, v]) => (typed.byName.has(n) ? typed.byName.get(n) : v));
      if (wanted.some((v, i) => v !== first.inputs[i][1])) {
        first = await hooks.request('graph_expression', { text, inputs: wanted });
      }
    } catch (e) {
      if (q !== asked) return;
      const message = hooks.errText(e);
      const m = /column (\d+)/.exec(message);
      showError(`Not an expression the graph can draw: ${message}`, m ? Number(m[1]) : 0);
      return;
    }
    if (q !== asked) return;
    showError('', 0);
    typed.text = text;
    typed.names = first.inputs.map(([n]) => n);
    first.inputs.forEach(([n, v]) => typed.byName.set(n, v));
    inputValues.set(
      'expr',
      first.inputs.map(([, v]) => v),
    );
    el.option.hidden = false;
    el.option.textContent = `typed: ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
    panel.choose('expr', first.view);
  }

  /** Show (or, with '', clear) the expression field's error; `column` (1-based) is selected. */
  function showError(message, column) {
    el.error.textContent = message;
    el.error.hidden = !message;
    if (!message) {
      el.expr.removeAttribute('aria-invalid');
      return;
    }
    el.expr.setAttribute('aria-invalid', 'true');
    el.expr.focus();
    if (column > 0) {
      const at = Math.min(column - 1, el.expr.value.length);
      el.expr.setSelectionRange(at, Math.min(at + 1, el.expr.value.length));
    }
  }

  el.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    drawTyped();
  });
  el.expr.addEventListener('input', () => {
    if (!el.error.hidden) showError('', 0);
  });

  return {
    /**
     * The graph view shows the typed expression: its inputs to edit, and its graph
     * (`firstView` when it is already computed).
     */
    select(firstView) {
      const defaults = typed.names.map((n, i) => [n, (inputValues.get('expr') || [])[i] ?? 1]);
      buildInputs(panel.inputList, panel.inputError, [{ name: 'expr', inputs: defaults }], inputValues, 'expr', () =>
        compute(true),
      );
      if (firstView) panel.show(firstView, false);
      else compute(false);
    },
    /** The expression drawn last ('' before the first). */
    get text() {
      return typed.text;
    },
  };
}
