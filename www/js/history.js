// A fixed-size, downsampled history of training metrics for the live chart.
// It never grows past `capacity` samples: when it fills, neighbouring pairs are merged
// (averaged) and the sampling stride doubles, so drawing it stays cheap after any number
// of steps.

export const FIELDS = ['train_loss', 'test_loss', 'train_accuracy', 'test_accuracy', 'train_rmse', 'test_rmse'];

function num(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x : NaN;
}

/** Mean of two values that may be NaN (missing): the one present, or NaN if neither. */
function mean2(a, b) {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return (a + b) / 2;
}

export class History {
  constructor(capacity = 512) {
    if (capacity < 4 || capacity % 2 !== 0) throw new Error('capacity must be even and >= 4');
    this.capacity = capacity;
    this.clear();
  }

  clear() {
    this.stride = 1;
    this.length = 0;
    this.lastStep = -Infinity;
    this.steps = new Float64Array(this.capacity);
    this.series = {};
    for (const f of FIELDS) this.series[f] = new Float64Array(this.capacity);
  }

  /** Record a stats object if at least `stride` steps passed since the last sample. */
  push(stats) {
    if (!stats || typeof stats.step !== 'number') return false;
    if (stats.step < this.lastStep) this.clear(); // a new run started
    if (this.length > 0 && stats.step - this.lastStep < this.stride) return false;
    if (this.length === this.capacity) this.compact();
    const i = this.length++;
    this.steps[i] = stats.step;
    for (const f of FIELDS) this.series[f][i] = num(stats[f]);
    this.lastStep = stats.step;
    return true;
  }

  /** Merge neighbouring pairs and double the stride. */
  compact() {
    const half = this.length >> 1;
    for (let j = 0; j < half; j++) {
      const a = 2 * j;
      const b = 2 * j + 1;
      this.steps[j] = this.steps[b];
      for (const f of FIELDS) {
        const s = this.series[f];
        s[j] = mean2(s[a], s[b]);
      }
    }
    this.length = half; // the capacity is even, so no sample is left over
    this.stride *= 2;
  }
}
