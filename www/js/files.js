// Export and import of a whole run (settings, trained weights, step) as a JSON file. The file
// is checked against the size limit before it is read, so an oversized one costs nothing.

import { $, download, errText, readFileText } from './dom.js';
import { echo } from './format.js';

/**
 * hooks: request(type, args) -> Promise, adopt(state), notify(text, opts), ready(),
 * maxFileBytes (the Rust side's limit: a larger file is refused unread).
 */
export function createFiles(hooks) {
  const exportBtn = $('export');
  const importBtn = $('import');
  const importFile = $('import-file');

  exportBtn.addEventListener('click', async () => {
    if (!hooks.ready()) return;
    let r;
    try {
      r = await hooks.request('export');
    } catch (e) {
      hooks.notify(`Export failed: ${errText(e)}`, { kind: 'error' });
      return;
    }
    const name = `micrograd-${r.dataset}-step${r.step}.json`;
    download(r.json, name, 'application/json');
    hooks.notify(`Model exported as ${name}.`, { kind: 'info' });
  });

  importBtn.addEventListener('click', () => importFile.click());

  /** Import a model from a File (the picker's, or one dropped on the plot). */
  async function importModelFile(file) {
    if (!file || !hooks.ready()) return;
    const text = await readFileText(file, { max: hooks.maxFileBytes, what: 'a model file', kept: 'the current run is kept' }, hooks.notify);
    if (text === null) return;
    let state;
    try {
      state = await hooks.request('import', { json: text });
    } catch (e) {
      hooks.notify(`Import failed, the current run is kept: ${errText(e)}`, { kind: 'error', sticky: true });
      return;
    }
    hooks.adopt(state);
    hooks.notify(`Imported ${echo(file.name)}.`, { kind: 'info' });
  }

  importFile.addEventListener('change', () => {
    const file = importFile.files && importFile.files[0];
    importFile.value = '';
    importModelFile(file);
  });

  return {
    importModelFile,
    enable() {
      exportBtn.disabled = false;
      importBtn.disabled = false;
    },
  };
}
