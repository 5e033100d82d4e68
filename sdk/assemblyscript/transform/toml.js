// @ts-nocheck -- replaced by a maintained TOML parser (next change)
// A small TOML reader: enough for the binding files (what the `toml` crate and the Interstice CLI
// write): tables, arrays of tables, dotted keys, strings, numbers, booleans, arrays, inline tables.

export class TomlError extends Error {
  constructor(message, line) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

export function parseToml(text) {
  const root = {};
  let cur = root;
  let i = 0;
  let line = 1;
  const n = text.length;

  const err = (m) => {
    throw new TomlError(m, line);
  };
  const peek = () => text[i];
  const skipWs = () => {
    while (i < n && (text[i] === " " || text[i] === "\t")) i++;
  };
  const skipComment = () => {
    if (text[i] === "#") while (i < n && text[i] !== "\n") i++;
  };
  const skipWsNl = () => {
    for (;;) {
      skipWs();
      skipComment();
      if (text[i] === "\r" && text[i + 1] === "\n") i++;
      if (text[i] === "\n") {
        line++;
        i++;
        continue;
      }
      return;
    }
  };
  const endOfLine = () => {
    skipWs();
    skipComment();
    if (text[i] === "\r") i++;
    if (i < n && text[i] !== "\n") err(`unexpected '${text[i]}'`);
    if (i < n) {
      i++;
      line++;
    }
  };

  const basicString = () => {
    // at the opening quote
    if (text.startsWith('"""', i)) {
      i += 3;
      if (text[i] === "\n") {
        i++;
        line++;
      }
      let s = "";
      while (!text.startsWith('"""', i)) {
        if (i >= n) err("unterminated string");
        if (text[i] === "\\") s += escape();
        else {
          if (text[i] === "\n") line++;
          s += text[i++];
        }
      }
      i += 3;
      return s;
    }
    i++;
    let s = "";
    for (;;) {
      if (i >= n || text[i] === "\n") err("unterminated string");
      const c = text[i];
      if (c === '"') {
        i++;
        return s;
      }
      if (c === "\\") s += escape();
      else {
        s += c;
        i++;
      }
    }
  };
  const escape = () => {
    i++;
    const c = text[i++];
    switch (c) {
      case "b":
        return "\b";
      case "t":
        return "\t";
      case "n":
        return "\n";
      case "f":
        return "\f";
      case "r":
        return "\r";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u":
      case "U": {
        const len = c === "u" ? 4 : 8;
        const hex = text.slice(i, i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) err("bad unicode escape");
        i += len;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      case "\n": {
        line++;
        while (i < n && /\s/.test(text[i])) {
          if (text[i] === "\n") line++;
          i++;
        }
        return "";
      }
    }
    err(`bad escape \\${c}`);
  };
  const literalString = () => {
    if (text.startsWith("'''", i)) {
      i += 3;
      if (text[i] === "\n") {
        i++;
        line++;
      }
      const end = text.indexOf("'''", i);
      if (end < 0) err("unterminated string");
      const s = text.slice(i, end);
      line += (s.match(/\n/g) || []).length;
      i = end + 3;
      return s;
    }
    i++;
    const end = text.indexOf("'", i);
    if (end < 0 || text.slice(i, end).includes("\n")) err("unterminated string");
    const s = text.slice(i, end);
    i = end + 1;
    return s;
  };
  const key = () => {
    skipWs();
    const c = peek();
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 256));
    if (!m) err("expected a key");
    i += m[0].length;
    return m[0];
  };
  const dottedKey = () => {
    const keys = [key()];
    for (;;) {
      skipWs();
      if (peek() !== ".") return keys;
      i++;
      keys.push(key());
    }
  };
  const value = () => {
    skipWs();
    const c = peek();
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === "[") {
      i++;
      const arr = [];
      for (;;) {
        skipWsNl();
        if (peek() === "]") {
          i++;
          return arr;
        }
        arr.push(value());
        skipWsNl();
        if (peek() === ",") {
          i++;
          continue;
        }
        skipWsNl();
        if (peek() !== "]") err("expected ',' or ']'");
      }
    }
    if (c === "{") {
      i++;
      const obj = {};
      skipWs();
      if (peek() === "}") {
        i++;
        return obj;
      }
      for (;;) {
        const ks = dottedKey();
        skipWs();
        if (peek() !== "=") err("expected '='");
        i++;
        assign(obj, ks, value());
        skipWs();
        if (peek() === ",") {
          i++;
          continue;
        }
        if (peek() === "}") {
          i++;
          return obj;
        }
        err("expected ',' or '}'");
      }
    }
    const m = /^[^\s,\]}#]+/.exec(text.slice(i, i + 256));
    if (!m) err("expected a value");
    const tok = m[0];
    i += tok.length;
    if (tok === "true") return true;
    if (tok === "false") return false;
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(tok)) return Number(tok.replace(/_/g, ""));
    if (/^0x[0-9a-fA-F_]+$/.test(tok)) return parseInt(tok.slice(2).replace(/_/g, ""), 16);
    if (/^[+-]?(\d(_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d+)?$/.test(tok) || /^[+-]?(inf|nan)$/.test(tok)) {
      return tok.endsWith("inf") ? (tok[0] === "-" ? -Infinity : Infinity) : tok.endsWith("nan") ? NaN : Number(tok.replace(/_/g, ""));
    }
    err(`unsupported value '${tok}'`);
  };
  const assign = (obj, keys, v) => {
    let o = obj;
    for (const k of keys.slice(0, -1)) {
      if (o[k] === undefined) o[k] = {};
      else if (typeof o[k] !== "object" || Array.isArray(o[k])) err(`key '${k}' is not a table`);
      o = o[k];
    }
    const last = keys[keys.length - 1];
    if (Object.prototype.hasOwnProperty.call(o, last)) err(`duplicate key '${last}'`);
    o[last] = v;
  };
  const navigate = (keys, arrayOfTables) => {
    let o = root;
    keys.forEach((k, idx) => {
      const isLast = idx === keys.length - 1;
      if (isLast && arrayOfTables) {
        if (o[k] === undefined) o[k] = [];
        if (!Array.isArray(o[k])) err(`'${k}' is not an array of tables`);
        const t = {};
        o[k].push(t);
        o = t;
        return;
      }
      if (o[k] === undefined) o[k] = {};
      let v = o[k];
      if (Array.isArray(v)) v = v[v.length - 1];
      if (typeof v !== "object" || v === null) err(`'${k}' is not a table`);
      o = v;
    });
    return o;
  };

  for (;;) {
    skipWsNl();
    if (i >= n) break;
    if (peek() === "[") {
      const aot = text[i + 1] === "[";
      i += aot ? 2 : 1;
      const keys = dottedKey();
      skipWs();
      if (!text.startsWith(aot ? "]]" : "]", i)) err("expected ']'");
      i += aot ? 2 : 1;
      cur = navigate(keys, aot);
      endOfLine();
      continue;
    }
    const ks = dottedKey();
    skipWs();
    if (peek() !== "=") err("expected '='");
    i++;
    assign(cur, ks, value());
    endOfLine();
  }
  return root;
}
