// Time travel (our extension interstice_history, docs/abi.md §4.6, docs/time-travel.md): `ctx.history`. A module
// reads its own tables as of a past transaction (`ctx.tables.<t>.iterAsOf(tx)`) and keeps branches: named timelines
// forked from a past transaction, in which its reducers run without touching the main timeline
// (`ctx.tables.<t>.iterInBranch(name)` reads them), discarded or merged back (their calls replayed on the main
// timeline). Branch changes made by a reducer are undone if it fails.

import { Reader } from "./codec";
import { W, historyCall, endHostCall, resultError, unitResult } from "./host";
import { Value } from "./value";
import { Result, okResult, errResult } from "./types";

/** HistoryCall discriminants. */
const enum HistoryTag {
  Fork = 1,
  Call = 2,
  Discard = 4,
  Merge = 5,
  ListBranches = 6,
  LastMerge = 7,
  CurrentTx = 8,
}

/** One branch: its name, the transaction it was forked at, how many reducer calls it records. */
export class BranchInfo {
  constructor(
    public name: string,
    public fromTx: u64,
    public calls: u32,
  ) {}
}

/** A recorded call a merge could not apply: its position in the branch, its reducer, why. */
export class MergeFailure {
  constructor(
    public index: u32,
    public reducer: string,
    public error: string,
  ) {}
}

/** What the last merge did: the branch, the transactions of the calls applied, the calls that failed. */
export class MergeReport {
  constructor(
    public branch: string,
    public applied: Array<u64>,
    public failed: Array<MergeFailure>,
  ) {}
}

/** The answer being read (valid until endHostCall). */
let R: Reader = changetype<Reader>(0);

/** Sends the request in W; answers null on Ok (R is then left after the tag), else the error. */
function send(): string | null {
  R = historyCall();
  return resultError(R, "history");
}

function u64Answer(): Result<u64> {
  let err = send();
  if (err != null) return errResult<u64>(err);
  let v = R.varint64();
  endHostCall();
  return okResult<u64>(v);
}

function unitAnswer(): string | null {
  return unitResult(historyCall(), "history");
}

function named(tag: HistoryTag, branch: string): void {
  W.reset();
  W.tag(tag);
  W.str(branch);
}

/** `ctx.history`: this module's past and branches. Unit calls return null on success, else the error. */
export class History {
  /** The id of the calling transaction: the state "now" is as of `currentTx() - 1`. */
  currentTx(): u64 {
    W.reset();
    W.tag(HistoryTag.CurrentTx);
    return u64Answer().value;
  }

  /**
   * Forks branch `name` from this module's stored tables as of transaction `fromTx` (ephemeral tables start empty);
   * answers the transaction the branch starts from (the last one at or before `fromTx`).
   */
  fork(name: string, fromTx: u64): Result<u64> {
    named(HistoryTag.Fork, name);
    W.varint64(fromTx);
    return u64Answer();
  }

  /** Forks branch `name` from the last committed state. */
  forkNow(name: string): Result<u64> {
    return this.fork(name, this.currentTx() - 1);
  }

  /** Runs reducer `reducer` of this module in branch `name`; only the branch's tables change. */
  call(name: string, reducer: string, args: Array<Value>): string | null {
    named(HistoryTag.Call, name);
    W.str(reducer);
    Value.vec(args).encode(W);
    return unitAnswer();
  }

  discard(name: string): string | null {
    named(HistoryTag.Discard, name);
    return unitAnswer();
  }

  /**
   * Merges branch `name` once this reducer's transaction commits: its recorded calls run again on the main timeline,
   * in order, each as its own transaction; the branch is then gone. Answers how many calls will run; `lastMerge()`
   * tells later which failed.
   */
  merge(name: string): Result<u32> {
    named(HistoryTag.Merge, name);
    let err = send();
    if (err != null) return errResult<u32>(err);
    let n = R.varint32();
    endHostCall();
    return okResult<u32>(n);
  }

  branches(): Array<BranchInfo> {
    W.reset();
    W.tag(HistoryTag.ListBranches);
    let err = send();
    if (err != null) abort("Interstice: listing branches failed: " + err);
    let n = R.len();
    let out = new Array<BranchInfo>(n);
    for (let i = 0; i < n; i++) {
      let name = R.str();
      let from = R.varint64();
      out[i] = new BranchInfo(name, from, R.varint32());
    }
    endHostCall();
    return out;
  }

  /** The outcome of this module's last merge, once it ran (null before). */
  lastMerge(): MergeReport | null {
    W.reset();
    W.tag(HistoryTag.LastMerge);
    let err = send();
    if (err != null) abort("Interstice: reading the last merge failed: " + err);
    if (!R.bool()) {
      endHostCall();
      return null;
    }
    let branch = R.str();
    let n = R.len();
    let applied = new Array<u64>(n);
    for (let i = 0; i < n; i++) applied[i] = R.varint64();
    let m = R.len();
    let failed = new Array<MergeFailure>(m);
    for (let i = 0; i < m; i++) {
      let index = R.varint32();
      let reducer = R.str();
      failed[i] = new MergeFailure(index, reducer, R.str());
    }
    endHostCall();
    return new MergeReport(branch, applied, failed);
  }
}

export const HISTORY = new History();
