// Input on the plot: a click adds a point (Shift for the other class), the keyboard moves a
// cursor and Enter adds at it, keys 1..K choose the class a point gets, and in the graph
// view's "Pick point" mode either picks the nearest point instead.

import { $ } from './dom.js';

/**
 * hooks: addPoint(x, y, label), graph() (the graph view or null), notify(text, opts),
 * label(shift) (the label a click adds, or null), chooseByKey(n) (key n chooses the n-th
 * class: returns what to announce, or null).
 */
export function createPlotInput(app, plot, hooks) {
  const canvas = $('plot');
  const announce = $('plot-announce');

  function add(x, y, shift) {
    const label = hooks.label(shift);
    if (label !== null) hooks.addPoint(x, y, label);
  }

  /** The index of the point drawn nearest to CSS-pixel position (px, py), or -1. */
  function nearestPoint(px, py) {
    let best = -1;
    let bestD = Infinity;
    const p = app.points;
    for (let i = 0; i + 3 < p.length; i += 4) {
      const [x, y] = plot.toCanvas(p[i], p[i + 1]);
      const d = (x - px) ** 2 + (y - py) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i / 4;
      }
    }
    return best;
  }

  function picking() {
    const g = hooks.graph();
    return g && g.picking;
  }

  function pickAt(px, py) {
    const i = nearestPoint(px, py);
    // No points (cleared while picking): pick mode ends, saying so; the next click adds.
    if (i >= 0) hooks.graph().pickPoint(i);
    else hooks.graph().noPointsToPick();
  }

  canvas.addEventListener('click', (ev) => {
    const rect = canvas.getBoundingClientRect();
    if (picking()) {
      pickAt(ev.clientX - rect.left, ev.clientY - rect.top);
      return;
    }
    const at = plot.toData(ev.clientX - rect.left, ev.clientY - rect.top);
    if (at) add(at[0], at[1], ev.shiftKey);
  });

  canvas.addEventListener('focus', () => {
    const v = app.view;
    if (!app.cursor) app.cursor = [(v.xmin + v.xmax) / 2, (v.ymin + v.ymax) / 2];
    app.dirty.points = true;
  });
  canvas.addEventListener('blur', () => {
    app.cursor = null;
    app.dirty.points = true;
  });
  canvas.addEventListener('keydown', (ev) => {
    const c = app.cursor;
    if (!c) return;
    const v = app.view;
    const dx = (v.xmax - v.xmin) / 40;
    const dy = (v.ymax - v.ymin) / 40;
    const moves = { ArrowLeft: [-dx, 0], ArrowRight: [dx, 0], ArrowUp: [0, dy], ArrowDown: [0, -dy] };
    if (moves[ev.key]) {
      ev.preventDefault();
      app.cursor = [
        Math.min(v.xmax, Math.max(v.xmin, c[0] + moves[ev.key][0])),
        Math.min(v.ymax, Math.max(v.ymin, c[1] + moves[ev.key][1])),
      ];
      app.dirty.points = true;
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (picking()) pickAt(...plot.toCanvas(c[0], c[1]));
      else add(c[0], c[1], ev.shiftKey);
    } else if (/^[1-9]$/.test(ev.key) && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
      const said = hooks.chooseByKey(Number(ev.key));
      if (said) {
        ev.preventDefault();
        // Said again even when it is the same: a live region only speaks changes.
        announce.textContent = announce.textContent === said ? `${said}\u00a0` : said;
      }
    }
  });

  return {
    /** Show that a click will pick rather than add. */
    setPicking(on) {
      canvas.classList.toggle('picking', on);
    },
  };
}
