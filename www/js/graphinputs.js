// The graph view's editable inputs of a guided example (a, b, c...): one number field each,
// the graph recomputed as the user types, and a value the graph cannot use (1e400, text)
// refused with a visible message instead of being silently replaced.

import { fmt4 } from './graph.js';

/**
 * Fill `list` with the inputs of example `name` (values kept in `inputValues`, by name);
 * `error` shows a refused value; `recompute()` runs after each accepted edit.
 */
export function buildInputs(list, error, examples, inputValues, name, recompute) {
  const ex = examples.find((e) => e.name === name);
  list.replaceChildren();
  error.hidden = true;
  if (!ex) return;
  const values = inputValues.get(name);
  ex.inputs.forEach(([label, def], i) => {
    const wrap = document.createElement('label');
    wrap.className = 'graph-input';
    const text = document.createElement('span');
    text.textContent = label;
    const input = document.createElement('input');
    input.type = 'number';
    input.id = `graph-input-${i}`;
    input.step = 'any';
    input.value = String(Number(values[i].toFixed(4)));
    input.dataset.label = label;
    input.title = `The value of ${label} (default ${fmt4(def)}); the graph recomputes as you type`;
    input.addEventListener('input', () => {
      const v = Number(input.value);
      // A number input reads as '' for text it cannot parse, 1e400 included (beyond the
      // largest double): refused, and said so, rather than silently keeping the last value.
      if (input.validity.badInput || (input.value.trim() !== '' && !Number.isFinite(v))) {
        refuseInput(error, input, label, values[i]);
        return;
      }
      if (input.value.trim() === '') return; // being retyped
      acceptInput(error, input);
      values[i] = v;
      recompute();
    });
    input.addEventListener('change', () => {
      if (input.value.trim() === '' || !Number.isFinite(Number(input.value))) {
        input.value = String(Number(values[i].toFixed(4)));
      }
      // The field shows the value in use again; the message stays until the next edit.
      input.removeAttribute('aria-invalid');
    });
    wrap.append(text, input);
    list.append(wrap);
  });
}

function refuseInput(error, input, label, kept) {
  input.setAttribute('aria-invalid', 'true');
  error.textContent =
    `${label}: not a number the graph can use (out of range or not a number): type a finite number, at most about ±1.8e308. ` +
    `The graph keeps ${label} = ${fmt4(kept)}.`;
  error.hidden = false;
}

function acceptInput(error, input) {
  input.removeAttribute('aria-invalid');
  error.hidden = true;
  error.textContent = '';
}
