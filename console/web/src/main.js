// The node's web console: a few pages over the JSON API, routed by the URL's hash.
import "./style.css";
import { get, post, login, ApiError } from "./api.js";
import { h, show, fmtBytes, cell, table } from "./dom.js";
import { liveCharts } from "./charts.js";

let stream = null; // the open live stream (Server-Sent Events) of the current page
let cleanup = null;

function leavePage() {
  stream?.close();
  stream = null;
  cleanup?.();
  cleanup = null;
}

function live(params, handlers) {
  const q = new URLSearchParams(params).toString();
  stream = new EventSource(`api/events${q ? "?" + q : ""}`);
  for (const [name, fn] of Object.entries(handlers)) stream.addEventListener(name, (e) => fn(JSON.parse(e.data)));
}

function errorBox(e) {
  return h("p", { class: "error", role: "alert", "data-testid": "error" }, e.message || String(e));
}

// ---------------------------------------------------------------- login

function loginPage(message) {
  document.getElementById("nav").hidden = true;
  const input = h("input", { type: "password", id: "token", autocomplete: "off", placeholder: "admin token" });
  const out = h("div");
  const form = h(
    "form",
    {
      id: "login",
      onsubmit: async (ev) => {
        ev.preventDefault();
        out.replaceChildren();
        try {
          await login(input.value);
          input.value = "";
          route();
        } catch (e) {
          out.replaceChildren(errorBox(e));
        }
      },
    },
    h("h1", {}, "Log in"),
    h("p", {}, "The node's admin token (", h("code", {}, "<data dir>/admin.token"), "). It is not sent: the page signs a challenge with it."),
    input,
    h("button", { type: "submit" }, "Log in"),
    out,
  );
  show(form, message ? h("p", { class: "muted" }, message) : null);
  input.focus();
}

// ---------------------------------------------------------------- node

async function nodePage() {
  const n = await get("node");
  document.getElementById("node-name").textContent = n.name ? `— ${n.name}` : "";
  const started = n.started ? new Date(n.started) : null;
  const uptime = started ? Math.round((Date.now() - started) / 1000) : null;
  show(
    h("h1", {}, "Node ", n.name ?? ""),
    table(
      ["", ""],
      [
        ["id", n.id],
        ["key", n.fingerprint],
        ["address", n.address ?? "(in-process)"],
        ["uptime", uptime === null ? "?" : `${Math.floor(uptime / 3600)}h ${Math.floor((uptime % 3600) / 60)}m ${uptime % 60}s`],
        ["modules", n.modules],
        ["last transaction", n.lastTx],
        ["pending schedules", n.pendingSchedules],
        ["connections", n.connections ?? 0],
      ].map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, cell(v)))),
      { class: "kv", "data-testid": "node-info" },
    ),
    h("h2", {}, "Authorities"),
    table(
      ["authority", "offered", "holder", "reach"],
      n.authorities.map((a) => h("tr", {}, h("td", {}, a.name), h("td", {}, a.offered ? "yes" : "no"), h("td", {}, a.holder ?? "—"), h("td", {}, a.reach))),
    ),
    h("h2", {}, "Peers"),
    n.peers.length === 0
      ? h("p", { class: "muted" }, "No links to other nodes.")
      : table(
          ["address", "state"],
          n.peers.map((p) =>
            h(
              "tr",
              {},
              h("td", {}, p.address),
              h(
                "td",
                {},
                Object.entries(p)
                  .filter(([k]) => k !== "address")
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(", "),
              ),
            ),
          ),
        ),
    h("h2", {}, "Storage"),
    n.storage
      ? table(
          ["log", "snapshot", "last LSN", "durable LSN", "fsyncs", "health"],
          [h("tr", {}, h("td", {}, fmtBytes(n.storage.logBytes)), h("td", {}, fmtBytes(n.storage.snapshotBytes)), h("td", {}, n.storage.lastLsn), h("td", {}, n.storage.durableLsn), h("td", {}, n.storage.fsyncs), h("td", {}, n.storage.failure ?? "ok"))],
        )
      : h("p", { class: "muted" }, "In memory (no storage)."),
  );
}

