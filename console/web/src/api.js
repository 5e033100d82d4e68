// The console's JSON API (docs/console.md). Every POST carries the CSRF header; the session is an HttpOnly cookie.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(res) {
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error || res.statusText);
  return body;
}

export function get(route, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return fetch(`api/${route}${s ? "?" + s : ""}`, { credentials: "same-origin" }).then(answer);
}

export function post(route, body, params = {}) {
  const q = new URLSearchParams(params).toString();
  const raw = body instanceof ArrayBuffer || body instanceof Uint8Array;
  return fetch(`api/${route}${q ? "?" + q : ""}`, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "X-Interstice-Console": "1",
      "Content-Type": raw ? "application/wasm" : "application/json",
    },
    body: raw ? body : JSON.stringify(body ?? {}),
  }).then(answer);
}

const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));

// The token never leaves the page: HMAC-SHA256(token, "interstice-console-v1" 0 nodeId 0 nonce) answers a challenge.
export async function login(token) {
  if (!globalThis.crypto?.subtle)
    throw new ApiError(0, "this page is not a secure context (use http://127.0.0.1 or HTTPS): it cannot sign the login");
  const { nonce, node } = await get("challenge");
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(token.trim()), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const label = enc.encode("interstice-console-v1");
  const id = enc.encode(node);
  const n = unhex(nonce);
  const msg = new Uint8Array(label.length + 1 + id.length + 1 + n.length);
  msg.set(label, 0);
  msg.set(id, label.length + 1);
  msg.set(n, label.length + 1 + id.length + 1);
  const proof = await crypto.subtle.sign("HMAC", key, msg);
  return post("login", { nonce, proof: hex(proof) });
}
