// The settings panel: every control shows the mirrored config, and a change goes to the worker
// as a live setting (learning rate, L2, optimizer, momentum, batch size, decay: the network keeps
// training) or as a rebuild (data and architecture: a fresh network).

import { $, setText } from './dom.js';
import { fmtL2, fmtSci, roundSig } from './format.js';
import { CONTROL_IDS, applySettings, buildDatasetChoices, buildSetChoices, logSlider, stopIndex } from './settings.js';
import { pointList } from './classes.js';
import { createTask } from './task.js';


/**
 * settings: the table by name (settings.js indexSettings). actions: live(name, value) -> Promise, rebuild(changes) -> Promise<bool>, setSpeed(n),
 * setPlaying(on), reset(), step(), scheduleUrl(), notify(text, opts), markBoundary().
 */
export function createControls(app, settings, actions) {
  buildDatasetChoices(settings.get('dataset'), $('ds-grid'));
  applySettings(settings, CONTROL_IDS);
  const task = createTask(app, settings, actions);
  const featureBoxes = buildSetChoices(settings.get('features'), $('features'), $('features-legend'), 'feat-');
  const datasets = settings.get('dataset').kind.choices.map((c) => c.value);
  const lrScale = logSlider(settings.get('learning_rate'));
  const l2Scale = logSlider(settings.get('l2'));
  const stops = settings.get('speed').kind.stops;
  const hiddenSetting = settings.get('hidden');
  const layerCount = hiddenSetting.items.count;
  const neuronRange = hiddenSetting.range;
  const el = {
    play: $('play'),
    step: $('step'),
    reset: $('reset'),
    speed: $('speed'),
    speedValue: $('speed-value'),
    diverged: $('diverged'),
    divergedReset: $('diverged-reset'),
    noise: $('noise'),
    noiseValue: $('noise-value'),
    nPoints: $('n-points'),
    nPointsValue: $('n-points-value'),
    testFraction: $('test-fraction'),
    testFractionValue: $('test-fraction-value'),
    clearPoints: $('clear-points'),
    layers: $('layers'),
    neurons: $('neurons'),
    activation: $('activation'),
    loss: $('loss'),
    seed: $('seed'),
    newSeed: $('new-seed'),
    discretize: $('discretize'),
    lr: $('lr'),
    lrValue: $('lr-value'),
    lrNowWrap: $('lr-now-wrap'),
    l2: $('l2'),
    l2Value: $('l2-value'),
    optimizer: $('optimizer'),
    momentum: $('momentum'),
    momentumValue: $('momentum-value'),
    batch: $('batch'),
    batchValue: $('batch-value'),
    lrDecay: $('lr-decay'),
    stopStep: $('stop-step'),
    stopEpoch: $('stop-epoch'),
    stopLoss: $('stop-loss'),
  };
  const stopInputs = [
    [el.stopStep, 'stop_step'],
    [el.stopEpoch, 'stop_epoch'],
    [el.stopLoss, 'stop_loss'],
  ];
  // Batch size 0 means the full set: the slider runs from 1 to the training points, and its
  // far right is the full set (showBatch).
  el.batch.min = '1';

  // ------------------------------------------------------------ showing values

  function showSpeed() {
    el.speed.value = String(stopIndex(stops, app.ui.speed));
    const text = `${app.ui.speed} step${app.ui.speed === 1 ? '' : 's'}/frame`;
    setText(el.speedValue, text);
    el.speed.setAttribute('aria-valuetext', text);
  }

  function showLr(lr) {
    el.lr.value = String(lrScale.position(lr));
    const text = fmtSci(lr);
    setText(el.lrValue, text);
    el.lr.setAttribute('aria-valuetext', text);
  }

  function showL2(l2) {
    el.l2.value = String(l2Scale.position(l2));
    const text = fmtL2(l2);
    setText(el.l2Value, text);
    el.l2.setAttribute('aria-valuetext', text);
  }

  function showMomentum(m) {
    el.momentum.value = String(m);
    setText(el.momentumValue, String(roundSig(m, 3)));
  }

  function nTrain() {
    const s = app.stats;
    return s && Number.isFinite(s.n_train) ? s.n_train : 0;
  }

  function showBatch(bs) {
    const n = nTrain();
    const max = Math.max(1, n);
    el.batch.max = String(max);
    const full = bs === 0 || bs >= n;
    el.batch.value = String(full ? max : Math.max(1, bs));
    const text = full ? `full (${n})` : String(bs);
    setText(el.batchValue, text);
    el.batch.setAttribute('aria-valuetext', text);
    el.batch.disabled = n <= 1;
  }

  function showPercent(input, output, v) {
    input.value = String(v);
    setText(output, `${Math.round(v * 100)}%`);
  }

  function buildNeuronInputs(hidden) {
    const inputs = [...el.neurons.querySelectorAll('input')];
    const current = inputs.map((i) => Number(i.value));
    if (current.length === hidden.length && current.every((v, i) => v === hidden[i])) return;
    const focusedIndex = inputs.indexOf(document.activeElement);
    el.neurons.replaceChildren();
    hidden.forEach((size, i) => {
      const label = document.createElement('label');
      const text = document.createElement('span');
      text.textContent = `Layer ${i + 1}`;
      const input = document.createElement('input');
      input.type = 'number';
      input.id = `neurons-${i}`;
      input.min = String(neuronRange.min);
      input.max = String(neuronRange.max);
      input.step = '1';
      input.inputMode = 'numeric';
      input.value = String(size);
      input.title = `${hiddenSetting.items.help} (layer ${i + 1}, ${neuronRange.min} to ${neuronRange.max})`;
      input.addEventListener('change', () => onNeuronsChange(i, input));
      label.append(text, input);
      el.neurons.append(label);
    });
    if (focusedIndex >= 0 && focusedIndex < hidden.length) $(`neurons-${focusedIndex}`).focus();
  }

  /** Put every control in line with the mirrored config (after a build or a refused change). */
  function sync() {
    const c = app.config;
    if (!c) return;
    for (const name of datasets) {
      const radio = document.getElementById(`ds-${name}`);
      if (radio) radio.checked = c.dataset === name;
    }
    const custom = c.dataset === 'custom';
    el.noise.value = String(c.noise);
    setText(el.noiseValue, String(roundSig(c.noise, 3)));
    el.nPoints.value = String(c.n_points);
    setText(el.nPointsValue, String(c.n_points));
    el.noise.disabled = custom;
    el.nPoints.disabled = custom;
    el.noise.title = custom ? 'Not used for your own points' : settings.get('noise').help;
    el.nPoints.title = custom ? 'Not used for your own points' : settings.get('n_points').help;
    showPercent(el.testFraction, el.testFractionValue, c.test_fraction);

    for (const box of featureBoxes) box.checked = c.features.includes(box.value);
    el.layers.value = String(c.hidden.length);
    buildNeuronInputs(c.hidden);
    el.activation.value = c.activation;
    el.loss.value = c.loss;
    el.seed.value = String(c.seed);

    showLr(c.learning_rate);
    showL2(c.l2);
    el.optimizer.value = c.optimizer;
    showMomentum(c.momentum);
    el.momentum.disabled = c.optimizer !== 'momentum';
    showBatch(c.batch_size);
    el.lrDecay.checked = !!c.lr_decay;
    el.lrNowWrap.hidden = !c.lr_decay;

    for (const [input, name] of stopInputs) if (document.activeElement !== input) input.value = String(c[name]);

    showSpeed();
    el.discretize.checked = app.ui.discretize;
    task.sync();
  }

  // ------------------------------------------------------------ transport

  el.play.addEventListener('click', () => {
    if (app.stats && app.stats.diverged) {
      actions.notify('Training diverged: press Reset (perhaps after lowering the learning rate) to start again.');
      return;
    }
    actions.setPlaying(!app.playing);
  });
  el.step.addEventListener('click', () => actions.step());
  el.reset.addEventListener('click', () => actions.reset());
  el.divergedReset.addEventListener('click', () => {
    actions.reset();
    el.play.focus();
  });
  el.speed.addEventListener('input', () => actions.setSpeed(stops[Number(el.speed.value)] || settings.get('speed').default));

  // ------------------------------------------------------------ live training controls

  // Each change to a live setting is answered with the value kept (clamped, if it had to be).
  // A slider sends one change per step of a drag or a key press: only the answer to the
  // latest one is shown, so an older answer arriving late cannot move the slider back.
  const sent = {};
  function live(name, value, show) {
    const q = (sent[name] = (sent[name] || 0) + 1);
    return actions.live(name, value).then(() => {
      if (sent[name] === q) show();
    });
  }

  el.lr.addEventListener('input', () => {
    const lr = lrScale.value(el.lr.value);
    setText(el.lrValue, fmtSci(lr));
    live('learning_rate', lr, () => showLr(app.config.learning_rate));
  });
  el.l2.addEventListener('input', () => {
    const l2 = l2Scale.value(el.l2.value);
    setText(el.l2Value, fmtL2(l2));
    live('l2', l2, () => showL2(app.config.l2));
  });
  el.optimizer.addEventListener('change', () => {
    actions.live('optimizer', el.optimizer.value).then(() => {
      el.optimizer.value = app.config.optimizer;
      el.momentum.disabled = app.config.optimizer !== 'momentum';
    });
  });
  el.momentum.addEventListener('input', () => {
    const m = Number(el.momentum.value);
    setText(el.momentumValue, String(roundSig(m, 3)));
    live('momentum', m, () => showMomentum(app.config.momentum));
  });
  el.batch.addEventListener('input', () => {
    const v = Number(el.batch.value);
    const bs = v >= Number(el.batch.max) ? 0 : v;
    live('batch_size', bs, () => showBatch(app.config.batch_size));
  });
  el.lrDecay.addEventListener('change', () => {
    actions.live('lr_decay', el.lrDecay.checked).then(() => {
      el.lrNowWrap.hidden = !app.config.lr_decay;
    });
  });
  for (const [input, name] of stopInputs) {
    input.addEventListener('change', () => {
      const raw = input.value.trim();
      const v = raw === '' ? 0 : Number(raw);
      if (!Number.isFinite(v)) {
        actions.notify(`${settings.get(name).label}: type a number (0: off).`, { kind: 'error' });
        input.value = String(app.config[name]);
        return;
      }
      actions.live(name, v).then(() => {
        const now = app.config[name];
        input.value = String(now);
        const s = app.stats;
        if (name === 'stop_step' && now > 0 && s && s.step >= now) {
          actions.notify(`Training is already at step ${s.step.toLocaleString('en-US')}: it stops at step ${now.toLocaleString('en-US')} after a Reset.`, {
            kind: 'info',
          });
        }
      });
    });
  }
  el.discretize.addEventListener('change', () => {
    app.ui.discretize = el.discretize.checked;
    actions.markBoundary();
    actions.scheduleUrl();
  });

  // ------------------------------------------------------------ data controls (rebuild)

  for (const name of datasets) {
    const radio = document.getElementById(`ds-${name}`);
    if (!radio) continue;
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      // Custom keeps the points on screen as the user's own, so they can be edited.
      actions.rebuild(name === 'custom' ? { dataset: 'custom', points: pointList(app.points), view: app.view } : { dataset: name });
    });
  }

  el.noise.addEventListener('input', () => setText(el.noiseValue, String(roundSig(Number(el.noise.value), 3))));
  el.noise.addEventListener('change', () => actions.rebuild({ noise: Number(el.noise.value) }));
  el.nPoints.addEventListener('input', () => setText(el.nPointsValue, el.nPoints.value));
  el.nPoints.addEventListener('change', () => actions.rebuild({ n_points: Number(el.nPoints.value) }));
  el.testFraction.addEventListener('input', () =>
    setText(el.testFractionValue, `${Math.round(Number(el.testFraction.value) * 100)}%`),
  );
  el.testFraction.addEventListener('change', () => actions.rebuild({ test_fraction: Number(el.testFraction.value) }));

  el.clearPoints.addEventListener('click', () => {
    actions.rebuild({ dataset: 'custom', points: [], view: app.view }).then((ok) => {
      if (ok) actions.notify('Points cleared: click the plot to add your own (the help under the plot says how).', { kind: 'info' });
    });
  });

  // ------------------------------------------------------------ model controls (rebuild)

  /** `value` as a whole number (`fallback` if it is none); rounding is said, as a clamp is. */
  function intOr(value, fallback, what) {
    const n = Number(value);
    if (!Number.isFinite(n) || value === '') return fallback;
    const r = Math.round(n);
    if (r !== n && what) actions.notify(`${what} is a whole number; ${value} set to ${r}.`, { kind: 'info' });
    return r;
  }

  el.layers.addEventListener('change', () => {
    const hidden = app.config.hidden.slice();
    const sizes = app.config.hidden.slice();
    const v = intOr(el.layers.value, sizes.length, 'Hidden layers');
    const n = clampSaying(v, layerCount, 'Hidden layers', 'set to');
    const last = sizes.length ? sizes[sizes.length - 1] : 8;
    while (sizes.length < n) sizes.push(last);
    sizes.length = n;
    if (n === app.config.hidden.length) sync(); // nothing changed: show the value kept
    else actions.rebuild({ hidden: sizes });
  });

  /** `v` within `range`; a clamp is said, the same way for every control. */
  function clampSaying(v, range, what, verb) {
    const c = Math.max(range.min, Math.min(range.max, v));
    if (c !== v) actions.notify(`${what} go from ${range.min} to ${range.max}; ${verb} ${c}.`, { kind: 'info' });
    return c;
  }

  function onNeuronsChange(i, input) {
    const sizes = app.config.hidden.slice();
    const v = intOr(input.value, sizes[i], `Neurons in layer ${i + 1}`);
    sizes[i] = clampSaying(v, neuronRange, 'Neurons per layer', `layer ${i + 1} set to`);
    actions.rebuild({ hidden: sizes });
  }

  for (const box of featureBoxes) {
    box.addEventListener('change', () => {
      const features = featureBoxes.filter((b) => b.checked).map((b) => b.value);
      if (features.length === 0) {
        box.checked = true;
        actions.notify('The network needs at least one input feature.', { kind: 'info' });
        return;
      }
      actions.rebuild({ features });
    });
  }
  el.activation.addEventListener('change', () => actions.rebuild({ activation: el.activation.value }));
  el.loss.addEventListener('change', () => {
    if (el.loss.value !== 'softmax') actions.rebuild({ loss: el.loss.value });
  });
  el.seed.addEventListener('change', () => {
    const seed = intOr(el.seed.value, NaN);
    if (!Number.isFinite(seed) || seed < 0) {
      actions.notify('The seed is a whole number, 0 or more.', { kind: 'error' });
      sync();
      return;
    }
    actions.rebuild({ seed });
  });
  el.newSeed.addEventListener('click', () => actions.rebuild({ seed: 'fresh' }));

  return {
    sync,
    showSpeed,
    /** The problem and classes (task.js): what a click adds. */
    task,
    /** The batch slider's range follows the number of training points. */
    showBatchIfChanged(bs, nTrainNow) {
      if (Number(el.batch.max) !== Math.max(1, nTrainNow)) showBatch(bs);
    },
    showPlaying() {
      el.play.textContent = app.playing ? 'Pause' : 'Play';
      el.play.title = app.playing
        ? 'Pause training (the network keeps its weights)'
        : 'Resume training from where it stopped';
    },
    enable() {
      for (const b of [el.play, el.step, el.reset]) b.disabled = false;
    },
    disable() {
      el.play.textContent = 'Play';
      el.play.disabled = true;
    },
  };
}
