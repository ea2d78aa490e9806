// The gradient check's panel in the graph view: every parameter's autograd gradient against a
// central finite difference, computed in the worker a slice at a time, with progress and
// Cancel, and the result in words (errors apart from kinks, where the loss has no derivative).

import { DASH, fmtInt } from './format.js';

const CHECK_SLICE_MS = 30; // the worker's time per slice of a gradient check

/** A small number with 4 significant digits: 0.01234, 4.408e-8. */
function sig4(x) {
  if (!Number.isFinite(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(4)));
  const [m, e] = x.toExponential(3).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** A relative error: 3.2e-9. */
export function fmtRelError(x) {
  if (!Number.isFinite(x)) return DASH;
  if (x === 0) return '0';
  const [m, e] = x.toExponential(1).split('e');
  return `${m}e${Number(e)}`;
}

function plural(n, one, many = `${one}s`) {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}

/** One parameter's two gradients: "param #12: autograd 0.01234, numeric 0.01234". */
function paramText(p) {
  return `param #${p.param}: autograd ${sig4(p.autograd)}, numeric ${sig4(p.numeric)}`;
}

/** The progress line of a gradient check under way (the report of src/train.rs `GradCheck`). */
export function gradCheckProgress(r) {
  return `Checking\u2026 ${fmtInt(r.checked)} of ${plural(r.params, 'parameter')}, on the weights of step ${fmtInt(r.step)} (training goes on meanwhile; Cancel stops the check).`;
}

/**
 * What a finished gradient check found, in words: errors only where the loss is smooth;
 * mismatches where a finite difference straddled a kink said apart, as not errors.
 */
export function gradCheckText(r) {
  if (r.points === 0) return 'No points: nothing to check. Add points on the plot first.';
  const parts = [];
  if (r.errors > 0) {
    parts.push(
      `${plural(r.errors, 'error')}: backpropagation and the finite difference disagree where the loss is smooth ` +
        `(largest relative error ${fmtRelError(r.max_rel_error)}, ${paramText(r.worst)}).`,
    );
  } else {
    const agree = r.agree === r.params ? `over ${plural(r.params, 'parameter')}` : `over ${fmtInt(r.agree)} of ${plural(r.params, 'parameter')}`;
    parts.push(`No errors: largest relative error ${fmtRelError(r.max_rel_error)} ${agree}${r.worst ? ` (${paramText(r.worst)})` : ''}.`);
  }
  const k = r.kinks;
  const kinds = [
    [k.relu, 'ReLU at 0'],
    [k.hinge, 'the hinge at its margin'],
    [k.abs, 'abs at 0'],
  ].filter(([n]) => n > 0);
  if (kinds.length) {
    parts.push(
      `Not differentiable here: ${kinds.map(([n, what]) => `${what} for ${plural(n, 'parameter')}`).join(', ')}` +
        `${r.kink_example ? ` (e.g. ${paramText(r.kink_example)})` : ''}: the finite difference straddles a kink, ` +
        'where the loss has no derivative, so these mismatches are not errors.',
    );
  }
  if (r.unresolved > 0) {
    parts.push(
      `Too small to check at this loss: ${plural(r.unresolved, 'parameter')} whose two gradients differ by less than ` +
        `the finite difference's rounding noise (about ${fmtRelError(r.noise)}); neither agreement nor error can be told there.`,
    );
  }
  if (r.dead_units > 0) {
    parts.push(`${fmtInt(r.dead_units)} of ${plural(r.relu_units, 'ReLU unit')} ${r.dead_units === 1 ? 'is' : 'are'} dead (off on every training point: no gradient flows through them).`);
  }
  parts.push(`Weights of step ${fmtInt(r.step)}, ${plural(r.points, 'training point')}.`);
  return parts.join(' ');
}

/**
 * el: check (the button), cancel (its Cancel button), bar (a <progress>), result (the text),
 * request(type, args) (asks the worker), errText(e).
 */
export function createGradCheck(el) {
  // The gradient check runs in the worker a slice at a time (one request per slice), so the
  // page shows its progress and Pause and the controls act between slices.
  const checking = { run: 0, last: null };

  function setChecking(on) {
    el.check.disabled = on;
    el.cancel.hidden = !on;
    el.bar.hidden = !on;
  }

  function showCheckProgress(r) {
    checking.last = r;
    el.bar.max = Math.max(1, r.params);
    el.bar.value = r.checked;
    el.result.textContent = gradCheckProgress(r);
  }

  async function runCheck() {
    const run = ++checking.run;
    checking.last = null;
    setChecking(true);
    el.result.textContent = 'Checking\u2026 one finite difference per parameter.';
    let r;
    try {
      r = await el.request('check_gradients_begin');
      while (run === checking.run && r && !r.done) {
        showCheckProgress(r);
        r = await el.request('check_gradients_advance', { budgetMs: CHECK_SLICE_MS });
      }
    } catch (e) {
      if (run !== checking.run) return;
      setChecking(false);
      el.result.textContent = `The check failed: ${el.errText(e)}`;
      return;
    }
    if (run !== checking.run) return; // cancelled meanwhile
    setChecking(false);
    el.result.textContent = r
      ? gradCheckText(r)
      : 'The check stopped: the network or its data was rebuilt before it finished. Press Check gradients to check the new one.';
  }

  el.check.addEventListener('click', () => runCheck());
  el.cancel.addEventListener('click', () => {
    checking.run += 1;
    setChecking(false);
    el.request('check_gradients_cancel').catch(() => {});
    const r = checking.last;
    el.result.textContent = r ? `Check cancelled after ${fmtInt(r.checked)} of ${plural(r.params, 'parameter')}.` : 'Check cancelled.';
    el.check.focus();
  });

}
