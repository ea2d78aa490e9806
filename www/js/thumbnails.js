// The data set cards' thumbnails: each data set's points drawn small, once the training view
// shows, and the user's own set ("custom") drawn again whenever its points change.

import { currentMode } from './app.js';
import { REGRESSION_SETS, targetRange } from './classes.js';
import { drawThumbnail } from './render.js';

/** ask(type): the worker's answer, or null if it failed. */
export function createThumbnails(app, ask) {
  const thumbs = new Map(); // canvas -> the thumbnail drawn on it: { points, view, mode }

  function draw(canvas) {
    const t = thumbs.get(canvas);
    if (t) drawThumbnail(canvas, t.points, t.view, t.mode);
  }

  // A card hidden when its thumbnail came (the other problem's data sets) has a canvas of no
  // size: drawn again when it is shown, as on any change of size.
  const resize = new ResizeObserver((entries) => {
    for (const e of entries) if (e.contentRect.width > 0) draw(e.target);
  });

  return {
    /** Every built-in data set's thumbnail, from the worker. */
    async drawDatasets() {
      const list = (await ask('thumbnails')) || [];
      for (const t of list) {
        const canvas = document.querySelector(`#ds-${t.name} + canvas`);
        if (!canvas) continue;
        // Regression sets' points are coloured by their value (the others show two classes).
        const mode = REGRESSION_SETS.includes(t.name) ? { kind: 'regression', range: targetRange(t.points) } : { kind: 'binary' };
        thumbs.set(canvas, { points: t.points, view: t.view, mode });
        draw(canvas);
        resize.observe(canvas);
      }
    },
    /** The custom set's thumbnail, with the current points (when custom is the data set). */
    updateCustom() {
      const canvas = document.querySelector('#ds-custom + canvas');
      if (!canvas || !app.config || app.config.dataset !== 'custom') return;
      thumbs.set(canvas, { points: app.points, view: app.view, mode: currentMode(app) });
      draw(canvas);
      resize.observe(canvas);
    },
  };
}
