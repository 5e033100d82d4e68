// Live charts (uPlot): transactions/s with errors, and latency percentiles, from the node's one-second samples.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const WINDOW = 300;

export function liveCharts(container) {
  const data = { t: [], ok: [], bad: [], p50: [], p90: [], p99: [] };
  const width = Math.max(400, Math.min(1000, container.clientWidth || 800));
  const opts = (title, series) => ({
    title,
    width,
    height: 220,
    cursor: { drag: { x: true, y: false } },
    series: [{}, ...series],
    axes: [{}, { size: 60 }],
  });
  const tx = new uPlot(
    opts("Transactions per second", [
      { label: "committed", stroke: "#2a7", width: 2 },
      { label: "failed", stroke: "#d33", width: 2 },
    ]),
    [[], [], []],
    container,
  );
  const lat = new uPlot(
    opts("Latency (ms)", [
      { label: "p50", stroke: "#36c", width: 2 },
      { label: "p90", stroke: "#c83", width: 2 },
      { label: "p99", stroke: "#a3a", width: 2 },
    ]),
    [[], [], [], []],
    container,
  );
  function push(s) {
    data.t.push(s.time / 1000);
    data.ok.push(s.committed);
    data.bad.push(s.failed);
    data.p50.push(s.p50);
    data.p90.push(s.p90);
    data.p99.push(s.p99);
    for (const k of Object.keys(data)) if (data[k].length > WINDOW) data[k].shift();
  }
  function redraw() {
    tx.setData([data.t, data.ok, data.bad]);
    lat.setData([data.t, data.p50, data.p90, data.p99]);
  }
  return {
    add(samples) {
      samples.forEach(push);
      redraw();
    },
    destroy() {
      tx.destroy();
      lat.destroy();
    },
  };
}
