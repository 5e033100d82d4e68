// The Interstice "benchmark-workload" module: the reducers and queries the load drivers call.
//
// Workloads (reducer names and argument shapes follow upstream's benchmark-workload module):
//   noop()                                                       an empty transaction
//   tx_{insert,update,mix}_{ephemeral,stateful,logged}(client_id, seq, payload_bytes, track_progress)
//   tx_delete_{ephemeral,stateful,logged}(client_id, seq, track_progress)
//   emit_event(client_id, seq, payload_bytes, track_progress)    one insert -> FANOUT subscriber transactions
//   start_tick(tick_ms) / stop_tick() / tick()                   a reducer that reschedules itself
//   seed_accounts(count, initial_balance) / transfer(from, to, amount)   the transfer workload
// Queries: health, stats(client_id), total_committed, fanout_seen, tick_count, account_count, total_balance.
//
// Counting commits: with track_progress = true every workload transaction adds 1 to its client's row in the
// progress table of the same persistence mode as the rows it writes (so an ephemeral workload never touches the
// disk). total_committed() sums the three progress tables: a driver compares its delta with the number of calls it
// saw acknowledged.

import { ReducerContext, QueryContext } from "@interstice/sdk";

@module({ visibility: "public" })
class BenchmarkWorkload {}

/** Rows per client and table: keys are `client_id:(seq % MAX_BENCH_ROWS)`, which bounds memory on long runs. */
const MAX_BENCH_ROWS: u64 = 100_000;
/** Number of reducers subscribed to benchevent inserts: one emit_event call runs 1 + FANOUT transactions. */
const FANOUT: u32 = 4;
/** At most this many accounts are inserted by one seed_accounts transaction. */
const SEED_CHUNK: u32 = 25_000;
const TICK_KEY = "scheduler";

// TYPES

@type
export class BenchStats {
  ephemeral_rows: u64 = 0;
  stateful_rows: u64 = 0;
  logged_rows: u64 = 0;
  progress_rows: u64 = 0;
  fanout_seen: u64 = 0;
  fanout_subscribers: u64 = 0;
  tick_enabled: bool = false;
  tick_interval_ms: u64 = 0;
  tick_count: u64 = 0;
  last_seq: u64 = 0;
  committed: u64 = 0;
}

// TABLES: the insert/update/delete workloads, one table per persistence mode

@table({ visibility: "public", persistence: "ephemeral" })
export class BenchEphemeral {
  @primaryKey
  key: string = "";
  client_id: string = "";
  seq: u64 = 0;
  payload: string = "";
  committed_ms: u64 = 0;
}

@table({ visibility: "public", persistence: "stateful" })
export class BenchStateful {
  @primaryKey
  key: string = "";
  client_id: string = "";
  seq: u64 = 0;
  payload: string = "";
  committed_ms: u64 = 0;
}

@table({ visibility: "public", persistence: "logged" })
export class BenchLogged {
  @primaryKey
  key: string = "";
  client_id: string = "";
  seq: u64 = 0;
  payload: string = "";
  committed_ms: u64 = 0;
}

// TABLES: committed-transaction counters, one row per client, one table per persistence mode

@table({ visibility: "public", persistence: "ephemeral" })
export class BenchProgressEphemeral {
  @primaryKey
  client_id: string = "";
  last_seq: u64 = 0;
  committed: u64 = 0;
  updated_ms: u64 = 0;
}

@table({ visibility: "public", persistence: "stateful" })
export class BenchProgressStateful {
  @primaryKey
  client_id: string = "";
  last_seq: u64 = 0;
  committed: u64 = 0;
  updated_ms: u64 = 0;
}

@table({ visibility: "public", persistence: "logged" })
export class BenchProgressLogged {
  @primaryKey
  client_id: string = "";
  last_seq: u64 = 0;
  committed: u64 = 0;
  updated_ms: u64 = 0;
}

// TABLES: event fan-out and scheduler pressure (in memory: they measure dispatch, not storage)

