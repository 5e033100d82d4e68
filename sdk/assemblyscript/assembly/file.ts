// The File authority: `ctx.file` (a module declaring `authorities: ["File"]`), and FileEvent for
// `@reducer({ on: "file:<path>" })` / `"file_recursive:<path>"` handlers. Paths are relative to the
// node's file root, '/'-separated. Calls act at once: the file system is not transactional.

import { Reader } from "./codec";
import { W, hostCall, endHostCall, HostCallTag, resultError, unitResult } from "./host";
import { Result, okResult, errResult } from "./types";

/** FileCall discriminants. */
const enum FileCallTag {
  ReadFile = 0,
  WriteFile = 1,
  ListDir = 2,
  Metadata = 3,
  CreateDir = 4,
  RemoveFile = 5,
  RemoveDir = 6,
  Rename = 7,
  Copy = 8,
}

/** FileType: File 0, Directory 1, Symlink 2, Other 3. */
export const enum FileType {
  File = 0,
  Directory = 1,
  Symlink = 2,
  Other = 3,
}

/** One entry of a directory listing; `path` is relative to the file root ("notes/a.txt"). */
export class DirEntry {
  constructor(public name: string, public path: string, public type: FileType) {}
}

/** What `metadata` answers; times are unix seconds (as upstream), 0 when the file system does not know them. */
export class FileMetadata {
  constructor(
    public type: FileType,
    public length: u64,
    public readonly: bool,
    public createdMs: u64,
    public modifiedMs: u64,
  ) {}
}

/** A change under a watched path: kind "Created", "Modified", "Deleted" or "Renamed" (then `from` is set). */
export class FileEvent {
  constructor(public kind: string, public path: string, public from: string) {}

  get created(): bool {
    return this.kind == "Created";
  }
  get modified(): bool {
    return this.kind == "Modified";
  }
  get deleted(): bool {
    return this.kind == "Deleted";
  }
  get renamed(): bool {
    return this.kind == "Renamed";
  }

  /** Reads the event as the node sends it: Enum{"FileEvent", variant, Struct{variant, fields}}. */
  static decode(r: Reader): FileEvent {
    expect(r, 14, "a FileEvent enum");
    if (!r.strIs("FileEvent")) abort("Interstice: expected a FileEvent");
    let kind = r.str();
    expect(r, 13, "the FileEvent's fields");
    r.skipStr();
    let n = r.varint32();
    let path = "";
    let from = "";
    for (let i: u32 = 0; i < n; i++) {
      let name = r.str();
      expect(r, 9, "a FileEvent path");
      let v = r.str();
      if (name == "from") from = v;
      else path = v; // "path", or "to" of Renamed
    }
    return new FileEvent(kind, path, from);
  }
}

function expect(r: Reader, tag: u32, what: string): void {
  if (r.tag() != tag) abort("Interstice: expected " + what);
}

function begin(call: FileCallTag, path: string): void {
  W.reset();
  W.tag(HostCallTag.File);
  W.tag(call);
  W.str(path);
}

/** The answer being read (valid until endHostCall). */
let R: Reader = changetype<Reader>(0);

/** Sends the request in W; answers null on Ok (R is then left after the tag), else the error. */
function send(): string | null {
  R = hostCall();
  return resultError(R, "File");
}

/** Sends a request whose answer carries nothing: null on success, else the error. */
function unit(): string | null {
  return unitResult(hostCall(), "File");
}

function readBytes(r: Reader): Uint8Array {
  let n = r.len();
  let out = new Uint8Array(n);
  memory.copy(out.dataStart, r.ptr, <usize>n);
  r.ptr += <usize>n;
  return out;
}

function readTime(r: Reader): u64 {
  return r.u8() == 1 ? r.varint64() : 0;
}

/** `ctx.file`: the File authority's calls. Unit calls return null on success, else the error. */
export class FileAuthority {
  /** The whole file (bounded by the node's read limit). */
  read(path: string): Result<Uint8Array> {
    begin(FileCallTag.ReadFile, path);
    let err = send();
    if (err != null) return errResult<Uint8Array>(err);
    let out = readBytes(R);
    endHostCall();
    return okResult<Uint8Array>(out);
  }

  /** The whole file as UTF-8 text. */
  readText(path: string): Result<string> {
    let r = this.read(path);
    if (!r.ok) return errResult<string>(r.error);
    return okResult<string>(String.UTF8.decode(r.value.buffer));
  }

  /** Creates or replaces the file (`append`: adds to its end). Parent directories must exist. */
  write(path: string, data: Uint8Array, append: bool = false): string | null {
    begin(FileCallTag.WriteFile, path);
    W.varint32(<u32>data.length);
    W.bytes(data.dataStart, <usize>data.length);
    W.bool(append);
    return unit();
  }

  /** Writes UTF-8 text. */
  writeText(path: string, text: string, append: bool = false): string | null {
    return this.write(path, Uint8Array.wrap(String.UTF8.encode(text)), append);
  }

  /** The entries of a directory, sorted by name. */
  list(path: string): Result<Array<DirEntry>> {
    begin(FileCallTag.ListDir, path);
    let err = send();
    if (err != null) return errResult<Array<DirEntry>>(err);
    let r = R;
    let n = r.len();
    let out = new Array<DirEntry>(n);
    for (let i = 0; i < n; i++) {
      let name = r.str();
      let p = r.str();
      out[i] = new DirEntry(name, p, <FileType>r.u8());
    }
    endHostCall();
    return okResult<Array<DirEntry>>(out);
  }

  metadata(path: string): Result<FileMetadata> {
    begin(FileCallTag.Metadata, path);
    let err = send();
    if (err != null) return errResult<FileMetadata>(err);
    let r = R;
    let type = <FileType>r.u8();
    let length = r.varint64();
    let readonly = r.bool();
    let created = readTime(r);
    let m = new FileMetadata(type, length, readonly, created, readTime(r));
    endHostCall();
    return okResult<FileMetadata>(m);
  }

  /** `recursive`: creates the missing parents too. */
  createDir(path: string, recursive: bool = false): string | null {
    begin(FileCallTag.CreateDir, path);
    W.bool(recursive);
    return unit();
  }

  removeFile(path: string): string | null {
    begin(FileCallTag.RemoveFile, path);
    return unit();
  }

  /** `recursive`: with everything in it. */
  removeDir(path: string, recursive: bool = false): string | null {
    begin(FileCallTag.RemoveDir, path);
    W.bool(recursive);
    return unit();
  }

  rename(from: string, to: string): string | null {
    begin(FileCallTag.Rename, from);
    W.str(to);
    return unit();
  }

  /** `recursive`: copies a directory and everything in it. */
  copy(from: string, to: string, recursive: bool = false): string | null {
    begin(FileCallTag.Copy, from);
    W.str(to);
    W.bool(recursive);
    return unit();
  }
}

export const FILE = new FileAuthority();
