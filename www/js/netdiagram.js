// The live network as a small diagram, TensorFlow Playground style: a column of nodes per
// layer, a link per weight coloured by its sign (blue positive, orange negative: the page's
// colour-blind-safe pair) and as thick as its size. The neurons are a radio group: click one,
// or focus the diagram and move with the arrow keys, to choose the neuron the graph view shows.

import { svgEl } from './dom.js';

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
  /** `onPick(layer, index)` is called when the user picks a neuron. */
  constructor(svg, onPick) {
    this.svg = svg;
    this.onPick = onPick;
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
        line.setAttribute('stroke', s.colour);
        line.setAttribute('stroke-width', s.width.toFixed(2));
        line.setAttribute('stroke-opacity', s.opacity.toFixed(2));
      });
    });
  }

  build(sizes, inputNames = []) {
    this.sizes = sizes.slice();
    const svg = this.svg;
    const maxN = Math.max(1, ...sizes);
    const pitch = 19;
    const top = 24;
    const width = 300;
    const height = top + maxN * pitch + 4;
    // Room on the left for the inputs' names (sin(x1) is the longest), and on the right for
    // the outputs' class numbers when there are several.
    const longest = Math.max(2, ...inputNames.map((n) => n.length));
    const marginLeft = Math.max(26, Math.round(16 + longest * 7.5));
    const outputs = sizes.length > 1 ? sizes[sizes.length - 1] : 1;
    const marginRight = outputs > 1 ? 34 : 26;
    const L = sizes.length;
    const xOf = (l) => (L <= 1 ? width / 2 : marginLeft + (l * (width - marginLeft - marginRight)) / (L - 1));
    const yOf = (l, i) => top + ((maxN - sizes[l]) * pitch) / 2 + i * pitch + pitch / 2;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const linksG = svgEl('g', { class: 'nd-links', 'aria-hidden': 'true' });
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
          linksG.append(line);
          lines.push(line);
        }
      }
      this.links.push(lines);
    }
    for (let l = 0; l < L; l++) {
      const caption = l === 0 ? 'inputs' : l === L - 1 ? (sizes[l] > 1 ? 'outputs' : 'output') : `layer ${l}`;
      captions.append(svgEl('text', { x: xOf(l), y: 15, 'text-anchor': 'middle', class: 'nd-caption' }, caption));
      if (l === 0) {
        const names = inputNames.length === sizes[0] ? inputNames : ['x1', 'x2'];
        for (let i = 0; i < sizes[0]; i++) {
          const x = xOf(0);
          const y = yOf(0, i);
          nodesG.append(svgEl('rect', { x: x - 7, y: y - 7, width: 14, height: 14, class: 'nd-input', 'aria-hidden': 'true' }));
          captions.append(svgEl('text', { x: x - 12, y: y + 5, 'text-anchor': 'end', class: 'nd-caption' }, names[i] || `x${i + 1}`));
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
        });
        g.append(svgEl('title', {}, `${name}: show its graph`));
        g.append(svgEl('circle', { cx: xOf(l), cy: yOf(l, i), r: 11, class: 'nd-hit' }));
        g.append(svgEl('circle', { cx: xOf(l), cy: yOf(l, i), r: 7, class: 'nd-dot' }));
        g.addEventListener('click', () => this.pick(l - 1, i, true));
        nodesG.append(g);
        // Several outputs: one per class, named by its number.
        if (l === L - 1 && sizes[l] > 1) {
          captions.append(svgEl('text', { x: xOf(l) + 14, y: yOf(l, i) + 5, class: 'nd-caption' }, `c${i}`));
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