@table({ visibility: "public", persistence: "ephemeral" })
export class BenchEvent {
  @primaryKey({ autoInc: true })
  id: u64 = 0;
  client_id: string = "";
  seq: u64 = 0;
  payload: string = "";
}

@table({ visibility: "public", persistence: "ephemeral" })
export class BenchFanout {
  @primaryKey
  subscriber: u32 = 0;
  seen: u64 = 0;
  last_client_id: string = "";
  last_seq: u64 = 0;
}

@table({ visibility: "public", persistence: "ephemeral" })
export class BenchTickState {
  @primaryKey
  key: string = "";
  enabled: bool = false;
  /** True while a `tick` is scheduled: start_tick never starts a second chain. */
  pending: bool = false;
  tick_ms: u64 = 0;
  ticks: u64 = 0;
  last_tick_ms: u64 = 0;
}

// TABLES: the transfer workload

@table({ name: "accounts", visibility: "public", persistence: "logged" })
export class Account {
  @primaryKey
  id: u32 = 0;
  balance: i64 = 0;
}

// LIFECYCLE

@reducer({ on: "load" })
export function load(ctx: ReducerContext): void {
  ensureFanoutCounters(ctx);
  ensureTickState(ctx);
}

// REDUCERS: basic workloads

@reducer
export function noop(ctx: ReducerContext): void {}

/** Empties the insert/update/delete tables, the progress counters and the events; zeroes the fan-out and tick
 *  counters (and stops ticking). Accounts are kept. */
@reducer
export function reset(ctx: ReducerContext): void {
  ctx.tables.benchephemeral.clear();
  ctx.tables.benchstateful.clear();
  ctx.tables.benchlogged.clear();
  ctx.tables.benchprogressephemeral.clear();
  ctx.tables.benchprogressstateful.clear();
  ctx.tables.benchprogresslogged.clear();
  ctx.tables.benchevent.clear();
  for (let i: u32 = 0; i < FANOUT; i++) {
    const c = ctx.tables.benchfanout.get(i);
    if (c != null) {
      c.seen = 0;
      c.last_client_id = "";
      c.last_seq = 0;
      ctx.tables.benchfanout.update(c);
    }
  }
  ensureFanoutCounters(ctx);
  const t = ctx.tables.benchtickstate.get(TICK_KEY);
  if (t != null) {
    t.enabled = false;
    t.ticks = 0;
    ctx.tables.benchtickstate.update(t);
  }
  ensureTickState(ctx);
}