// ---------------------------------------------------------------- modules

async function modulesPage() {
  const mods = await get("modules");
  show(
    h("h1", {}, "Modules"),
    table(
      ["module", "version", "tables", "reducers", "queries", "memory", ""],
      mods.map((m) =>
        h(
          "tr",
          { "data-module": m.name },
          h("td", {}, m.unloaded ? m.name : h("a", { href: `#/module/${encodeURIComponent(m.name)}` }, m.name)),
          h("td", {}, m.unloaded ? "unloaded (data kept)" : m.version),
          h("td", {}, m.tables ?? ""),
          h("td", {}, m.reducers ?? ""),
          h("td", {}, m.queries ?? ""),
          h("td", {}, m.memoryBytes === undefined ? "" : fmtBytes(m.memoryBytes)),
          h(
            "td",
            {},
            m.unloaded ? null : h("button", { type: "button", onclick: () => dangerous(`Unload module '${m.name}'? Its data is kept.`, "unload", m.name) }, "Unload"),
            h("button", { type: "button", class: "danger", onclick: () => dangerous(`Remove module '${m.name}' and DELETE its data?`, "remove", m.name) }, "Remove"),
          ),
        ),
      ),
      { "data-testid": "modules" },
    ),
  );
}

async function dangerous(question, action, module) {
  if (!confirm(question)) return;
  try {
    await post(action, { module });
    route();
  } catch (e) {
    document.getElementById("main").prepend(errorBox(e));
  }
}

async function modulePage(name) {
  const [m, history] = await Promise.all([get("module", { name }), get("history", { module: name })]);
  const code = (e) => e.changes.find((c) => c.table === "__interstice.code")?.row ?? "";
  const sig = (ps) => ps.map((p) => `${p.name}: ${p.type}`).join(", ");
  show(
    h("h1", {}, `Module ${m.name} `, h("small", {}, `v${m.version} · ${m.visibility}`)),
    h("h2", {}, "Tables"),
    table(
      ["table", "key", "columns", "indexes", ""],
      m.tables.map((t) =>
        h(
          "tr",
          {},
          h("td", {}, t.name, " ", h("small", {}, `${t.visibility}, ${t.persistence}`)),
          h("td", {}, `${t.primaryKey.name}: ${t.primaryKey.type}${t.primaryKey.autoInc ? " (auto)" : ""}`),
          h("td", {}, t.columns.slice(1).map((c) => `${c.name}: ${c.type}`).join(", ")),
          h("td", {}, t.indexes.map((i) => `${i.field} (${i.type}${i.unique ? ", unique" : ""})`).join(", ")),
          h("td", {}, h("a", { href: `#/table/${encodeURIComponent(m.name)}/${encodeURIComponent(t.name)}` }, "browse")),
        ),
      ),
    ),
    h("h2", {}, "Reducers"),
    table(
      ["reducer", "signature", "reads", "writes", ""],
      m.reducers.map((r) =>
        h("tr", {}, h("td", {}, r.name), h("td", {}, h("code", {}, `(${sig(r.params)})`)), h("td", {}, r.reads.join(", ")), h("td", {}, r.writes.join(", ")), h("td", {}, h("a", { href: `#/call/${encodeURIComponent(m.name)}/reducer/${encodeURIComponent(r.name)}` }, "call"))),
      ),
    ),
    h("h2", {}, "Queries"),
    table(
      ["query", "signature", ""],
      m.queries.map((q) => h("tr", {}, h("td", {}, q.name), h("td", {}, h("code", {}, `(${sig(q.params)}) -> ${q.returns}`)), h("td", {}, h("a", { href: `#/call/${encodeURIComponent(m.name)}/query/${encodeURIComponent(q.name)}` }, "run")))),
    ),
    h("h2", {}, "Subscriptions"),
    table(["reducer", "on"], m.subscriptions.map((s) => h("tr", {}, h("td", {}, s.reducer), h("td", {}, s.event)))),
    h("h2", {}, "Authorities"),
    h("p", {}, m.authorities.length ? m.authorities.join(", ") : "none"),
    m.types.length ? [h("h2", {}, "Types"), table(["type", "kind", "members"], m.types.map((t) => h("tr", {}, h("td", {}, t.name), h("td", {}, t.kind), h("td", {}, t.members.map((x) => `${x.name}: ${x.type}`).join(", ")))))] : null,
    h("h2", {}, "Version history ", h("small", {}, "newest first: each publication and the code it installed")),
    history.length === 0
      ? h("p", { class: "muted" }, "Not in the log (an in-memory node keeps none, and old log is compacted away).")
      : table(["tx", "time", "code (SHA-256 record)"], history.map((e) => h("tr", {}, h("td", {}, e.tx), h("td", {}, e.time), h("td", {}, h("code", {}, String(code(e)).slice(0, 80))))), { "data-testid": "history" }),
    h("p", {}, h("a", { href: `#/log?module=${encodeURIComponent(m.name)}` }, "Its transactions")),
  );
}

