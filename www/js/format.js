// Formatting for the readouts, controls and notices: numbers, and outside text (a file's
// name) as a message may echo it. Pure functions: no DOM, no wasm.

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

/** How many characters of outside text a message echoes (src/settings.rs: echo). */
const ECHO_MAX = 40;
/**
 * Bidirectional controls (echoed, they would reorder the text around them), zero-width
 * characters (invisible, so a message could not show what they are) and control characters.
 */
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\uFEFF]|\p{Cc}/gu;

/**
 * Text from outside (a file's name) as a notice may show it, by the Rust side's rules
 * (settings::echo): in quotes, without bidirectional or other control characters, at most 40
 * characters (then "…"), and saying so when something was removed.
 */
export function echo(text) {
  const raw = String(text);
  const clean = raw.replace(INVISIBLE, '');
  const chars = [...clean]; // by code point, as Rust counts chars
  const shown = chars.length > ECHO_MAX ? `${chars.slice(0, ECHO_MAX).join('')}\u2026` : clean;
  const removed = clean.length < raw.length ? ' (invisible control characters removed)' : '';
  return `"${shown}"${removed}`;
}