@reducer
export function tx_insert_ephemeral(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  insertEphemeral(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressEphemeral(ctx, client_id, seq);
}

@reducer
export function tx_insert_stateful(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  insertStateful(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressStateful(ctx, client_id, seq);
}

@reducer
export function tx_insert_logged(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  insertLogged(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressLogged(ctx, client_id, seq);
}

@reducer
export function tx_update_ephemeral(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  updateEphemeral(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressEphemeral(ctx, client_id, seq);
}

@reducer
export function tx_update_stateful(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  updateStateful(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressStateful(ctx, client_id, seq);
}

@reducer
export function tx_update_logged(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  updateLogged(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressLogged(ctx, client_id, seq);
}

@reducer
export function tx_delete_ephemeral(ctx: ReducerContext, client_id: string, seq: u64, track_progress: bool): void {
  ctx.tables.benchephemeral.tryDelete(rowKey(client_id, seq));
  if (track_progress) progressEphemeral(ctx, client_id, seq);
}

@reducer
export function tx_delete_stateful(ctx: ReducerContext, client_id: string, seq: u64, track_progress: bool): void {
  ctx.tables.benchstateful.tryDelete(rowKey(client_id, seq));
  if (track_progress) progressStateful(ctx, client_id, seq);
}

@reducer
export function tx_delete_logged(ctx: ReducerContext, client_id: string, seq: u64, track_progress: bool): void {
  ctx.tables.benchlogged.tryDelete(rowKey(client_id, seq));
  if (track_progress) progressLogged(ctx, client_id, seq);
}

/** seq % 10: 0 deletes, 1-3 update, 4-9 insert (as upstream). */
@reducer
export function tx_mix_ephemeral(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  const m = seq % 10;
  if (m == 0) ctx.tables.benchephemeral.tryDelete(rowKey(client_id, seq));
  else if (m <= 3) updateEphemeral(ctx, client_id, seq, payload_bytes);
  else insertEphemeral(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressEphemeral(ctx, client_id, seq);
}

@reducer
export function tx_mix_stateful(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  const m = seq % 10;
  if (m == 0) ctx.tables.benchstateful.tryDelete(rowKey(client_id, seq));
  else if (m <= 3) updateStateful(ctx, client_id, seq, payload_bytes);
  else insertStateful(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressStateful(ctx, client_id, seq);
}

@reducer
export function tx_mix_logged(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  const m = seq % 10;
  if (m == 0) ctx.tables.benchlogged.tryDelete(rowKey(client_id, seq));
  else if (m <= 3) updateLogged(ctx, client_id, seq, payload_bytes);
  else insertLogged(ctx, client_id, seq, payload_bytes);
  if (track_progress) progressLogged(ctx, client_id, seq);
}

// REDUCERS: event fan-out

/** Inserts one event; FANOUT subscribers then run, each as its own transaction (the last one deletes the event). */
@reducer
export function emit_event(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64, track_progress: bool): void {
  const ev = new BenchEvent();
  ev.client_id = client_id;
  ev.seq = seq;
  ev.payload = payload(payload_bytes);
  ctx.tables.benchevent.insert(ev);
  if (track_progress) progressEphemeral(ctx, client_id, seq);
}

@reducer({ on: "benchevent.insert" })
export function on_benchevent_insert_0(ctx: ReducerContext, ev: BenchEvent): void {
  countEvent(ctx, 0, ev);
}

@reducer({ on: "benchevent.insert" })
export function on_benchevent_insert_1(ctx: ReducerContext, ev: BenchEvent): void {
  countEvent(ctx, 1, ev);
}

@reducer({ on: "benchevent.insert" })
export function on_benchevent_insert_2(ctx: ReducerContext, ev: BenchEvent): void {
  countEvent(ctx, 2, ev);
}

@reducer({ on: "benchevent.insert" })
export function on_benchevent_insert_3(ctx: ReducerContext, ev: BenchEvent): void {
  countEvent(ctx, 3, ev);
  // The event has been seen by every subscriber: drop it so long runs do not accumulate rows.
  ctx.tables.benchevent.tryDelete(ev.id);
}

// REDUCERS: scheduler pressure

/** Starts the tick chain (tick reschedules itself every tick_ms; 0 = as fast as the scheduler goes). */
@reducer
export function start_tick(ctx: ReducerContext, tick_ms: u64): void {
  let s = ctx.tables.benchtickstate.get(TICK_KEY);
  if (s == null) {
    s = new BenchTickState();
    s.key = TICK_KEY;
    s.enabled = true;
    s.pending = true;
    s.tick_ms = tick_ms;
    s.last_tick_ms = ctx.timeNowMs();
    ctx.tables.benchtickstate.insert(s);
    ctx.schedule("tick", tick_ms);
    return;
  }
  const schedule = !s.pending;
  s.enabled = true;
  s.pending = true;
  s.tick_ms = tick_ms;
  s.last_tick_ms = ctx.timeNowMs();
  ctx.tables.benchtickstate.update(s);
  if (schedule) ctx.schedule("tick", tick_ms);
}

/** Stops ticking: the pending tick sees enabled = false and does not reschedule. */
@reducer
export function stop_tick(ctx: ReducerContext): void {
  const s = ctx.tables.benchtickstate.get(TICK_KEY);
  if (s == null || !s.enabled) return;
  s.enabled = false;
  ctx.tables.benchtickstate.update(s);
}

@reducer
export function tick(ctx: ReducerContext): void {
  const s = ctx.tables.benchtickstate.get(TICK_KEY);
  if (s == null) return; // state lost (restart): the chain ends
  if (!s.enabled) {
    s.pending = false;
    ctx.tables.benchtickstate.update(s);
    return;
  }
  s.ticks += 1;
  s.last_tick_ms = ctx.timeNowMs();
  ctx.tables.benchtickstate.update(s);
  ctx.schedule("tick", s.tick_ms);
}

// REDUCERS: transfer (accounts 0 .. count-1)

/**
 * Creates the accounts 0 .. count-1 that do not exist yet with initial_balance, at most SEED_CHUNK per call (call
 * until account_count() == count). Idempotent: existing accounts are left as they are. Accounts are always created
 * in id order, one chunk per transaction, so the existing ones are a prefix 0 .. k-1 (found by binary search).
 */
@reducer
export function seed_accounts(ctx: ReducerContext, count: u32, initial_balance: i64): void {
  const start = seededPrefix(ctx, count);
  let end = start + SEED_CHUNK;
  if (end > count || end < start) end = count;
  for (let id = start; id < end; id++) {
    const a = new Account();
    a.id = id;
    a.balance = initial_balance;
    ctx.tables.accounts.insert(a);
  }
}

/**
 * Moves amount from one account to the other. Refused (the call still succeeds, as an empty transaction that writes
 * nothing): from == to, amount <= 0, an unknown account, or a balance below amount. Balances never go negative and
 * the total never changes.
 */
@reducer
export function transfer(ctx: ReducerContext, from: u32, to: u32, amount: i64): void {
  if (from == to || amount <= 0) return;
  const src = ctx.tables.accounts.get(from);
  if (src == null || src.balance < amount) return;
  const dst = ctx.tables.accounts.get(to);
  if (dst == null) return;
  src.balance -= amount;
  dst.balance += amount;
  ctx.tables.accounts.update(src);
  ctx.tables.accounts.update(dst);
}

// QUERIES

@query
export function health(ctx: QueryContext): string {
  return "ok";
}

/** Row counts (these scan whole tables), fan-out and tick counters, and the progress of one client. */
@query
export function stats(ctx: QueryContext, client_id: string): BenchStats {
  const s = new BenchStats();
  s.ephemeral_rows = <u64>ctx.tables.benchephemeral.scan().length;
  s.stateful_rows = <u64>ctx.tables.benchstateful.scan().length;
  s.logged_rows = <u64>ctx.tables.benchlogged.scan().length;
  s.progress_rows = <u64>(ctx.tables.benchprogressephemeral.scan().length
    + ctx.tables.benchprogressstateful.scan().length
    + ctx.tables.benchprogresslogged.scan().length);
  s.fanout_seen = sumFanout(ctx);
  s.fanout_subscribers = <u64>FANOUT;
  const t = ctx.tables.benchtickstate.get(TICK_KEY);
  if (t != null) {
    s.tick_enabled = t.enabled;
    s.tick_interval_ms = t.tick_ms;
    s.tick_count = t.ticks;
  }
  const p1 = ctx.tables.benchprogressephemeral.get(client_id);
  if (p1 != null) { s.committed += p1.committed; if (p1.last_seq > s.last_seq) s.last_seq = p1.last_seq; }
  const p2 = ctx.tables.benchprogressstateful.get(client_id);
  if (p2 != null) { s.committed += p2.committed; if (p2.last_seq > s.last_seq) s.last_seq = p2.last_seq; }
  const p3 = ctx.tables.benchprogresslogged.get(client_id);
  if (p3 != null) { s.committed += p3.committed; if (p3.last_seq > s.last_seq) s.last_seq = p3.last_seq; }
  return s;
}

/** Workload transactions committed with track_progress = true, over all clients and persistence modes. */
@query
export function total_committed(ctx: QueryContext): u64 {
  let n: u64 = 0;
  const a = ctx.tables.benchprogressephemeral.scan();
  for (let i = 0; i < a.length; i++) n += a[i].committed;
  const b = ctx.tables.benchprogressstateful.scan();
  for (let i = 0; i < b.length; i++) n += b[i].committed;
  const c = ctx.tables.benchprogresslogged.scan();
  for (let i = 0; i < c.length; i++) n += c[i].committed;
  return n;
}

/** Subscriber transactions run for benchevent inserts (FANOUT per emit_event). */
@query
export function fanout_seen(ctx: QueryContext): u64 {
  return sumFanout(ctx);
}

@query
export function tick_count(ctx: QueryContext): u64 {
  const t = ctx.tables.benchtickstate.get(TICK_KEY);
  return t == null ? 0 : t.ticks;
}

/** Number of accounts (they are always ids 0 .. n-1). */
@query
export function account_count(ctx: QueryContext): u32 {
  // exponential then binary search for the first missing id
  let hi: u64 = 1;
  while (hi <= 0xFFFF_FFFF && ctx.tables.accounts.get(<u32>(hi - 1)) != null) hi <<= 1;
  let lo: u64 = hi >> 1;
  if (hi > 0x1_0000_0000) hi = 0x1_0000_0000;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (ctx.tables.accounts.get(<u32>mid) != null) lo = mid + 1;
    else hi = mid;
  }
  return <u32>lo;
}

/** The sum of all balances (scans every account): constant under transfer. */
@query
export function total_balance(ctx: QueryContext): i64 {
  const all = ctx.tables.accounts.scan();
  let total: i64 = 0;
  for (let i = 0; i < all.length; i++) total += all[i].balance;
  return total;
}

// HELPERS

function rowKey(client_id: string, seq: u64): string {
  return client_id + ":" + (seq % MAX_BENCH_ROWS).toString();
}

function payload(bytes: u64): string {
  return bytes == 0 ? "" : "x".repeat(<i32>bytes);
}

// Insert: if the key already exists (keys wrap after MAX_BENCH_ROWS per client), the row is overwritten instead,
// so every insert transaction writes exactly one row.

function insertEphemeral(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64): void {
  const r = new BenchEphemeral();
  r.key = rowKey(client_id, seq);
  r.client_id = client_id;
  r.seq = seq;
  r.payload = payload(payload_bytes);
  r.committed_ms = ctx.timeNowMs();
  if (!ctx.tables.benchephemeral.tryInsert(r).ok) ctx.tables.benchephemeral.update(r);
}

function insertStateful(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64): void {
  const r = new BenchStateful();
  r.key = rowKey(client_id, seq);
  r.client_id = client_id;
  r.seq = seq;
  r.payload = payload(payload_bytes);
  r.committed_ms = ctx.timeNowMs();
  if (!ctx.tables.benchstateful.tryInsert(r).ok) ctx.tables.benchstateful.update(r);
}

function insertLogged(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64): void {
  const r = new BenchLogged();
  r.key = rowKey(client_id, seq);
  r.client_id = client_id;
  r.seq = seq;
  r.payload = payload(payload_bytes);
  r.committed_ms = ctx.timeNowMs();
  if (!ctx.tables.benchlogged.tryInsert(r).ok) ctx.tables.benchlogged.update(r);
}

// Update: the row of (client_id, seq) if it exists, else it is inserted (as upstream).

function updateEphemeral(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64): void {
  const r = ctx.tables.benchephemeral.get(rowKey(client_id, seq));
  if (r == null) { insertEphemeral(ctx, client_id, seq, payload_bytes); return; }
  r.seq = seq;
  r.payload = payload(payload_bytes);
  r.committed_ms = ctx.timeNowMs();
  ctx.tables.benchephemeral.update(r);
}

function updateStateful(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64): void {
  const r = ctx.tables.benchstateful.get(rowKey(client_id, seq));
  if (r == null) { insertStateful(ctx, client_id, seq, payload_bytes); return; }
  r.seq = seq;
  r.payload = payload(payload_bytes);
  r.committed_ms = ctx.timeNowMs();
  ctx.tables.benchstateful.update(r);
}

function updateLogged(ctx: ReducerContext, client_id: string, seq: u64, payload_bytes: u64): void {
  const r = ctx.tables.benchlogged.get(rowKey(client_id, seq));
  if (r == null) { insertLogged(ctx, client_id, seq, payload_bytes); return; }
  r.seq = seq;
  r.payload = payload(payload_bytes);
  r.committed_ms = ctx.timeNowMs();
  ctx.tables.benchlogged.update(r);
}

function progressEphemeral(ctx: ReducerContext, client_id: string, seq: u64): void {
  const p = ctx.tables.benchprogressephemeral.get(client_id);
  if (p == null) {
    const n = new BenchProgressEphemeral();
    n.client_id = client_id;
    n.last_seq = seq;
    n.committed = 1;
    n.updated_ms = ctx.timeNowMs();
    ctx.tables.benchprogressephemeral.insert(n);
    return;
  }
  if (seq > p.last_seq) p.last_seq = seq;
  p.committed += 1;
  p.updated_ms = ctx.timeNowMs();
  ctx.tables.benchprogressephemeral.update(p);
}

function progressStateful(ctx: ReducerContext, client_id: string, seq: u64): void {
  const p = ctx.tables.benchprogressstateful.get(client_id);
  if (p == null) {
    const n = new BenchProgressStateful();
    n.client_id = client_id;
    n.last_seq = seq;
    n.committed = 1;
    n.updated_ms = ctx.timeNowMs();
    ctx.tables.benchprogressstateful.insert(n);
    return;
  }
  if (seq > p.last_seq) p.last_seq = seq;
  p.committed += 1;
  p.updated_ms = ctx.timeNowMs();
  ctx.tables.benchprogressstateful.update(p);
}

function progressLogged(ctx: ReducerContext, client_id: string, seq: u64): void {
  const p = ctx.tables.benchprogresslogged.get(client_id);
  if (p == null) {
    const n = new BenchProgressLogged();
    n.client_id = client_id;
    n.last_seq = seq;
    n.committed = 1;
    n.updated_ms = ctx.timeNowMs();
    ctx.tables.benchprogresslogged.insert(n);
    return;
  }
  if (seq > p.last_seq) p.last_seq = seq;
  p.committed += 1;
  p.updated_ms = ctx.timeNowMs();
  ctx.tables.benchprogresslogged.update(p);
}

function countEvent(ctx: ReducerContext, subscriber: u32, ev: BenchEvent): void {
  let c = ctx.tables.benchfanout.get(subscriber);
  if (c == null) {
    c = new BenchFanout();
    c.subscriber = subscriber;
    c.seen = 1;
    c.last_client_id = ev.client_id;
    c.last_seq = ev.seq;
    ctx.tables.benchfanout.insert(c);
    return;
  }
  c.seen += 1;
  c.last_client_id = ev.client_id;
  c.last_seq = ev.seq;
  ctx.tables.benchfanout.update(c);
}

function sumFanout(ctx: QueryContext): u64 {
  const rows = ctx.tables.benchfanout.scan();
  let n: u64 = 0;
  for (let i = 0; i < rows.length; i++) n += rows[i].seen;
  return n;
}

function ensureFanoutCounters(ctx: ReducerContext): void {
  for (let i: u32 = 0; i < FANOUT; i++) {
    if (ctx.tables.benchfanout.get(i) != null) continue;
    const c = new BenchFanout();
    c.subscriber = i;
    ctx.tables.benchfanout.insert(c);
  }
}

function ensureTickState(ctx: ReducerContext): void {
  if (ctx.tables.benchtickstate.get(TICK_KEY) != null) return;
  const s = new BenchTickState();
  s.key = TICK_KEY;
  ctx.tables.benchtickstate.insert(s);
}

/** Length of the existing prefix 0 .. k-1 of accounts, k <= limit (binary search on get). */
function seededPrefix(ctx: ReducerContext, limit: u32): u32 {
  let lo: u64 = 0;
  let hi: u64 = <u64>limit;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (ctx.tables.accounts.get(<u32>mid) != null) lo = mid + 1;
    else hi = mid;
  }
  return <u32>lo;
}