// ---------------------------------------------------------------- table browser

async function tablePage(module, tableName) {
  const state = { where: [], sort: "", pages: [null], page: 0, limit: 25 };
  const out = h("div");
  const status = h("p", { class: "muted", "data-testid": "live-status" });
  let meta = null;
  let current = [];

  async function load() {
    try {
      const r = await get("rows", {
        module,
        table: tableName,
        limit: state.limit,
        sort: state.sort,
        where: state.where.length ? JSON.stringify(state.where) : "",
        after: state.pages[state.page] === null ? "" : JSON.stringify(state.pages[state.page]),
      });
      meta = r.table;
      current = r.rows;
      state.pages[state.page + 1] = r.more ? r.last : undefined;
      render();
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  }

  function render() {
    const cols = meta.columns.map((c) => c.name);
    const key = meta.primaryKey.name;
    const indexed = [key, ...meta.indexes.map((i) => i.field)];
    const sortSel = h("select", { id: "sort", onchange: (e) => ((state.sort = e.target.value), (state.pages = [null]), (state.page = 0), load()) }, h("option", { value: "" }, `${key} (key)`), meta.indexes.map((i) => h("option", { value: i.field, selected: state.sort === i.field }, i.field)));
    const fField = h("select", { id: "filter-field" }, indexed.map((f) => h("option", { value: f }, f)));
    const fOp = h("select", { id: "filter-op" }, ["=", "<", "<=", ">", ">="].map((o) => h("option", { value: o }, o)));
    const fVal = h("input", { id: "filter-value", placeholder: "value (JSON or text)" });
    const addFilter = h("form", {
      class: "inline",
      onsubmit: (e) => {
        e.preventDefault();
        let v;
        try {
          v = JSON.parse(fVal.value);
        } catch {
          v = fVal.value;
        }
        state.where.push({ field: fField.value, op: fOp.value, value: v });
        state.pages = [null];
        state.page = 0;
        load();
      },
    }, "Filter ", fField, fOp, fVal, h("button", {}, "Add"));
    const filters = state.where.map((w, i) => h("span", { class: "chip" }, `${w.field} ${w.op} ${JSON.stringify(w.value)}`, h("button", { type: "button", onclick: () => (state.where.splice(i, 1), (state.pages = [null]), (state.page = 0), load()) }, "×")));
    out.replaceChildren(
      h("div", { class: "toolbar" }, "Sort by ", sortSel, addFilter, filters),
      table(
        cols,
        current.map((r) => h("tr", { "data-key": cell(r[key]) }, cols.map((c) => h("td", {}, cell(r[c]))))),
        { "data-testid": "rows" },
      ),
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "button", disabled: state.page === 0, onclick: () => (state.page--, load()) }, "‹ Previous"),
        ` page ${state.page + 1} `,
        h("button", { type: "button", disabled: state.pages[state.page + 1] === undefined, onclick: () => (state.page++, load()) }, "Next ›"),
      ),
    );
  }

  show(h("h1", {}, `${module}.${tableName}`), status, out);
  await load();
  let changes = 0;
  live(
    { module, table: tableName },
    {
      row: (c) => {
        changes++;
        status.textContent = `live: ${changes} change(s) seen, last in tx ${c.tx}`;
        applyChange(c);
      },
      reload: () => load(),
    },
  );
  status.textContent = "live: waiting for changes";

  // A change on the page shown is applied in place; an insert beyond it only enables "Next".
  function applyChange(c) {
    if (!meta) return;
    const key = meta.primaryKey.name;
    const id = JSON.stringify(c.op === "delete" ? c.key : c.row[key]);
    const at = current.findIndex((r) => JSON.stringify(r[key]) === id);
    if (c.op === "delete") {
      if (at >= 0) current.splice(at, 1);
    } else if (at >= 0) current[at] = c.row;
    else if (state.where.length === 0 && !state.sort && current.length < state.limit && state.pages[state.page + 1] === undefined) current.push(c.row);
    else state.pages[state.page + 1] ??= current.length ? current[current.length - 1][key] : null;
    render();
  }
}

