// globalThis.playground: the page's state, read-only, for debugging from the console and for
// the end-to-end tests, and the worker's requests. The page itself never uses it.

/**
 * parts: client (client.js), chart, and later() (the parts that start later, as they are
 * now, each null until it started: graph, hiddenSpace, runs, zeroLines, settings).
 */
export function exposePlayground(app, { client, chart, later }) {
  globalThis.playground = {
    get stats() {
      return app.stats;
    },
    /** The plotted extent { xmin, xmax, ymin, ymax }. */
    get view() {
      return { ...app.view };
    },
    get ui() {
      return { ...app.ui };
    },
    /** The points as the page draws them: [x, y, label, is_test] per point, flat. */
    get points() {
      return Array.from(app.points);
    },
    /** The run's settings as the page mirrors them. */
    get config() {
      return app.config ? JSON.parse(JSON.stringify(app.config)) : null;
    },
    get playing() {
      return app.playing;
    },
    get counters() {
      return { ...app.counters };
    },
    /** The latest boundary grid the page drew from: { res, values } (row 0 at the top). */
    get grid() {
      return app.grid ? { res: app.grid.res, values: Array.from(app.grid.values) } : null;
    },
    get graph() {
      const { graph } = later();
      return graph ? graph.state : null;
    },
    /** The hidden layer's view: { draws, points, lines }. */
    get hiddenSpace() {
      const { hiddenSpace } = later();
      return hiddenSpace ? hiddenSpace.state : null;
    },
    /** The kept runs, and how many overlaid curves the chart drew last. */
    get runs() {
      const { runs } = later();
      return runs ? { ...runs.state, drawn: chart.overlaysDrawn || 0 } : null;
    },
    /** The zero lines: { on, lines, segments, draws }. */
    get zeroLines() {
      const { zeroLines } = later();
      return zeroLines ? zeroLines.state : null;
    },
    /** The settings table as the page received it. */
    get settings() {
      const { settings } = later();
      return settings ? [...settings.values()] : null;
    },
    /** Ask the worker anything it answers (tests and the console): request('network'). */
    request: (type, args) => client.request(type, args),
    /** The worker's wasm linear memory in bytes (the soak test watches it). */
    memoryBytes: () => client.request('memory'),
  };
}
