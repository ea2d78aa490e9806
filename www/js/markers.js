// Point markers, drawn alike on the plot's canvas and as SVG swatches in the legend and the
// confusion matrix: a square, circle, triangle, diamond, star or cross per class, so the class
// is told by shape as well as by colour. Train points are filled with a dark outline, test
// points hollow (white inside, a thick ring of the class colour).

import { svgEl } from './dom.js';

const INK = '#222';

/** The outline of `shape` centred on (x, y) for marker size `s`: a polygon, or null for a circle. */
export function shapePolygon(shape, x, y, s) {
  const poly = (pts) => pts.map(([px, py]) => [x + px, y + py]);
  switch (shape) {
    case 'square': {
      const h = s * 0.9;
      return poly([[-h, -h], [h, -h], [h, h], [-h, h]]);
    }
    case 'triangle': {
      const r = s * 1.3;
      return poly([[0, -r], [r * 0.866, r * 0.5], [-r * 0.866, r * 0.5]]).map(([px, py]) => [px, py + s * 0.15]);
    }
    case 'diamond': {
      const r = s * 1.25;
      return poly([[0, -r], [r, 0], [0, r], [-r, 0]]);
    }
    case 'star': {
      const out = [];
      const R = s * 1.4;
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const r = i % 2 ? R * 0.5 : R;
        out.push([Math.cos(a) * r, Math.sin(a) * r + s * 0.1]);
      }
      return poly(out);
    }
    case 'cross': {
      const a = s * 0.42;
      const b = s * 1.15;
      return poly([[-a, -b], [a, -b], [a, -a], [b, -a], [b, a], [a, a], [a, b], [-a, b], [-a, a], [-b, a], [-b, -a], [-a, -a]]);
    }
    default:
      return null; // circle
  }
}

/** Trace `shape` as the canvas's current path. */
export function tracePath(ctx, shape, x, y, s) {
  ctx.beginPath();
  const pts = shapePolygon(shape, x, y, s);
  if (!pts) {
    ctx.arc(x, y, s, 0, Math.PI * 2);
    return;
  }
  ctx.moveTo(pts[0][0], pts[0][1]);
  for (let i = 1; i < pts.length; i++) ctx.lineTo(pts[i][0], pts[i][1]);
  ctx.closePath();
}

/**
 * Fill and stroke the current path as a marker: filled in `colour` inside a dark outline
 * `outline` wide (train), or a white centre inside a `ring`-wide ring of `colour` (test),
 * drawn over a dark ring `edge` wider (none at 0).
 */
function paint(ctx, colour, isTest, { ring, edge, outline }) {
  if (isTest) {
    ctx.fillStyle = '#fff';
    ctx.fill();
    if (edge > 0) {
      ctx.lineWidth = ring + edge;
      ctx.strokeStyle = INK;
      ctx.stroke();
    }
    ctx.lineWidth = ring;
    ctx.strokeStyle = colour;
  } else {
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = outline;
    ctx.strokeStyle = INK;
  }
  ctx.stroke();
}

/**
 * One marker: filled (train) or hollow (test) in `colour`. `edged`: a hollow marker's ring gets
 * thin dark edges, so that a light colour (sky blue) shows on a background of its own hue.
 */
export function drawShape(ctx, shape, x, y, size, colour, isTest, edged = false) {
  tracePath(ctx, shape, x, y, size);
  paint(ctx, colour, isTest, { ring: Math.max(1.5, size * 0.45), edge: edged ? Math.min(2, size * 0.5) : 0, outline: 1 });
}

/**
 * A regression point: a circle filled with its target's colour and a dark outline (so a
 * value near 0, nearly white, still stands out); a test point is a ring of that colour
 * between two dark outlines.
 */
export function drawValuePoint(ctx, x, y, size, colour, isTest) {
  tracePath(ctx, 'circle', x, y, size);
  paint(ctx, colour, isTest, { ring: Math.max(1.5, size * 0.6), edge: Math.min(2, size * 0.5), outline: Math.min(1.2, size * 0.3) });
}

/** A small SVG swatch of a marker (legend, confusion matrix headers); decorative. */
export function shapeSwatch(shape, colour, { hollow = false, size = 14 } = {}) {
  const svg = svgEl('svg', { width: size, height: size, viewBox: '0 0 16 16', class: 'marker', 'aria-hidden': 'true', focusable: 'false' });
  const s = 5.2;
  const pts = shapePolygon(shape, 8, 8, s);
  const attrs = hollow
    ? { fill: '#fff', stroke: colour, 'stroke-width': 2.4 }
    : { fill: colour, stroke: INK, 'stroke-width': 1 };
  svg.append(
    pts
      ? svgEl('polygon', { points: pts.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).join(' '), ...attrs })
      : svgEl('circle', { cx: 8, cy: 8, r: s, ...attrs }),
  );
  return svg;
}