// ---------------------------------------------------------------- call a reducer or query

function input(p) {
  const attrs = { name: p.name, id: `arg-${p.name}`, "data-type": p.type };
  switch (p.input) {
    case "integer":
      return h("input", { ...attrs, type: "text", inputmode: "numeric", placeholder: p.type });
    case "number":
      return h("input", { ...attrs, type: "text", inputmode: "decimal", placeholder: p.type });
    case "bool":
      return h("input", { ...attrs, type: "checkbox" });
    case "text":
      return h("input", { ...attrs, type: "text", placeholder: p.type });
    default:
      return h("textarea", { ...attrs, rows: 3, placeholder: `${p.type} as JSON` });
  }
}

function value(p, el) {
  switch (p.input) {
    case "bool":
      return el.checked;
    case "text":
      return el.value;
    case "integer":
    case "number":
      return el.value.trim(); // a string: u64 beyond 2^53 stays exact; the server reads it by the declared type
    default:
      try {
        return JSON.parse(el.value);
      } catch {
        throw new ApiError(0, `${p.name}: not JSON (${p.type})`);
      }
  }
}

async function callPage(module, kind, name) {
  const m = await get("module", { name: module });
  const def = (kind === "query" ? m.queries : m.reducers).find((x) => x.name === name);
  if (!def) return show(errorBox(new Error(`no ${kind} '${name}' in module '${module}'`)));
  const inputs = def.params.map((p) => [p, input(p)]);
  const result = h("div", { "data-testid": "call-result" });
  show(
    h("h1", {}, `${kind === "query" ? "Query" : "Reducer"} ${module}.${name}`),
    h(
      "form",
      {
        id: "call",
        onsubmit: async (e) => {
          e.preventDefault();
          result.replaceChildren(h("p", { class: "muted" }, "…"));
          try {
            const args = Object.fromEntries(inputs.map(([p, el]) => [p.name, value(p, el)]));
            const r = kind === "query" ? await post("query", { module, query: name, args }) : await post("call", { module, reducer: name, args });
            result.replaceChildren(kind === "query" ? h("pre", { class: "ok" }, JSON.stringify(r.result, null, 2)) : h("p", { class: "ok", "data-testid": "ok" }, `committed in transaction ${r.tx}`));
          } catch (err) {
            result.replaceChildren(errorBox(err));
          }
        },
      },
      inputs.map(([p, el]) => h("label", {}, `${p.name}: `, h("code", {}, p.type), " ", el)),
      def.params.length ? null : h("p", { class: "muted" }, "No parameters."),
      h("button", { type: "submit" }, kind === "query" ? "Run" : "Call"),
    ),
    result,
  );
}

// ---------------------------------------------------------------- transaction log

