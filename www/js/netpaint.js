// Painting the live network diagram (netdiagram.js) on its canvas: each node's output as a
// small heatmap on the diverging palette, and the links as lines coloured by the weight's sign
// and as thick as its size. A canvas, not SVG styles: with thousands of links a restyled SVG
// line repaints the whole drawing in one frame, while a canvas is painted a slice at a time.

/** 256 RGB entries for -1..1, the boundary's diverging palette (render.js's, repeated here so
 * that this module stays free of the plot's imports). */
const LUT = (() => {
  const mid = [246, 246, 246];
  const orange = [230, 120, 20];
  const blue = [20, 110, 190];
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const v = (i / 255) * 2 - 1;
    const to = v < 0 ? orange : blue;
    const t = Math.abs(v) * 0.8;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(mid[c] + (to[c] - mid[c]) * t);
  }
  return lut;
})();

/**
 * Fill RGBA pixels `px` with `n` values from `values[offset...]` on the diverging palette,
 * scaled by the largest |value| so that each unit shows its own pattern (0 stays white).
 */
export function fillDiverging(px, values, offset, n) {
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i];
    if (Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v);
  }
  const k = max > 0 ? 1 / max : 0;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i];
    const o = i * 4;
    if (!Number.isFinite(v)) {
      px[o] = px[o + 1] = px[o + 2] = 200;
    } else {
      const j = Math.max(0, Math.min(255, Math.round(((v * k + 1) / 2) * 255))) * 3;
      px[o] = LUT[j];
      px[o + 1] = LUT[j + 1];
      px[o + 2] = LUT[j + 2];
    }
    px[o + 3] = 255;
  }
  return max;
}

const BLUE = '#0b6db7';
const ORANGE = '#e07000';

/** Link width (px) and opacity for a weight, given the largest |weight| of the network. */
export function linkStyle(w, maxAbs) {
  const t = maxAbs > 0 && Number.isFinite(w) ? Math.min(1, Math.abs(w) / maxAbs) : 0;
  return { colour: w >= 0 ? BLUE : ORANGE, width: 0.5 + 4.5 * t, opacity: 0.25 + 0.75 * t };
}

/**
 * A link's style in one number: linkStyle's width in quarter pixels, its opacity in
 * twentieths and the sign (`inv` is 1 / the largest |weight|), so that a repaint is needed
 * only when the number changes.
 */
export function linkCode(w, inv) {
  const t = Number.isFinite(w) ? Math.min(1, Math.abs(w) * inv) : 0;
  const q = Math.round((0.5 + 4.5 * t) * 4);
  const o = Math.round((0.25 + 0.75 * t) * 20);
  return (q << 6) | (o << 1) | (w >= 0 ? 1 : 0);
}

/** The link from node `a` to node `b` (viewBox units, `s` device pixels each) in style `code`. */
export function strokeLink(ctx, a, b, code, s) {
  ctx.lineCap = 'round';
  ctx.strokeStyle = code & 1 ? BLUE : ORANGE;
  ctx.globalAlpha = ((code >> 1) & 31) / 20;
  ctx.lineWidth = ((code >> 6) / 4) * s;
  ctx.beginPath();
  ctx.moveTo(a.x * s, a.y * s);
  ctx.lineTo(b.x * s, b.y * s);
  ctx.stroke();
}

let scratch = null;

/**
 * Every node's heatmap (`grids` from the worker's unit_grids; `units[l][i]` is node (l, i)'s
 * unit) framed, the `chosen` node's frame thicker, `thumb` viewBox units wide, on a canvas of
 * `size` ({ W, H, s, dpr }) of its own.
 */
export function paintThumbs(nodes, units, grids, chosen, thumb, { W, H, s, dpr }) {
  const pic = document.createElement('canvas');
  pic.width = W;
  pic.height = H;
  const ctx = pic.getContext('2d');
  const res = grids.res;
  if (!scratch || scratch.canvas.width !== res) {
    const canvas = document.createElement('canvas');
    canvas.width = res;
    canvas.height = res;
    const sctx = canvas.getContext('2d');
    scratch = { canvas, ctx: sctx, image: sctx.createImageData(res, res) };
  }
  const n = res * res;
  const t = thumb * s;
  ctx.imageSmoothingEnabled = true;
  nodes.forEach((col, l) =>
    col.forEach((p, i) => {
      const u = units[l][i];
      if (u >= grids.units) return;
      fillDiverging(scratch.image.data, grids.grids, u * n, n);
      scratch.ctx.putImageData(scratch.image, 0, 0);
      const x = p.x * s - t / 2;
      const y = p.y * s - t / 2;
      ctx.drawImage(scratch.canvas, x, y, t, t);
      const on = l === chosen[0] && i === chosen[1];
      ctx.lineWidth = (on ? 3 : 1) * dpr;
      ctx.strokeStyle = on ? '#1b1b1b' : '#6a6a6a';
      ctx.strokeRect(x, y, t, t);
    }),
  );
  return pic;
}
