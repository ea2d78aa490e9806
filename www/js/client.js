// The page's side of the worker (worker.js): requests that return promises, and the stream of
// snapshots and panics the worker sends. Nothing here waits: the main thread stays free.

import { errText } from './dom.js';

export class WorkerClient {
  /** `onSnapshot(s)` gets each frame's snapshot, `onPanic(message)` a Rust panic's message. */
  constructor({ onSnapshot, onPanic }) {
    this.pending = new Map();
    this.nextId = 1;
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'playground' });
    this.worker.onmessage = (ev) => {
      const m = ev.data;
      if (m.kind === 'snapshot') onSnapshot(m);
      else if (m.kind === 'panic') {
        onPanic(m.message);
        this.failAll(m.message);
      } else if (m.kind === 'reply') {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
      }
    };
    this.worker.onerror = (ev) => {
      const message = ev.message || 'the worker failed to start';
      onPanic(message);
      this.failAll(message);
    };
  }

  /** Ask the worker for something: resolves with its answer, rejects with its reason. */
  request(type, args = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...args, type, id });
      } catch (e) {
        this.pending.delete(id);
        reject(new Error(errText(e)));
      }
    });
  }

  /** Tell the worker something that needs no answer (play, speed, frame). */
  post(type, args = {}) {
    this.worker.postMessage({ ...args, type });
  }

  failAll(message) {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }
}
