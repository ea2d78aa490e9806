// Number formatting for the readouts and controls. Pure functions: no DOM, no wasm.

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

export function fmtL2(l2) {
  return l2 === 0 ? '0 (off)' : fmtSci(l2);
}
