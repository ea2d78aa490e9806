// The confusion matrix of a classification run: a real table, true class per row and
// predicted class per column, for the training or the test points (a radio pair picks which),
// the diagonal (correct answers) emphasised. Rebuilt only when its counts change; hidden for
// regression.

import { $ } from './dom.js';
import { classStyle } from './classes.js';
import { shapeSwatch } from './markers.js';

/** A class's header: its marker and its name ("−1", "+1", or the class number). */
function classHeader(c, mode, scope) {
  const th = document.createElement('th');
  th.scope = scope;
  const { colour, shape } = classStyle(c, mode);
  const name = mode.kind === 'binary' ? (c === 1 ? '+1' : '−1') : String(c);
  th.append(shapeSwatch(shape, colour, { size: 12 }), document.createTextNode(name));
  th.title = `class ${name}`;
  return th;
}

/** Sum of the first k rows and columns of a confusion matrix. */
export function confusionTotal(matrix, k) {
  let n = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) n += (matrix[i] && matrix[i][j]) || 0;
  return n;
}

export function createConfusion() {
  const el = {
    section: $('confusion'),
    table: $('confusion-table'),
    radios: [...document.querySelectorAll('input[name="confusion-set"]')],
  };
  let which = 'train';
  let shownKey = '';
  let last = null;

  function render(stats, mode) {
    const k = mode.kind === 'classes' ? mode.k : 2;
    const matrix = (stats && stats[`${which}_confusion`]) || [];
    const key = `${which}|${mode.kind}|${k}|${JSON.stringify(matrix.slice(0, k).map((r) => r.slice(0, k)))}`;
    if (key === shownKey) return;
    shownKey = key;
    const total = confusionTotal(matrix, k);
    let correct = 0;
    for (let i = 0; i < k; i++) correct += (matrix[i] && matrix[i][i]) || 0;

    const caption = document.createElement('caption');
    const what = which === 'train' ? 'training' : 'test';
    caption.textContent = `${total.toLocaleString('en-US')} ${what} points, ${correct.toLocaleString('en-US')} classed right (the diagonal). Rows: the true class; columns: the predicted one.`;
    const thead = document.createElement('thead');
    const head = document.createElement('tr');
    const corner = document.createElement('td');
    corner.className = 'corner';
    corner.textContent = 'true \u2193 predicted \u2192';
    head.append(corner);
    for (let j = 0; j < k; j++) head.append(classHeader(j, mode, 'col'));
    thead.append(head);
    const tbody = document.createElement('tbody');
    for (let i = 0; i < k; i++) {
      const tr = document.createElement('tr');
      tr.append(classHeader(i, mode, 'row'));
      const rowSum = (matrix[i] || []).slice(0, k).reduce((a, b) => a + (b || 0), 0);
      for (let j = 0; j < k; j++) {
        const td = document.createElement('td');
        const n = (matrix[i] && matrix[i][j]) || 0;
        td.textContent = n.toLocaleString('en-US');
        if (i === j) td.className = 'diag';
        else if (n === 0) td.className = 'zero';
        else td.className = 'miss';
        // Off the diagonal, the share of the row's points that went wrong this way.
        if (i !== j && n > 0 && rowSum > 0) td.style.setProperty('--share', String(Math.min(1, n / rowSum)));
        tr.append(td);
      }
      tbody.append(tr);
    }
    el.table.replaceChildren(caption, thead, tbody);
  }

  for (const r of el.radios) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      which = r.value;
      if (last) render(last.stats, last.mode);
    });
  }

  return {
    /** Show the stats' matrix for `mode` (classes.js labelMode); hidden for regression. */
    update(stats, mode) {
      const hide = mode.kind === 'regression';
      if (el.section.hidden !== hide) el.section.hidden = hide;
      if (hide || !stats) return;
      last = { stats, mode };
      render(stats, mode);
    },
  };
}
