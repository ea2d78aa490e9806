// The live network as a small diagram, TensorFlow Playground style: a column of nodes per
// layer, a link per weight coloured by its sign (blue positive, orange negative: the page's
// colour-blind-safe pair) and as thick as its size. The neurons are a radio group: click one,
// or focus the diagram and move with the arrow keys, to choose the neuron the graph view shows.
// Alive (#12): each input and neuron is drawn as a small heatmap of its own output over the
// plot's view (a canvas over the drawing, under nothing that takes clicks), a link's weight
// shows on hover, and hovering or focusing a node shows its heatmap large on the plot.

import { svgEl } from './dom.js';

const MINUS = '\u2212';
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

function weightText(w) {
  if (!Number.isFinite(w)) return String(w);
  const t = w.toFixed(3);
  return t.startsWith('-') ? MINUS + t.slice(1) : t;
}

const BLUE = '#0b6db7';
const ORANGE = '#e07000';

/** Link width (px) and opacity for a weight, given the largest |weight| of the network. */
export function linkStyle(w, maxAbs) {
  const t = maxAbs > 0 && Number.isFinite(w) ? Math.min(1, Math.abs(w) / maxAbs) : 0;
  return { colour: w >= 0 ? BLUE : ORANGE, width: 0.5 + 4.5 * t, opacity: 0.25 + 0.75 * t };
}

/** The name of neuron `index` of weight layer `layer` (0-based) in a network of `layers`. */
export function neuronName(layer, index, layers) {
  const base = `layer ${layer + 1} neuron ${index + 1}`;
  return layer === layers - 1 ? `${base} (output)` : base;
}

