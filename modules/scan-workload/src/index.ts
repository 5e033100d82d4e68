// The Interstice "scan-workload" module: a table scanned whole (ABI 6's TableScan) and through cursors (our
// interstice_scan extension), for the tests and the scan benchmark.
//
// It uses AssemblyScript's incremental runtime, which collects garbage while a call runs: a cursor's pages then
// leave nothing behind, and a scan over millions of rows keeps the guest's memory flat. (The minimal runtime collects
// only between calls: there a long scan's rows pile up until the call ends.)

import { ReducerContext, QueryContext } from "@interstice/sdk";

@module({ visibility: "public" })
class ScanWorkload {}

@table({ visibility: "public", persistence: "stateful" })
export class Item {
  @primaryKey
  id: u64 = 0;

  @index({ type: "btree" })
  grp: u32 = 0;

  value: u64 = 0;
}

/** Readings of sensors over time, with a composite index on (sensor, at). */
@table({ visibility: "public", persistence: "ephemeral", indexes: [["sensor", "at"]] })
export class Reading {
  @primaryKey
  id: u64 = 0;
  sensor: u32 = 0;
  at: u64 = 0;
}

/** What a reducer saw (written for the tests to read). */
@table({ visibility: "public", persistence: "ephemeral" })
export class Seen {
  @primaryKey
  name: string = "";
  rows: u64 = 0;
  sum: u64 = 0;
}

/** Inserts items first..first+count-1: value = id, group = id % groups. */
@reducer
export function seed(ctx: ReducerContext, first: u64, count: u64, groups: u32): void {
  for (let i: u64 = 0; i < count; i++) {
    const it = new Item();
    it.id = first + i;
    it.grp = <u32>((first + i) % <u64>groups);
    it.value = first + i;
    ctx.tables.item.insert(it);
  }
}

/** Inserts readings 1..count: sensor = id % sensors, at = id. */
@reducer
export function seed_readings(ctx: ReducerContext, count: u64, sensors: u32): void {
  for (let id: u64 = 1; id <= count; id++) {
    const r = new Reading();
    r.id = id;
    r.sensor = <u32>(id % <u64>sensors);
    r.at = id;
    ctx.tables.reading.insert(r);
  }
}

/** The number of rows and the sum of their values, read through a cursor. */
@query
export function iter_sum(ctx: QueryContext): Array<u64> {
  const c = ctx.tables.item.iter();
  let n: u64 = 0;
  let sum: u64 = 0;
  let row = c.next();
  while (row != null) {
    n++;
    sum += row.value;
    row = c.next();
  }
  return [n, sum];
}

/** The same through ABI 6's whole-table TableScan. */
@query
export function scan_sum(ctx: QueryContext): Array<u64> {
  const rows = ctx.tables.item.scan();
  let sum: u64 = 0;
  for (let i = 0; i < rows.length; i++) sum += rows[i].value;
  return [<u64>rows.length, sum];
}

/** Rows of groups lo <= grp < hi through an index cursor, as (count, sum). */
@query
export function group_sum(ctx: QueryContext, lo: u32, hi: u32): Array<u64> {
  const c = ctx.tables.item.iterByGrpRange(lo, hi);
  let n: u64 = 0;
  let sum: u64 = 0;
  let row = c.next();
  while (row != null) {
    n++;
    sum += row.value;
    row = c.next();
  }
  return [n, sum];
}

/** Ids of the readings of `sensor` with lo <= at < hi, through the composite index (sensor, at). */
@query
export function sensor_window(ctx: QueryContext, sensor: u32, lo: u64, hi: u64): Array<u64> {
  const c = ctx.tables.reading.iterBySensorAtRange(sensor, lo, hi);
  const out = new Array<u64>();
  let row = c.next();
  while (row != null) {
    out.push(row.id);
    row = c.next();
  }
  return out;
}

/** The first `n` ids in key order; the cursor is closed before its end. */
@query
export function first_ids(ctx: QueryContext, n: u32): Array<u64> {
  const c = ctx.tables.item.iter();
  const out = new Array<u64>();
  let row = c.next();
  while (row != null && <u32>out.length < n) {
    out.push(row.id);
    row = c.next();
  }
  c.close();
  return out;
}

/**
 * Writes while it reads: inserts `ahead` (a key after every row) and deletes `gone` before opening the cursor (the
 * cursor sees both: read-your-writes), then, while reading, deletes every row it has not reached yet and inserts a
 * row after them (the cursor, a snapshot taken when it opened, sees neither). Records what it saw as "writes".
 */
@reducer
export function iter_while_writing(ctx: ReducerContext, ahead: u64, gone: u64): void {
  const a = new Item();
  a.id = ahead;
  a.value = ahead;
  ctx.tables.item.insert(a);
  ctx.tables.item.delete(gone);
  const c = ctx.tables.item.iter();
  let n: u64 = 0;
  let sum: u64 = 0;
  let row = c.next();
  while (row != null) {
    n++;
    sum += row.value;
    if (n == 1) {
      const rest = ctx.tables.item.scan(); // everything from here on is written after the cursor opened
      for (let i = 1; i < rest.length; i++) ctx.tables.item.delete(rest[i].id);
      const late = new Item();
      late.id = ahead + 1;
      late.value = 1_000_000;
      ctx.tables.item.insert(late);
    }
    row = c.next();
  }
  const s = new Seen();
  s.name = "writes";
  s.rows = n;
  s.sum = sum;
  ctx.tables.seen.insert(s);
}

/** Opens `n` cursors (closing each after one row when `close`); returns how many it opened. */
@query
export function open_cursors(ctx: QueryContext, n: u32, close: bool): Array<u64> {
  for (let i: u32 = 0; i < n; i++) {
    const c = ctx.tables.item.iter();
    c.next();
    if (close) c.close();
  }
  return [<u64>n];
}
