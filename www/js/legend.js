// The legend under the plot, for the kind of labels shown: the two classes and the model
// output's ramp (binary), each class's colour and shape (more classes), or a colour bar of
// values with its ends and 0 (regression). Rebuilt only when what it shows changes.

import { className, classStyle } from './classes.js';
import { fmtSci } from './format.js';
import { shapeSwatch } from './markers.js';
import { VALUE_GRADIENT } from './render.js';

function item(...children) {
  const li = document.createElement('li');
  li.append(...children);
  return li;
}

function span(className, text) {
  const s = document.createElement('span');
  if (className) s.className = className;
  if (text !== undefined) s.textContent = text;
  return s;
}

/** A number for the legend: 3 significant digits, with a real minus sign. */
function fmtEnd(x) {
  return fmtSci(x).replace('-', '−');
}

/** `list`: the legend's <ul>. Returns { show(mode) }. */
export function createLegend(list) {
  let shown = '';

  function binary() {
    const ramp = span('ramp');
    ramp.setAttribute('aria-hidden', 'true');
    return [
      item(swatch('circle blue'), 'class +1'),
      item(swatch('square orange'), 'class −1'),
      item(swatch('circle hollow'), 'hollow: test point'),
      gradientItem(ramp, 'model output −1 … +1'),
    ];
  }

  function swatch(cls) {
    const s = span(`swatch ${cls}`);
    s.setAttribute('aria-hidden', 'true');
    return s;
  }

  function gradientItem(ramp, text) {
    const li = item(ramp, text);
    li.className = 'gradient';
    return li;
  }

  function classes(mode) {
    const out = [];
    for (let c = 0; c < mode.k; c++) {
      const { colour, shape } = classStyle(c, mode);
      const li = item(shapeSwatch(shape, colour), `class ${c}`);
      li.title = className(c, mode);
      out.push(li);
    }
    out.push(item(shapeSwatch('circle', '#555', { hollow: true }), 'hollow: test point'));
    const pale = span('ramp pale-ramp');
    pale.setAttribute('aria-hidden', 'true');
    out.push(gradientItem(pale, 'paler: less sure'));
    return out;
  }

  function regression(mode) {
    const bar = span('value-bar');
    const ramp = span('ramp wide');
    ramp.style.background = VALUE_GRADIENT;
    ramp.setAttribute('aria-hidden', 'true');
    const ends = span('value-ends');
    const lo = span('', fmtEnd(-mode.range));
    const mid = span('', '0');
    const hi = span('', fmtEnd(mode.range));
    ends.append(lo, mid, hi);
    bar.append(ramp, ends);
    const li = item(bar, span('value-caption', 'target and prediction'));
    li.className = 'gradient';
    li.setAttribute('aria-label', `colour scale of the target and the prediction, orange ${fmtEnd(-mode.range)} through white 0 to blue ${fmtEnd(mode.range)}`);
    return [li, item(swatch('circle hollow value-hollow'), 'ring: test point')];
  }

  return {
    /** Show the legend for `mode` (classes.js labelMode); a no-op when it is already shown. */
    show(mode) {
      const key = mode.kind === 'classes' ? `classes${mode.k}` : mode.kind === 'regression' ? `reg${fmtEnd(mode.range)}` : 'binary';
      if (key === shown) return;
      shown = key;
      const items = mode.kind === 'classes' ? classes(mode) : mode.kind === 'regression' ? regression(mode) : binary();
      list.replaceChildren(...items);
      list.classList.toggle('regression', mode.kind === 'regression');
    },
  };
}
