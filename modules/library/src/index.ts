// The Interstice "library" example module: the content store (docs/store.md). Each document's text is content
// stored under a label named for its title; every saved version stays in the store under that label (the newest
// is what `read` answers), and the `documents` table lists the titles with the hash of their current version.
import { ReducerContext, QueryContext } from "@interstice/sdk";

@module({ visibility: "public" })
class Library {}

@table({ visibility: "public" })
export class Document {
  @primaryKey
  title: string = "";

  hash: string = "";

  versions: u32 = 0;
}

/** The one store this module uses: made on first load ("1": a module's first store). */
const STORE = "1";

@reducer({ on: "init" })
export function init(ctx: ReducerContext): void {
  ctx.store.create().value;
}

/** Saves a new version of a document. */
@reducer
export function save(ctx: ReducerContext, title: string, text: string): void {
  if (title.length == 0) abort("a document needs a title");
  const hash = ctx.store.storeAtLabel(STORE, title, Uint8Array.wrap(String.UTF8.encode(text))).value;
  const old = ctx.tables.document.get(title);
  const doc = new Document();
  doc.title = title;
  doc.hash = hash;
  doc.versions = old == null ? 1 : old.versions + 1;
  if (old == null) ctx.tables.document.insert(doc);
  else ctx.tables.document.update(doc);
  ctx.log("saved " + title + " as " + hash);
}

/** Saves, then fails: nothing of it stays (the label's change is undone with the transaction). */
@reducer
export function save_and_fail(ctx: ReducerContext, title: string, text: string): void {
  save(ctx, title, text);
  abort("changed my mind about " + title);
}

/** Makes the label name only an earlier version (by its hash). */
@reducer
export function restore(ctx: ReducerContext, title: string, hash: string): void {
  const err = ctx.store.replaceAtLabel(STORE, title, hash);
  if (err != null) abort(err);
  const doc = ctx.tables.document.get(title);
  if (doc == null) abort("no document '" + title + "'");
  doc!.hash = hash;
  ctx.tables.document.update(doc!);
}

/** Forgets a document: its content goes at the node's next collection once no label names it. */
@reducer
export function forget(ctx: ReducerContext, title: string): void {
  const err = ctx.store.removeLabel(STORE, title);
  if (err != null) abort(err);
  ctx.tables.document.delete(title);
}

/** The current text of a document ("" when there is none). */
@query
export function read(ctx: QueryContext, title: string): string {
  const hash = ctx.store.getByLabel(STORE, title).value;
  if (hash.length == 0) return "";
  return ctx.store.getText(STORE, hash).value;
}

/** The bytes of distinct content the store holds. */
@query
export function size(ctx: QueryContext): u64 {
  return ctx.store.calculateTotalSize(STORE).value;
}
