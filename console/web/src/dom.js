// A tiny element builder: text is always set as text (rows and errors are other people's data, never HTML).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function show(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.flat());
  return main;
}

export const fmtBytes = (n) =>
  n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + " GiB" : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + " MiB" : n >= 1024 ? (n / 1024).toFixed(1) + " KiB" : n + " B";

export const cell = (v) => (v === null || v === undefined ? "∅" : typeof v === "object" ? JSON.stringify(v) : String(v));

export function table(headers, rows, attrs = {}) {
  const head = headers.some((x) => x) ? h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))) : null;
  return h("table", attrs, head, h("tbody", {}, rows));
}
