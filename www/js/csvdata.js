// People's own data as CSV: import from a file (the picker, or one dropped on the plot), from
// text pasted in the Data panel, and export of the current points. The worker reads the text
// (src/csv.rs): a refused file is named by line and column and the current run is kept; a good
// one becomes a new run on custom data of the file's problem and classes. A model file (.json)
// dropped on the plot is imported as a model, as the Import model button does.

import { $, download, errText, readFileText } from './dom.js';
import { echo } from './format.js';

const PASTED = 'Pasted text';

/**
 * hooks: request(type, args) -> Promise, adopt(state), notify(text, opts), ready(),
 * maxCsvBytes (larger files are refused unread), importModelFile(file) (files.js).
 */
export function createCsvData(hooks) {
  const el = {
    importBtn: $('csv-import'),
    exportBtn: $('csv-export'),
    file: $('csv-file'),
    text: $('csv-text'),
    pasteBtn: $('csv-paste-import'),
    drop: $('plot-wrap'),
  };
  const limit = () => hooks.maxCsvBytes.toLocaleString('en-US');

  /** Read `text` (from `source`, a file's name or PASTED) as the new data. */
  async function importText(text, source) {
    const from = source === PASTED ? source : echo(source);
    let state;
    try {
      state = await hooks.request('import_csv', { text });
    } catch (e) {
      hooks.notify(`Import of ${source === PASTED ? 'the pasted text' : from} failed, the current data are kept: ${errText(e)}`, {
        kind: 'error',
        sticky: true,
      });
      return false;
    }
    hooks.adopt(state);
    const notes = Array.isArray(state.importNotes) ? state.importNotes : [];
    // '"data.csv": Imported 100 points with 3 classes from the CSV file.' and what the reader noted.
    const lines = notes.length ? [`${from}: ${notes[0]}`, ...notes.slice(1)] : [`Imported ${from}.`];
    hooks.notify(lines, { kind: 'info', sticky: lines.length > 1 });
    return true;
  }

  async function importFile(file) {
    if (!file || !hooks.ready()) return;
    const text = await readFileText(file, { max: hooks.maxCsvBytes, what: 'a CSV file', kept: 'the current data are kept' }, hooks.notify);
    if (text === null) return;
    await importText(text, file.name);
  }

  el.importBtn.addEventListener('click', () => el.file.click());
  el.file.addEventListener('change', () => {
    const file = el.file.files && el.file.files[0];
    el.file.value = '';
    importFile(file);
  });

  el.pasteBtn.addEventListener('click', async () => {
    if (!hooks.ready()) return;
    const text = el.text.value;
    if (text.trim() === '') {
      hooks.notify('Paste or type some rows first: x1, x2 and a label or value on each line.', { kind: 'info' });
      el.text.focus();
      return;
    }
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > hooks.maxCsvBytes) {
      hooks.notify(`Import failed, the current data are kept: the pasted text is ${bytes.toLocaleString('en-US')} bytes; at most ${limit()}.`, {
        kind: 'error',
        sticky: true,
      });
      return;
    }
    await importText(text, PASTED);
  });

  el.exportBtn.addEventListener('click', async () => {
    if (!hooks.ready()) return;
    let r;
    try {
      r = await hooks.request('export_csv');
    } catch (e) {
      hooks.notify(`Export failed: ${errText(e)}`, { kind: 'error' });
      return;
    }
    download(r.text, 'micrograd-data.csv', 'text/csv');
    hooks.notify('Data exported as micrograd-data.csv (x1, x2, label, split).', { kind: 'info' });
  });

  // ------------------------------------------------------------ dropping a file on the plot

  const carriesFiles = (ev) => ev.dataTransfer && [...ev.dataTransfer.types].includes('Files');
  let depth = 0; // dragenter/dragleave pairs over the plot's children
  el.drop.addEventListener('dragenter', (ev) => {
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    depth += 1;
    el.drop.classList.add('dropping');
  });
  el.drop.addEventListener('dragover', (ev) => {
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = 'copy';
  });
  el.drop.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) el.drop.classList.remove('dropping');
  });
  el.drop.addEventListener('drop', (ev) => {
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    depth = 0;
    el.drop.classList.remove('dropping');
    const file = ev.dataTransfer.files[0];
    if (!file) return;
    if (/\.json$/i.test(file.name) || file.type === 'application/json') hooks.importModelFile(file);
    else importFile(file);
  });

  return {
    enable() {
      for (const b of [el.importBtn, el.exportBtn, el.pasteBtn]) b.disabled = false;
    },
  };
}
