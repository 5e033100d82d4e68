// The content store (our extension interstice_store, docs/abi.md §4.4, docs/store.md): `ctx.store`, Theater's
// `store` interface. Content is addressed by its SHA-256 (a content ref, 64 lower-case hex digits); labels name
// content refs and change with the calling reducer's transaction (undone if it fails).

import { Reader } from "./codec";
import { W, storeCall, endHostCall, resultError, unitResult } from "./host";
import { Result, okResult, errResult } from "./types";

/** StoreCall discriminants, in the WIT's order. */
const enum StoreCallTag {
  New = 0,
  Store = 1,
  Get = 2,
  Exists = 3,
  Label = 4,
  GetByLabel = 5,
  RemoveLabel = 6,
  RemoveFromLabel = 7,
  StoreAtLabel = 8,
  ReplaceContentAtLabel = 9,
  ReplaceAtLabel = 10,
  ListLabels = 11,
  ListAllContent = 12,
  CalculateTotalSize = 13,
}

function begin(call: StoreCallTag, store: string): void {
  W.reset();
  W.tag(call);
  W.str(store);
}

function content(data: Uint8Array): void {
  W.varint32(<u32>data.length);
  W.bytes(data.dataStart, <usize>data.length);
}

/** The answer being read (valid until endHostCall). */
let R: Reader = changetype<Reader>(0);

/** Sends the request in W; answers null on Ok (R is then left after the tag), else the error. */
function send(): string | null {
  R = storeCall();
  return resultError(R, "store");
}

function unit(): string | null {
  return unitResult(storeCall(), "store");
}

function str(): Result<string> {
  let err = send();
  if (err != null) return errResult<string>(err);
  let s = R.str();
  endHostCall();
  return okResult<string>(s);
}

function strings(): Result<Array<string>> {
  let err = send();
  if (err != null) return errResult<Array<string>>(err);
  let n = R.len();
  let out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = R.str();
  endHostCall();
  return okResult<Array<string>>(out);
}

/** `ctx.store`: stores of this module. Unit calls return null on success, else the error. */
export class ContentStore {
  /** Makes a store and answers its id ("1", "2", … in the order this module makes them). WIT: `new`. */
  create(): Result<string> {
    W.reset();
    W.tag(StoreCallTag.New);
    return str();
  }

  /** Stores content (once, however often it is stored) and answers its content ref. */
  store(store: string, data: Uint8Array): Result<string> {
    begin(StoreCallTag.Store, store);
    content(data);
    return str();
  }

  storeText(store: string, text: string): Result<string> {
    return this.store(store, Uint8Array.wrap(String.UTF8.encode(text)));
  }

  /** The content, verified against its hash; an error if the store does not hold it. */
  get(store: string, hash: string): Result<Uint8Array> {
    begin(StoreCallTag.Get, store);
    W.str(hash);
    let err = send();
    if (err != null) return errResult<Uint8Array>(err);
    let n = R.len();
    let out = new Uint8Array(n);
    memory.copy(out.dataStart, R.ptr, <usize>n);
    endHostCall();
    return okResult<Uint8Array>(out);
  }

  getText(store: string, hash: string): Result<string> {
    let r = this.get(store, hash);
    if (!r.ok) return errResult<string>(r.error);
    return okResult<string>(String.UTF8.decode(r.value.buffer));
  }

  exists(store: string, hash: string): Result<bool> {
    begin(StoreCallTag.Exists, store);
    W.str(hash);
    let err = send();
    if (err != null) return errResult<bool>(err);
    let b = R.bool();
    endHostCall();
    return okResult<bool>(b);
  }

  /** Adds the content ref to the label (as its most recent one). */
  label(store: string, label: string, hash: string): string | null {
    begin(StoreCallTag.Label, store);
    W.str(label);
    W.str(hash);
    return unit();
  }

  /** The label's most recently added content ref; "" when the label names none. */
  getByLabel(store: string, label: string): Result<string> {
    begin(StoreCallTag.GetByLabel, store);
    W.str(label);
    let err = send();
    if (err != null) return errResult<string>(err);
    let s = R.bool() ? R.str() : "";
    endHostCall();
    return okResult<string>(s);
  }

  removeLabel(store: string, label: string): string | null {
    begin(StoreCallTag.RemoveLabel, store);
    W.str(label);
    return unit();
  }

  removeFromLabel(store: string, label: string, hash: string): string | null {
    begin(StoreCallTag.RemoveFromLabel, store);
    W.str(label);
    W.str(hash);
    return unit();
  }

  /** Stores content and adds it to the label. */
  storeAtLabel(store: string, label: string, data: Uint8Array): Result<string> {
    begin(StoreCallTag.StoreAtLabel, store);
    W.str(label);
    content(data);
    return str();
  }

  /** Stores content and makes the label name only it. */
  replaceContentAtLabel(store: string, label: string, data: Uint8Array): Result<string> {
    begin(StoreCallTag.ReplaceContentAtLabel, store);
    W.str(label);
    content(data);
    return str();
  }

  /** Makes the label name only this content ref. */
  replaceAtLabel(store: string, label: string, hash: string): string | null {
    begin(StoreCallTag.ReplaceAtLabel, store);
    W.str(label);
    W.str(hash);
    return unit();
  }

  listLabels(store: string): Result<Array<string>> {
    begin(StoreCallTag.ListLabels, store);
    return strings();
  }

  listAllContent(store: string): Result<Array<string>> {
    begin(StoreCallTag.ListAllContent, store);
    return strings();
  }

  /** The bytes of the distinct content the store holds. */
  calculateTotalSize(store: string): Result<u64> {
    begin(StoreCallTag.CalculateTotalSize, store);
    let err = send();
    if (err != null) return errResult<u64>(err);
    let n = R.varint64();
    endHostCall();
    return okResult<u64>(n);
  }
}

export const STORE = new ContentStore();
