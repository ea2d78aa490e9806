// The live network as a small diagram, TensorFlow Playground style: a column of nodes per
// layer, a link per weight coloured by its sign (blue positive, orange negative: the page's
// colour-blind-safe pair) and as thick as its size. The neurons are a radio group: click one,
// or focus the diagram and move with the arrow keys, to choose the neuron the graph view shows.
// Alive (#12): each input and neuron is drawn as a small heatmap of its own output over the
// plot's view, the links painted under them (both on a canvas over the drawing, which takes no
// clicks: netpaint.js), a link's weight shows on hover, and hovering or focusing a node shows
// its heatmap large on the plot.

import { svgEl } from './dom.js';
import { linkCode, paintThumbs, strokeLink } from './netpaint.js';

export { linkStyle } from './netpaint.js';

const MINUS = '\u2212';
function weightText(w) {
  if (!Number.isFinite(w)) return String(w);
  const t = w.toFixed(3);
  return t.startsWith('-') ? MINUS + t.slice(1) : t;
}

/** Links made per frame while a network's drawing is built (see build). */
const LINKS_PER_SLICE = 400;

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
    this.codes = []; // [layer] -> Int32Array: each link's written style
    this.buildJob = 0;
    svg.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  /**
   * Draw (or, with the same layer sizes and inputs, recolour) the network from pg.network();
   * `inputNames` labels the input nodes (x1, x2, x1², sin(x1)...).
   */
  setNetwork(net, inputNames = []) {
    const sizes = net.sizes || [];
    const key = `${sizes.join(',')}|${inputNames.join(',')}`;
    this.net = net;
    if (key !== this.key) {
      this.key = key;
      this.build(sizes, inputNames);
    }
    this.restyle(net);
    const [l, i] = this.selected;
    if (this.neurons[l] && this.neurons[l][i]) this.describe(l, i);
  }

  /** Colour and thicken every link made so far by its weight in `net`. */
  restyle(net) {
    let changed = false;
    let maxAbs = 0;
    for (const layer of net.weights) for (const w of layer) if (Number.isFinite(w)) maxAbs = Math.max(maxAbs, Math.abs(w));
    net.weights.forEach((layer, l) => {
      const codes = this.codes[l];
      if (!codes) return;
      const inv = maxAbs > 0 ? 1 / maxAbs : 0;
      layer.forEach((w, k) => {
        // The picture is repainted only when a link's quantised style changed.
        const code = linkCode(w, inv);
        if (codes[k] === code) return;
        codes[k] = code;
        changed = true;
      });
    });
    if (changed) this.paintLinks();
  }

  /**
   * Redraw the links' picture, a slice per frame, then show it (drawHeat puts it under the
   * heatmaps). The links are painted on a canvas, not styled in the SVG: a change to any of
   * thousands of SVG lines repaints the whole drawing in one frame, a canvas in slices.
   */
  paintLinks() {
    this.linksDirty = true;
    if (this.linkJob) return; // the running pass picks up the newest styles as it goes
    const size = this.fit();
    if (!size) return; // hidden: drawHeat paints them when the drawing shows
    const next = document.createElement('canvas');
    next.width = size.W;
    next.height = size.H;
    const ctx = next.getContext('2d');
    const s = size.s;
    this.linksDirty = false;
    let l = 0;
    let k = 0;
    const slice = () => {
      if (this.linkJob !== slice) return; // a new network: its own pass
      for (let drawn = 0; l < this.codes.length && drawn < LINKS_PER_SLICE; drawn++) {
        const code = this.codes[l][k];
        const nin = this.sizes[l];
        if (code >= 0) strokeLink(ctx, this.nodes[l][k % nin], this.nodes[l + 1][Math.floor(k / nin)], code, s);
        if (++k === this.codes[l].length) [l, k] = [l + 1, 0];
      }
      if (l < this.codes.length) {
        requestAnimationFrame(slice);
        return;
      }
      this.linkJob = null;
      this.linkPicture = next;
      this.drawHeat();
      if (this.linksDirty) this.paintLinks();
    };
    this.linkJob = slice;
    requestAnimationFrame(slice); // not in the caller's task: that may be building the drawing
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
    if (g.getAttribute('aria-label') === label) return; // unchanged: no write to the drawing
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
    this.thumbs = null;
    this.drawHeat();
  }

  /** drawHeat at the next frame, once however often it is asked for meanwhile. */
  requestDraw() {
    if (this.drawAsked) return;
    this.drawAsked = true;
    requestAnimationFrame(() => {
      this.drawAsked = false;
      this.drawHeat();
    });
  }

  /** The canvas sized to the drawing (device pixels); null while the drawing is hidden. */
  fit() {
    const canvas = this.canvas;
    const cssW = this.svg.clientWidth;
    if (!canvas || !cssW || !this.nodes.length) return null;
    const cssH = this.box.height * (cssW / this.box.width);
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(cssW * dpr);
    const H = Math.round(cssH * dpr);
    if (canvas.width !== W || canvas.height !== H) {
      canvas.width = W;
      canvas.height = H;
      this.thumbs = null;
    }
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    return { W, H, s: W / this.box.width, dpr };
  }

  /** Show the links' picture and the nodes' heatmaps on the canvas over the drawing. */
  drawHeat() {
    const size = this.fit();
    if (!size) return;
    const { W, H } = size;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const links = this.linkPicture;
    if (links && links.width === W && links.height === H) ctx.drawImage(links, 0, 0);
    else if (!this.linkJob) this.paintLinks();
    if (this.grids) {
      if (!this.thumbs) {
        const units = this.nodes.map((col, l) => col.map((p, i) => this.unitOf(l, i)));
        const chosen = [this.selected[0] + 1, this.selected[1]];
        this.thumbs = paintThumbs(this.nodes, units, this.grids, chosen, this.box.thumb, size);
      }
      ctx.drawImage(this.thumbs, 0, 0);
    }
    this.draws += 1;
    this.canvas.dataset.draws = String(this.draws);
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
    this.neurons = [];
    // The links, made a slice per frame: at 6 x 32 neurons there are over 5,000, and making
    // them all in one task would hold the page for a tenth of a second. Each link is styled
    // by the next setNetwork (its code is -1 until then).
    this.codes = sizes.slice(1).map((n, l) => new Int32Array(n * sizes[l]).fill(-1));
    const job = ++this.buildJob;
    this.linkJob = null; // a pass over the old links stops
    this.linkPicture = null;
    let l = 1;
    let k = 0;
    const makeLinks = () => {
      if (job !== this.buildJob) return; // a newer network replaced this one
      for (let made = 0; l < L && made < LINKS_PER_SLICE; made++) {
        const nin = sizes[l - 1];
        const [o, i] = [Math.floor(k / nin), k % nin];
        // Invisible: the canvas shows the links (see paintLinks); the line is what the pointer
        // finds, for the weight's hover text.
        const line = svgEl('line', { x1: xOf(l - 1), y1: yOf(l - 1, i), x2: xOf(l), y2: yOf(l, o), class: 'nd-link', stroke: 'transparent', 'stroke-width': 4 });
        line.dataset.from = l === 1 ? (inputNames[i] || `x${i + 1}`) : `h${l - 1}.${i + 1}`;
        line.dataset.to = neuronName(l - 1, o, L - 1);
        line.dataset.l = String(l - 1);
        line.dataset.k = String(k);
        linksG.append(line);
        if (++k === nin * sizes[l]) [l, k] = [l + 1, 0];
      }
      if (l < L) requestAnimationFrame(makeLinks);
    };
    // From the next frame on: the nodes come first, in this task.
    requestAnimationFrame(makeLinks);
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
    // Only a change of choice touches the drawing (it is asked for every live update, and a
    // write to any node repaints all of it, thousands of links at the largest settings).
    const marked = this.marked;
    if (marked && marked.g.isConnected && marked.l === l && marked.i === i) return;
    this.selected = [l, i];
    const mark = (g, on) => {
      g.setAttribute('aria-checked', on ? 'true' : 'false');
      g.setAttribute('tabindex', on ? '0' : '-1');
      g.classList.toggle('selected', on);
    };
    if (marked && marked.g.isConnected) mark(marked.g, false);
    else this.neurons.forEach((row) => row.forEach((g) => mark(g, false)));
    const g = this.neurons[l][i];
    mark(g, true);
    this.marked = { g, l, i };
    this.thumbs = null; // the chosen neuron's frame moved
    this.requestDraw();
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
