// The Interstice "notes" example module: the File authority. Each note is a file notes/<title>.txt under the node's
// file root; the `notes` table mirrors that directory (title and size), kept current by a file_recursive watch, so
// a note written by hand in the directory shows up in the table too.
import { ReducerContext, QueryContext, FileEvent } from "@interstice/sdk";

@module({ visibility: "public", authorities: ["File"] })
class Notes {}

@table({ visibility: "public" })
export class Note {
  @primaryKey
  title: string = "";

  size: u64 = 0;
}

const DIR = "notes";
const SUFFIX = ".txt";

function pathOf(title: string): string {
  return DIR + "/" + title + SUFFIX;
}

/** The title of a note file directly in notes/, or "" for anything else. */
function titleOf(path: string): string {
  if (!path.startsWith(DIR + "/") || !path.endsWith(SUFFIX)) return "";
  let title = path.slice(DIR.length + 1, path.length - SUFFIX.length);
  return title.includes("/") ? "" : title;
}

// A refused call aborts: the transaction is dropped and the caller's error carries the message and where it aborted.
function checkTitle(title: string): void {
  if (title.length == 0) abort("a note needs a title");
  if (title.includes("/") || title.includes("\\")) abort("a note title is a plain name, not '" + title + "'");
}

/** Makes the table row of a note match its file (gone: no row). */
function refresh(ctx: ReducerContext, title: string): void {
  let meta = ctx.file.metadata(pathOf(title));
  let row = ctx.tables.note.get(title);
  if (!meta.ok) {
    if (row != null) ctx.tables.note.delete(title);
    return;
  }
  let note = new Note();
  note.title = title;
  note.size = meta.value.length;
  if (row == null) ctx.tables.note.insert(note);
  else if (row.size != note.size) ctx.tables.note.update(note);
}

@reducer({ on: "init" })
export function init(ctx: ReducerContext): void {
  let err = ctx.file.createDir(DIR, true);
  if (err != null) abort(err);
}

/** Writes (or replaces) a note. Titles are plain names: no '/'. */
@reducer
export function save(ctx: ReducerContext, title: string, text: string): void {
  checkTitle(title);
  let err = ctx.file.writeText(pathOf(title), text);
  if (err != null) abort(err);
  refresh(ctx, title);
}

/** Adds a line to a note (creating it). */
@reducer
export function append(ctx: ReducerContext, title: string, line: string): void {
  checkTitle(title);
  let err = ctx.file.writeText(pathOf(title), line + "\n", true);
  if (err != null) abort(err);
  refresh(ctx, title);
}

/** Logs a note's text (queries cannot use the File authority, so reading is a reducer). */
@reducer
export function read(ctx: ReducerContext, title: string): void {
  let text = ctx.file.readText(pathOf(title));
  ctx.log(text.ok ? title + ": " + text.value : text.error);
}

@reducer
export function remove(ctx: ReducerContext, title: string): void {
  let err = ctx.file.removeFile(pathOf(title));
  if (err != null) abort(err);
  refresh(ctx, title);
}

/** Every change under notes/, from this module or from anyone else on the host. */
@reducer({ on: "file_recursive:notes" })
export function changed(ctx: ReducerContext, event: FileEvent): void {
  ctx.log("file " + event.kind + ": " + event.path);
  let title = titleOf(event.path);
  if (title.length > 0) refresh(ctx, title);
}

@query
export function titles(ctx: QueryContext): Array<string> {
  let rows = ctx.tables.note.scan();
  let out = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i].title;
  return out;
}