export class NetworkDiagram {
  /**
   * `onPick(layer, index)` is called when the user picks a neuron; `options.canvas`, if given,
   * gets the live heatmaps, and `options.onHover(unit, name)` is told which node (a unit
   * number, inputs first, or null) the pointer or focus is on.
   */
  constructor(svg, onPick, options = {}) {
    this.svg = svg;
    this.onPick = onPick;
    this.canvas = options.canvas || null;
    this.onHover = options.onHover || (() => {});
    this.grids = null; // { res, units, grids }
    this.nodes = []; // [diagram layer][i] -> { x, y } in viewBox units
    this.box = { width: 300, height: 100, thumb: 14 };
    this.names = [];
    this.draws = 0;
    this.hovered = null;
    this.sizes = [];
    this.key = '';
    this.selected = [0, 0];
    this.neurons = []; // [layer][index] -> <g>
    this.links = []; // [layer] -> <line>[] row-major nout x nin
    svg.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  /**
   * Draw (or, with the same layer sizes and inputs, recolour) the network from pg.network();
   * `inputNames` labels the input nodes (x1, x2, x1², sin(x1)...).
   */
  setNetwork(net, inputNames = []) {
    const sizes = net.sizes || [];
    const key = `${sizes.join(',')}|${inputNames.join(',')}`;
    if (key !== this.key) {
      this.key = key;
      this.build(sizes, inputNames);
    }
    let maxAbs = 0;
    for (const layer of net.weights) for (const w of layer) if (Number.isFinite(w)) maxAbs = Math.max(maxAbs, Math.abs(w));
    net.weights.forEach((layer, l) => {
      const lines = this.links[l] || [];
      layer.forEach((w, k) => {
        const line = lines[k];
        if (!line) return;
        const s = linkStyle(w, maxAbs);
        // Quantised, and written only when it changed: at the largest settings thousands of
        // links are recoloured a few times a second, and each write costs style and paint.
        const key = `${s.colour}|${(Math.round(s.width * 4) / 4).toFixed(2)}|${(Math.round(s.opacity * 20) / 20).toFixed(2)}`;
        if (line.dataset.style === key) return;
        line.dataset.style = key;
        const [colour, width, opacity] = key.split('|');
        line.setAttribute('stroke', colour);
        line.setAttribute('stroke-width', width);
        line.setAttribute('stroke-opacity', opacity);
      });
    });
    // The weights' words are written when they are wanted (hover, focus): thousands of links
    // at the largest settings are recoloured here a few times a second, nothing more.
    this.net = net;
    const [l, i] = this.selected;
    if (this.neurons[l] && this.neurons[l][i]) this.describe(l, i);
  }

  /** A link's weight as its hover text: "0.530: weight from x1 to layer 1 neuron 2". */
  describeLink(line) {
    const w = this.net && this.net.weights[Number(line.dataset.l)];
    const v = w ? w[Number(line.dataset.k)] : NaN;
    let title = line.firstChild;
    if (!title) {
      title = svgEl('title', {}, '');
      line.append(title);
    }
    title.textContent = `${weightText(v)}: weight from ${line.dataset.from} to ${line.dataset.to}`;
  }

  /** Neuron (l, i)'s label and hover text name its incoming weights and bias. */
  describe(l, i) {
    const g = this.neurons[l][i];
    const net = this.net;
    if (!net) return;
    const w = net.weights[l] || [];
    const b = (net.biases && net.biases[l]) || [];
    const nin = this.sizes[l];
    const ins = [];
    for (let k = 0; k < nin && k < 8; k++) ins.push(`${this.inputLabel(l, k)} ${weightText(w[i * nin + k])}`);
    const more = nin > 8 ? ` and ${nin - 8} more` : '';
    const label = `${g.dataset.name}: weights ${ins.join(', ')}${more}; bias ${weightText(b[i])}`;
    g.setAttribute('aria-label', label);
    if (g.firstChild) g.firstChild.textContent = `${label}. Click or Enter: inspect it and draw its graph`;
  }

  /** The name of input `k` of weight layer `l`: a feature, or h1.2 (hidden layer 1's neuron 2). */
  inputLabel(l, k) {
    return l === 0 ? this.names[k] || `x${k + 1}` : `h${l}.${k + 1}`;
  }

  /** Unit number of diagram node (l, i): the inputs first, then each layer's neurons. */
  unitOf(l, i) {
    let u = 0;
    for (let k = 0; k < l; k++) u += this.sizes[k];
    return u + i;
  }

  /** The live grids (worker's unit_grids): each node drawn as its heatmap. */
  setGrids(g) {
    this.grids = g;
    this.drawHeat();
  }

  /** Draw every node's heatmap on the canvas over the drawing. */
  drawHeat() {
    const canvas = this.canvas;
    const g = this.grids;
    if (!canvas || !g || !this.nodes.length) return;
    const cssW = this.svg.clientWidth;
    if (!cssW) return;
    const scale = cssW / this.box.width;
    const cssH = this.box.height * scale;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(cssW * dpr);
    const H = Math.round(cssH * dpr);
    if (canvas.width !== W || canvas.height !== H) {
      canvas.width = W;
      canvas.height = H;
    }
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const res = g.res;
    if (!this.scratch || this.scratch.width !== res) {
      this.scratch = document.createElement('canvas');
      this.scratch.width = res;
      this.scratch.height = res;
      this.scratchCtx = this.scratch.getContext('2d');
      this.image = this.scratchCtx.createImageData(res, res);
    }
    const n = res * res;
    const s = scale * dpr;
    const t = this.box.thumb * s;
    ctx.imageSmoothingEnabled = true;
    const [sl, si] = this.selected;
    this.nodes.forEach((col, l) =>
      col.forEach((p, i) => {
        const u = this.unitOf(l, i);
        if (u >= g.units) return;
        fillDiverging(this.image.data, g.grids, u * n, n);
        this.scratchCtx.putImageData(this.image, 0, 0);
        const x = p.x * s - t / 2;
        const y = p.y * s - t / 2;
        ctx.drawImage(this.scratch, x, y, t, t);
        const chosen = l > 0 && l - 1 === sl && i === si;
        ctx.lineWidth = (chosen ? 3 : 1) * dpr;
        ctx.strokeStyle = chosen ? '#1b1b1b' : '#6a6a6a';
        ctx.strokeRect(x, y, t, t);
      }),
    );
    this.draws += 1;
    canvas.dataset.draws = String(this.draws);
    if (this.hovered !== null) this.hover(this.hovered);
  }

  /** Tell the page which node the pointer or focus is on (or null). */
  hover(unit) {
    this.hovered = unit;
    if (unit === null) {
      this.onHover(null);
      return;
    }
    const g = this.grids;
    let l = 0;
    let i = unit;
    while (l < this.sizes.length && i >= this.sizes[l]) i -= this.sizes[l++];
    const name = l === 0 ? `input ${this.inputLabel(0, i)}` : neuronName(l - 1, i, this.sizes.length - 1);
    if (!g || unit >= g.units) this.onHover(null);
    else this.onHover({ unit, name, res: g.res, values: g.grids.subarray(unit * g.res * g.res, (unit + 1) * g.res * g.res) });
  }

  build(sizes, inputNames = []) {
    this.sizes = sizes.slice();
    const svg = this.svg;
    const maxN = Math.max(1, ...sizes);
    // Few neurons: room for larger heatmaps.
    const pitch = maxN <= 6 ? 30 : maxN <= 10 ? 24 : 19;
    const top = 24;
    const width = 300;
    const height = top + maxN * pitch + 4;
    // Room on the left for the inputs' names (sin(x1) is the longest), and on the right for
    // the outputs' class numbers when there are several.
    const longest = Math.max(2, ...inputNames.map((n) => n.length));
    const extra = Math.max(0, (pitch - 4) / 2 - 7); // larger heatmaps need more room
    const marginLeft = Math.max(26, Math.round(16 + longest * 7.5)) + extra;
    const outputs = sizes.length > 1 ? sizes[sizes.length - 1] : 1;
    const marginRight = (outputs > 1 ? 34 : 26) + extra;
    const L = sizes.length;
    const xOf = (l) => (L <= 1 ? width / 2 : marginLeft + (l * (width - marginLeft - marginRight)) / (L - 1));
    const yOf = (l, i) => top + ((maxN - sizes[l]) * pitch) / 2 + i * pitch + pitch / 2;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.names = inputNames.length === sizes[0] ? inputNames.slice() : [];
    this.box = { width, height, thumb: pitch - 4 };
    this.nodes = sizes.map((n, l) => Array.from({ length: n }, (_, i) => ({ x: xOf(l), y: yOf(l, i) })));
    const r = Math.max(11, (pitch - 4) / 2 + 3);
    const linksG = svgEl('g', { class: 'nd-links', 'aria-hidden': 'true' });
    linksG.addEventListener('pointerover', (ev) => {
      if (ev.target instanceof SVGLineElement) this.describeLink(ev.target);
    });
    const nodesG = svgEl('g', { class: 'nd-nodes' });
    const captions = svgEl('g', { class: 'nd-captions', 'aria-hidden': 'true' });
    this.links = [];
    this.neurons = [];
    for (let l = 1; l < L; l++) {
      const nin = sizes[l - 1];
      const lines = [];
      for (let o = 0; o < sizes[l]; o++) {
        for (let i = 0; i < nin; i++) {
          const line = svgEl('line', { x1: xOf(l - 1), y1: yOf(l - 1, i), x2: xOf(l), y2: yOf(l, o), class: 'nd-link' });
          line.dataset.from = l === 1 ? (inputNames[i] || `x${i + 1}`) : `h${l - 1}.${i + 1}`;
          line.dataset.to = neuronName(l - 1, o, L - 1);
          line.dataset.l = String(l - 1);
          line.dataset.k = String(o * nin + i);
          linksG.append(line);
          lines.push(line);
        }
      }
      this.links.push(lines);
    }
    for (let l = 0; l < L; l++) {
      // Many layers: short captions, so that they do not run into each other.
      const short = L > 5;
      const caption =
        l === 0 ? (short ? 'in' : 'inputs') : l === L - 1 ? (short ? 'out' : sizes[l] > 1 ? 'outputs' : 'output') : short ? `h${l}` : `layer ${l}`;
      captions.append(svgEl('text', { x: xOf(l), y: 15, 'text-anchor': 'middle', class: 'nd-caption' }, caption));
      if (l === 0) {
        const names = inputNames.length === sizes[0] ? inputNames : ['x1', 'x2'];
        for (let i = 0; i < sizes[0]; i++) {
          const x = xOf(0);
          const y = yOf(0, i);
          const half = (pitch - 4) / 2;
          const box = svgEl('rect', { x: x - half, y: y - half, width: 2 * half, height: 2 * half, class: 'nd-input', 'aria-hidden': 'true' });
          box.append(svgEl('title', {}, `input ${names[i] || `x${i + 1}`}: hover to see it on the plot`));
          box.addEventListener('pointerenter', () => this.hover(i));
          box.addEventListener('pointerleave', () => this.hover(null));
          nodesG.append(box);
          captions.append(svgEl('text', { x: x - (pitch - 4) / 2 - 4, y: y + 5, 'text-anchor': 'end', class: 'nd-caption' }, names[i] || `x${i + 1}`));
        }
        continue;
      }
      const row = [];
      for (let i = 0; i < sizes[l]; i++) {
        const name = neuronName(l - 1, i, L - 1);
        const g = svgEl('g', {
          class: 'nd-neuron',
          role: 'radio',
          'aria-checked': 'false',
          'aria-label': name,
          tabindex: '-1',
          'data-layer': l - 1,
          'data-index': i,
          'data-name': name,
        });
        g.append(svgEl('title', {}, `${name}: show its graph`));
        g.append(svgEl('circle', { cx: xOf(l), cy: yOf(l, i), r, class: 'nd-hit' }));
        g.append(svgEl('circle', { cx: xOf(l), cy: yOf(l, i), r: 7, class: 'nd-dot' }));
        g.addEventListener('click', () => this.pick(l - 1, i, true));
        const unit = this.unitOf(l, i);
        g.addEventListener('pointerenter', () => {
          this.describe(l - 1, i);
          this.hover(unit);
        });
        g.addEventListener('pointerleave', () => this.hover(null));
        g.addEventListener('focus', () => {
          this.describe(l - 1, i);
          this.hover(unit);
        });
        g.addEventListener('blur', () => this.hover(null));
        nodesG.append(g);
        // Several outputs: one per class, named by its number.
        if (l === L - 1 && sizes[l] > 1) {
          captions.append(svgEl('text', { x: xOf(l) + (pitch - 4) / 2 + 3, y: yOf(l, i) + 5, class: 'nd-caption' }, `c${i}`));
        }
        row.push(g);
      }
      this.neurons.push(row);
    }
    svg.replaceChildren(linksG, captions, nodesG);
    this.select(...this.selected);
  }

  /** Mark neuron (layer, index) as chosen (clamped to the network). */
  select(layer, index) {
    if (!this.neurons.length) return;
    const l = Math.max(0, Math.min(this.neurons.length - 1, layer));
    const i = Math.max(0, Math.min(this.neurons[l].length - 1, index));
    this.selected = [l, i];
    this.neurons.forEach((row, rl) =>
      row.forEach((g, ri) => {
        const on = rl === l && ri === i;
        g.setAttribute('aria-checked', on ? 'true' : 'false');
        g.setAttribute('tabindex', on ? '0' : '-1');
        g.classList.toggle('selected', on);
      }),
    );
    this.drawHeat();
  }

  pick(layer, index, focus) {
    this.select(layer, index);
    const [l, i] = this.selected;
    if (focus) this.neurons[l][i].focus();
    this.onPick(l, i);
  }

  onKey(ev) {
    const [l, i] = this.selected;
    const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    const m = moves[ev.key];
    if (m) {
      ev.preventDefault();
      const nl = Math.max(0, Math.min(this.neurons.length - 1, l + m[0]));
      const ni = m[0] ? Math.round((i + 0.5) * (this.neurons[nl].length / this.neurons[l].length) - 0.5) : i + m[1];
      this.pick(nl, Math.max(0, Math.min(this.neurons[nl].length - 1, ni)), true);
    } else if (ev.key === 'Home' || ev.key === 'End') {
      ev.preventDefault();
      this.pick(l, ev.key === 'Home' ? 0 : this.neurons[l].length - 1, true);
    } else if (ev.key === ' ' || ev.key === 'Enter') {
      ev.preventDefault();
      this.pick(l, i, true);
    }
  }
}
