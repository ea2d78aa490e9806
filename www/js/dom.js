// Small DOM helpers shared by the page's modules: element lookup, HTML and SVG elements,
// downloads, and error text.

import { echo } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The element with this id; throws if the page lacks it (a broken page should say so). */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing element #${id}`);
  return el;
}

/**
 * An HTML element with properties set (className, id, type, title, textContent...) and
 * `children` (elements or text) appended: how the page builds table rows and list items.
 */
export function htmlEl(name, props = {}, ...children) {
  const e = document.createElement(name);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** An SVG element with attributes and optional text. */
export function svgEl(name, attrs = {}, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Offer `text` as a file download named `filename`. */
export function download(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The text of a file the user chose, or null after saying why not: a file over `max` bytes is
 * refused before it is read (`what` names the kind of file, `kept` what stays as it was).
 */
export async function readFileText(file, { max, what, kept }, notify) {
  if (file.size > max) {
    const size = file.size.toLocaleString('en-US');
    notify(`Import failed, ${kept}: ${echo(file.name)} is ${size} bytes; ${what} is at most ${max.toLocaleString('en-US')}.`, {
      kind: 'error',
      sticky: true,
    });
    return null;
  }
  try {
    return await file.text();
  } catch (e) {
    notify(`Import failed: ${echo(file.name)} could not be read (${errText(e)}).`, { kind: 'error' });
    return null;
  }
}

/** A readable message for anything thrown. */
export function errText(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** Set an element's text only when it changed (no needless layout work). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