async function logPage(params) {
  const module = params.get("module") ?? "";
  const reducer = params.get("reducer") ?? "";
  const entries = await get("log", { module, reducer, limit: 100 });
  const detail = h("div", { class: "detail" });
  const fm = h("input", { name: "module", value: module, placeholder: "module" });
  const fr = h("input", { name: "reducer", value: reducer, placeholder: "reducer" });
  show(
    h("h1", {}, "Transactions ", h("small", {}, "newest first")),
    h("form", { class: "inline", onsubmit: (e) => (e.preventDefault(), (location.hash = `#/log?module=${encodeURIComponent(fm.value)}&reducer=${encodeURIComponent(fr.value)}`)) }, fm, fr, h("button", {}, "Filter")),
    entries.length === 0 ? h("p", { class: "muted" }, "No transactions (an in-memory node keeps no log).") : null,
    h(
      "div",
      { class: "split" },
      table(
        ["tx", "time", "what", "changes"],
        entries.map((e) =>
          h(
            "tr",
            { class: "clickable", onclick: () => detail.replaceChildren(h("h2", {}, `tx ${e.tx}`), h("pre", {}, JSON.stringify(e, null, 2))) },
            h("td", {}, e.tx),
            h("td", {}, e.time),
            h("td", {}, e.module ? `${e.module}${e.reducer ? "." + e.reducer : ""}${e.trigger ? ` [${e.trigger}]` : ""}` : "(no origin)"),
            h("td", {}, e.changes.length),
          ),
        ),
        { "data-testid": "log" },
      ),
      detail,
    ),
  );
}

// ---------------------------------------------------------------- charts

async function chartsPage() {
  const box = h("div", { class: "charts", "data-testid": "charts" });
  show(h("h1", {}, "Live"), h("p", { class: "muted" }, "One sample a second; drag to zoom, double-click to reset, hover for values."), box);
  const charts = liveCharts(box);
  cleanup = () => charts.destroy();
  charts.add(await get("metrics"));
  live({}, { metrics: (s) => charts.add([s]) });
}

// ---------------------------------------------------------------- publish

function publishPage() {
  const file = h("input", { type: "file", id: "wasm", accept: ".wasm,application/wasm" });
  const label = h("input", { id: "label", placeholder: "label (optional)" });
  const reset = h("input", { type: "checkbox", id: "reset" });
  const result = h("div", { "data-testid": "publish-result" });
  show(
    h("h1", {}, "Publish a module"),
    h(
      "form",
      {
        id: "publish",
        onsubmit: async (e) => {
          e.preventDefault();
          const f = file.files[0];
          if (!f) return result.replaceChildren(errorBox(new Error("choose a .wasm file")));
          if (reset.checked && !confirm("Reset drops the module's existing data. Publish anyway?")) return;
          result.replaceChildren(h("p", { class: "muted" }, "publishing…"));
          try {
            const r = await post("publish", await f.arrayBuffer(), { label: label.value || f.name, reset: reset.checked });
            result.replaceChildren(
              h("p", { class: "ok", "data-testid": "ok" }, r.handedTo ? `handed to ${r.handedTo} (it holds the Module authority)` : `published ${r.module} v${r.version}${r.replaced ? " (replaced the loaded version)" : ""}`),
            );
          } catch (err) {
            result.replaceChildren(errorBox(err));
          }
        },
      },
      h("label", {}, "Module ", file),
      h("label", {}, "Label ", label),
      h("label", {}, reset, " reset its data"),
      h("button", { type: "submit" }, "Publish"),
    ),
    result,
  );
}

// ---------------------------------------------------------------- routing

async function route() {
  leavePage();
  const [path, qs] = (location.hash.slice(1) || "/node").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    await get("session");
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return loginPage();
    return show(errorBox(e));
  }
  document.getElementById("nav").hidden = false;
  try {
    switch (parts[0]) {
      case "modules":
        return await modulesPage();
      case "module":
        return await modulePage(parts[1]);
      case "table":
        return await tablePage(parts[1], parts[2]);
      case "call":
        return await callPage(parts[1], parts[2], parts[3]);
      case "log":
        return await logPage(new URLSearchParams(qs));
      case "charts":
        return await chartsPage();
      case "publish":
        return publishPage();
      default:
        return await nodePage();
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return loginPage("The session expired: log in again.");
    show(errorBox(e));
  }
}

document.getElementById("logout").addEventListener("click", async () => {
  await post("logout").catch(() => {});
  leavePage();
  loginPage("Logged out.");
});
window.addEventListener("hashchange", route);
route();
