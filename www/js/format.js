// Number formatting and slider scales. Pure functions: no DOM, no wasm.

/** The text shown for a number that is missing or not finite. */
export const DASH = '\u2014';

function finite(x) {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A loss value: 4 significant digits, "—" for null/NaN/Infinity. */
export function fmtLoss(x) {
  if (!finite(x)) return DASH;
  if (x === 0) return '0';
  if ((Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return x.toPrecision(4);
}

/** An accuracy fraction 0..1 as a percentage with one decimal, "—" when missing. */
export function fmtPercent(x) {
  if (!finite(x)) return DASH;
  return `${(x * 100).toFixed(1)}%`;
}

/** A non-negative count or rate as an integer with thousands separators, "—" when missing. */
export function fmtInt(x) {
  if (!finite(x)) return DASH;
  return Math.round(x).toLocaleString('en-US');
}

/** A value in a compact form: 0.1, 0.0316, 1e-4, 3.16e-5. */
export function fmtSci(x) {
  if (!finite(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return String(Number(x.toPrecision(3)));
  const [m, e] = x.toExponential(2).split('e');
  const mant = String(Number(m));
  return `${mant}e${Number(e)}`;
}

/** Round to `digits` significant digits, returning a number (0.12589 -> 0.126). */
export function roundSig(x, digits = 3) {
  if (!finite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

// ---- learning rate: a log slider in tenths of a decade, 1e-4 .. 10 ----
export const LR_SLIDER = { min: -40, max: 10 };

export function lrFromSlider(v) {
  return roundSig(10 ** (Number(v) / 10), 3);
}

export function sliderFromLr(lr) {
  if (!finite(lr) || lr <= 0) return LR_SLIDER.min;
  const v = Math.round(10 * Math.log10(lr));
  return Math.min(LR_SLIDER.max, Math.max(LR_SLIDER.min, v));
}

// ---- L2 strength: a log slider 1e-6 .. 0.1, whose lowest stop means 0 (off) ----
export const L2_SLIDER = { min: -61, max: -10 };

export function l2FromSlider(v) {
  const n = Number(v);
  if (n <= L2_SLIDER.min) return 0;
  return roundSig(10 ** (n / 10), 3);
}

export function sliderFromL2(l2) {
  if (!finite(l2) || l2 <= 0) return L2_SLIDER.min;
  const v = Math.round(10 * Math.log10(l2));
  return Math.min(L2_SLIDER.max, Math.max(L2_SLIDER.min + 1, v));
}

export function fmtL2(l2) {
  return l2 === 0 ? '0 (off)' : fmtSci(l2);
}

// ---- speed: training steps per animation frame, on a slider of stops ----
export const SPEED_STOPS = [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500];
export const DEFAULT_SPEED = 10;

/** The index of the largest stop that is <= speed (at least 0). */
export function speedIndex(speed) {
  let idx = 0;
  for (let i = 0; i < SPEED_STOPS.length; i++) {
    if (SPEED_STOPS[i] <= speed) idx = i;
  }
  return idx;
}
