// What the network learns, and what follows from it: the Problem (classification or
// regression) and Classes controls, the data sets the picker offers for the problem, what a
// click on the plot adds (a class, or a target value), which losses apply, and the plot's
// help text. Both controls rebuild the run.

import { $, setText } from './dom.js';
import { currentMode } from './app.js';
import { MULTICLASS_SETS, REGRESSION_LOSSES, className, pointList, problemOf } from './classes.js';

const SOFTMAX = 'softmax';

/**
 * settings: the table by name. actions: rebuild(changes) -> Promise<bool>, notify(text, opts).
 * Returns { sync, label(shift), chooseByKey(n) }.
 */
export function createTask(app, settings, actions) {
  const el = {
    problem: $('problem'),
    classes: $('classes'),
    addClass: $('add-class'),
    addClassField: $('add-class-field'),
    addTarget: $('add-target'),
    addTargetField: $('add-target-field'),
    loss: $('loss'),
    help: $('plot-help'),
    discretize: $('discretize'),
  };
  const datasets = settings.get('dataset').kind.choices.map((c) => c.value);
  const classRange = settings.get('classes').range;
  const lossHelp = settings.get('loss').help;
  const discretizeHelp = settings.get('discretize').help;
  const softmax = document.createElement('option');
  softmax.value = SOFTMAX;
  softmax.textContent = 'softmax cross-entropy';
  let shownKey = '';
  let classLoss = null; // the classification loss in use before a switch to regression

  /** The first data set of a problem in the table's order (moons, plane). */
  function firstSet(problem) {
    return datasets.find((d) => d !== 'custom' && problemOf(d) === problem) || 'custom';
  }

  function syncDatasets(problem) {
    for (const name of datasets) {
      const radio = document.getElementById(`ds-${name}`);
      const card = radio && radio.closest('.ds');
      if (card) card.hidden = name !== 'custom' && problemOf(name) !== problem;
    }
  }

  function syncAddControls(mode) {
    const key = mode.kind === 'classes' ? `classes${mode.k}` : mode.kind;
    if (key === shownKey) return;
    shownKey = key;
    const regression = mode.kind === 'regression';
    el.addClassField.hidden = regression;
    el.addTargetField.hidden = !regression;
    if (regression) return;
    const keep = el.addClass.selectedIndex;
    const values = mode.kind === 'binary' ? [1, 0] : [...Array(mode.k).keys()];
    el.addClass.replaceChildren(
      ...values.map((c) => {
        const o = document.createElement('option');
        o.value = String(mode.kind === 'binary' ? (c === 1 ? 1 : -1) : c);
        o.textContent = className(c, mode);
        return o;
      }),
    );
    el.addClass.selectedIndex = Math.max(0, Math.min(values.length - 1, keep));
    el.addClass.title =
      mode.kind === 'binary'
        ? 'The class a click on the plot adds; Shift+click adds the other one (keys 1 and 2 on the focused plot choose it too)'
        : `The class a click on the plot adds; Shift+click adds the next class (keys 1 to ${mode.k} on the focused plot choose it too)`;
  }

  function syncLoss(mode) {
    const many = mode.kind === 'classes';
    if (many && !softmax.parentNode) el.loss.append(softmax);
    if (!many && softmax.parentNode) softmax.remove();
    for (const o of el.loss.options) {
      if (o !== softmax) o.disabled = many || (mode.kind === 'regression' && !REGRESSION_LOSSES.includes(o.value));
    }
    el.loss.disabled = many;
    if (many) el.loss.value = SOFTMAX;
    el.loss.title = many
      ? `With ${mode.k} classes the loss is always softmax cross-entropy (one output per class)`
      : mode.kind === 'regression'
        ? 'What training minimises for regression: mean squared error or Huber'
        : lossHelp;
  }

  function syncHelp(mode) {
    let text;
    if (mode.kind === 'regression') {
      text =
        'Click the plot to add a point with the value set in “A click adds the value”. Keyboard: focus the plot, move the cross with the arrow keys, Enter adds a point.';
    } else if (mode.kind === 'classes') {
      text =
        'Click the plot to add a point of the class chosen in “A click adds” (Shift+click: the next class). ' +
        `Keyboard: focus the plot, keys 1 to ${mode.k} choose the class (1 is class 0), the arrow keys move the cross, Enter adds a point, Shift+Enter one of the next class.`;
    } else {
      text =
        'Click the plot to add a point (Shift+click: the other class). Keyboard: focus the plot, move the cross with the arrow keys, Enter adds a point, Shift+Enter the other class; keys 1 and 2 choose the class.';
    }
    setText(el.help, text);
    el.discretize.title =
      mode.kind === 'regression' ? 'Show the predicted value in eight bands, four on each side of 0, instead of a smooth scale' : discretizeHelp;
  }

  /** Put the controls in line with the mirrored config (controls.js sync calls this last). */
  function sync() {
    const c = app.config;
    if (!c) return;
    const mode = currentMode(app);
    el.problem.value = c.problem;
    el.classes.value = String(c.classes);
    el.classes.disabled = !(c.problem === 'classification' && MULTICLASS_SETS.includes(c.dataset));
    // The table's help says which data sets have classes to choose.
    el.classes.title = c.problem === 'regression' ? 'Regression has no classes: the points carry numbers' : settings.get('classes').help;
    syncDatasets(c.problem);
    syncAddControls(mode);
    syncLoss(mode);
    syncHelp(mode);
  }

  el.problem.addEventListener('change', () => {
    const problem = el.problem.value;
    const changes = { problem };
    if (app.config.dataset !== 'custom') changes.dataset = firstSet(problem);
    if (problem === 'regression' && !REGRESSION_LOSSES.includes(app.config.loss)) {
      classLoss = app.config.loss;
      changes.loss = 'mse';
    } else if (problem === 'classification' && classLoss) {
      changes.loss = classLoss;
      classLoss = null;
    }
    actions.rebuild(changes);
  });

  el.classes.addEventListener('change', () => {
    const n = Number(el.classes.value);
    const v = Number.isFinite(n) && el.classes.value !== '' ? Math.round(n) : app.config.classes;
    const k = Math.max(classRange.min, Math.min(classRange.max, v));
    if (k !== v) actions.notify(`Classes go from ${classRange.min} to ${classRange.max}; set to ${k}.`, { kind: 'info' });
    if (k === app.config.classes) {
      el.classes.value = String(k);
      return;
    }
    const changes = { classes: k };
    if (app.config.dataset === 'custom') {
      // Your own points keep their classes: two classes (-1, +1) are classes 0 and 1 of more,
      // and back; points of a class beyond the new count are left out (the page says so).
      const before = currentMode(app);
      if (before.kind === 'binary' && k > 2) changes.points = pointList(app.points, (l) => (l > 0 ? 1 : 0));
      else if (before.kind === 'classes' && k === 2) changes.points = pointList(app.points, (l) => (l === 0 ? -1 : l));
      else changes.points = pointList(app.points);
      changes.view = app.view;
    }
    actions.rebuild(changes);
  });

  return {
    sync,
    /** The label a click (with or without Shift) adds now, or null if none can be added. */
    label(shift) {
      const mode = currentMode(app);
      if (mode.kind === 'regression') {
        const v = Number(el.addTarget.value);
        if (el.addTarget.value.trim() === '' || !Number.isFinite(v)) {
          actions.notify('Type the value a click adds (a number) in “A click adds the value”.', { kind: 'error' });
          return null;
        }
        return v;
      }
      const c = Number(el.addClass.value);
      if (mode.kind === 'binary') return shift ? -c : c;
      return shift ? (c + 1) % mode.k : c;
    },
    /** Key `n` (1..K) on the plot chooses the n-th class; returns what to announce, or null. */
    chooseByKey(n) {
      const mode = currentMode(app);
      if (mode.kind === 'regression' || n < 1 || n > el.addClass.options.length) return null;
      el.addClass.selectedIndex = n - 1;
      return `A click adds ${el.addClass.options[n - 1].textContent}.`;
    },
  };
}
