// The benchmark's HTML report charts (interstice benchmark --html), with the console's chart library: the report
// inlines this bundle and one <script type="application/json" class="interstice-run"> per run, all overlaid.
// Drag to zoom (double-click resets), hover for values.
import uPlot from "uplot";
import css from "uplot/dist/uPlot.min.css?inline";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f"];
const PERCENTILE_TICKS = [
  [0, "0"],
  [1, "90"],
  [2, "99"],
  [3, "99.9"],
  [4, "99.99"],
  [5, "99.999"],
  [5.3, "max"],
];

const us = (v) => (v == null ? "--" : v >= 1e6 ? (v / 1e6).toFixed(2) + " s" : v >= 1000 ? (v / 1000).toFixed(2) + " ms" : Math.round(v) + " µs");

// Runs sample at their own times, so under the cursor a run may have no point: show its nearest one instead.
function nearest(values, idx) {
  if (idx == null) return null;
  for (let d = 0; d < values.length; d++) {
    if (values[idx - d] != null) return values[idx - d];
    if (values[idx + d] != null) return values[idx + d];
  }
  return null;
}
const near = (fmt) => (u, v, si, idx) => fmt(v ?? nearest(u.data[si], idx));

// Series of several runs on one x axis: the union of their x values, null where a run has none.
function align(runs, pick) {
  const xs = [...new Set(runs.flatMap((r) => pick(r).map((p) => p[0])))].sort((a, b) => a - b);
  const ys = runs.map((r) => {
    const m = new Map(pick(r));
    return xs.map((x) => (m.has(x) ? m.get(x) : null));
  });
  return [xs, ...ys];
}

function chart(el, title, runs, series, data, opts = {}) {
  const box = document.createElement("div");
  box.className = "interstice-chart";
  el.append(box);
  return new uPlot(
    {
      title,
      width: Math.min(960, document.body.clientWidth - 40 || 900),
      height: 300,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: opts.log ? { distr: 3 } : {} },
      axes: [
        { label: opts.xLabel, values: opts.xValues },
        { label: opts.yLabel, size: 70, values: opts.log ? (u, vals) => vals.map((v) => (v != null && Number.isInteger(Math.log10(v)) ? us(v) : "")) : undefined },
      ],
      series: [{ label: opts.xLabel, value: opts.xValue }, ...series],
    },
    data,
    box,
  );
}

function draw() {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.append(style);
  const runs = [...document.querySelectorAll("script.interstice-run")].map((s) => JSON.parse(s.textContent));
  const el = document.getElementById("charts");
  if (!el || runs.length === 0) return;
  const charts = [];
  window.intersticeCharts = charts; // the uPlot instances, for scripts (the browser test reads their scales)
  const line = (label, i, dash) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, dash, spanGaps: true });
  charts.push(chart(
    el,
    "Acknowledged transactions per second",
    runs,
    runs.map((r, i) => ({ ...line(r.name, i), value: near((v) => (v == null ? "--" : Math.round(v) + " tx/s")) })),
    align(runs, (r) => r.timeline.map((p) => [p.t, p.tps])),
    { xLabel: "time (s)", yLabel: "tx/s" },
  ));
  chart(
    el,
    "Latency over time (p50 solid, p99 dashed; log scale)",
    runs,
    runs.flatMap((r, i) => [
      { ...line(`${r.name} p50`, i), value: near(us) },
      { ...line(`${r.name} p99`, i, [6, 4]), value: near(us) },
    ]),
    (() => {
      const [xs, ...p50] = align(runs, (r) => r.timeline.filter((p) => p.p50 > 0).map((p) => [p.t, p.p50]));
      const [, ...p99] = align(runs, (r) => r.timeline.filter((p) => p.p99 > 0).map((p) => [p.t, p.p99]));
      return [xs, ...runs.flatMap((_, i) => [p50[i], p99[i]])];
    })(),
    { xLabel: "time (s)", yLabel: "latency", log: true },
  );
  chart(
    el,
    "Latency distribution (measured window; log scale)",
    runs,
    runs.map((r, i) => ({ ...line(r.name, i), value: near(us) })),
    align(runs, (r) => r.spectrum.map((p) => [p.x, p.us])),
    {
      xLabel: "percentile",
      yLabel: "latency",
      log: true,
      xValues: (u, vals) => vals.map((v) => PERCENTILE_TICKS.find(([x]) => Math.abs(x - v) < 1e-9)?.[1] ?? ""),
      xValue: (u, v) => (v == null ? "--" : v >= 5.3 ? "max" : "p" + (100 - 100 / Math.pow(10, v)).toPrecision(6).replace(/\.?0+$/, "")),
    },
  );
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
else draw();
