// The Interstice "tictactoe" example: a small game that travels in time (docs/time-travel.md).
//
// - `play(cell)` makes a move on the main timeline and records the transaction that made it;
// - `preview(cell)` forks a branch from now, plays the move there, keeps what it would lead to, and discards the
//   branch: the match itself is untouched;
// - `try_line(name, cells)` plays a line of moves in a branch kept under `name`; `merge_line(name)` plays them again
//   on the main timeline (once this transaction commits), `drop_line(name)` forgets them;
// - `rewind(moves)` puts the match back as it was after move `moves`, read from the past (`iterAsOf`).

import { ReducerContext, QueryContext, Value } from "@interstice/sdk";

@module({ visibility: "public" })
class TicTacToe {}

/** The board: one row per marked cell (0..8); mark 1 is X, 2 is O. */
@table({ visibility: "public" })
export class Cell {
  @primaryKey
  cell: u8 = 0;
  mark: u8 = 0;
}

/** The match: whose turn it is, how many moves were made, the winner (0: none yet, 3: a draw). */
@table({ visibility: "public" })
export class Game {
  @primaryKey
  id: u8 = 0;
  turn: u8 = 1;
  moves: u32 = 0;
  winner: u8 = 0;
}

/** Every move and the transaction that made it: the match after move n is the state as of that transaction. */
@table({ visibility: "public" })
export class Move {
  @primaryKey
  n: u32 = 0;
  cell: u8 = 0;
  tx: u64 = 0;
}

/** What a previewed move would lead to, worked out in a branch. */
@table({ visibility: "public" })
export class Preview {
  @primaryKey
  cell: u8 = 0;
  winner: u8 = 0;
  moves: u32 = 0;
}

/** The outcome of the last merge of a line, as the node reported it. */
@table({ visibility: "public" })
export class Merged {
  @primaryKey
  branch: string = "";
  applied: u32 = 0;
  failed: u32 = 0;
  first_error: string = "";
}

const LINES: StaticArray<u8> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 3, 6, 1, 4, 7, 2, 5, 8, 0, 4, 8, 2, 4, 6];

function winnerOf(board: StaticArray<u8>, moves: u32): u8 {
  for (let i = 0; i < 24; i += 3) {
    const a = board[LINES[i]];
    if (a != 0 && a == board[LINES[i + 1]] && a == board[LINES[i + 2]]) return a;
  }
  return moves == 9 ? 3 : 0;
}

@reducer
export function play(ctx: ReducerContext, cell: u8): void {
  playOn(ctx, cell);
}

/**
 * Plays `cell` in branch `name` (a line that follows the match), then on the match: a move the match refuses is
 * undone in the branch too, as the whole transaction fails.
 */
@reducer
export function play_and_follow(ctx: ReducerContext, name: string, cell: u8): void {
  const err = ctx.history.call(name, "play", [Value.u8(cell)]);
  if (err != null) abort(err);
  playOn(ctx, cell);
}

function playOn(ctx: ReducerContext, cell: u8): void {
  if (cell > 8) abort("cell " + cell.toString() + " is not on the board (0 to 8)");
  let game = ctx.tables.game.get(0);
  if (game == null) game = ctx.tables.game.insert(new Game());
  if (game.winner != 0) abort("the match is over");
  if (ctx.tables.cell.get(cell) != null) abort("cell " + cell.toString() + " is taken");
  const c = new Cell();
  c.cell = cell;
  c.mark = game.turn;
  ctx.tables.cell.insert(c);
  game.moves += 1;
  const board = new StaticArray<u8>(9);
  const it = ctx.tables.cell.iter();
  for (let r = it.next(); r != null; r = it.next()) board[r.cell] = r.mark;
  game.winner = winnerOf(board, game.moves);
  game.turn = 3 - game.turn;
  ctx.tables.game.update(game);
  const m = new Move();
  m.n = game.moves;
  m.cell = cell;
  m.tx = ctx.history.currentTx();
  ctx.tables.move.insert(m);
}

/** Plays `cell` in a branch of the match as it is now, keeps where it leads, and discards the branch. */
@reducer
export function preview(ctx: ReducerContext, cell: u8): void {
  ctx.history.forkNow("preview").value;
  const err = ctx.history.call("preview", "play", [Value.u8(cell)]);
  if (err != null) abort(err); // the fork is undone with this transaction
  const it = ctx.tables.game.iterInBranch("preview");
  const g = it.next();
  it.close();
  const p = new Preview();
  p.cell = cell;
  if (g != null) {
    p.winner = g.winner;
    p.moves = g.moves;
  }
  if (ctx.tables.preview.get(cell) != null) ctx.tables.preview.update(p);
  else ctx.tables.preview.insert(p);
  const d = ctx.history.discard("preview");
  if (d != null) abort(d);
}

/** Plays `cells` in a new branch `name` forked from now; the match itself is untouched. */
@reducer
export function try_line(ctx: ReducerContext, name: string, cells: Array<u8>): void {
  ctx.history.forkNow(name).value;
  for (let i = 0; i < cells.length; i++) {
    const err = ctx.history.call(name, "play", [Value.u8(cells[i])]);
    if (err != null) abort(err);
  }
}

/** Plays one more move in branch `name`. */
@reducer
export function extend_line(ctx: ReducerContext, name: string, cell: u8): void {
  const err = ctx.history.call(name, "play", [Value.u8(cell)]);
  if (err != null) abort(err);
}

/** Plays branch `name`'s moves again on the match once this transaction commits (see `note_merge`). */
@reducer
export function merge_line(ctx: ReducerContext, name: string): void {
  ctx.history.merge(name).value;
}

@reducer
export function drop_line(ctx: ReducerContext, name: string): void {
  const err = ctx.history.discard(name);
  if (err != null) abort(err);
}

/** Keeps what the node reported of the last merge in `merged`. */
@reducer
export function note_merge(ctx: ReducerContext): void {
  const r = ctx.history.lastMerge();
  if (r == null) return;
  const m = new Merged();
  m.branch = r.branch;
  m.applied = <u32>r.applied.length;
  m.failed = <u32>r.failed.length;
  if (r.failed.length > 0) m.first_error = r.failed[0].error;
  if (ctx.tables.merged.get(m.branch) != null) ctx.tables.merged.update(m);
  else ctx.tables.merged.insert(m);
}

/** Puts the match back as it was after move `moves` (0: the empty board), read as of that move's transaction. */
@reducer
export function rewind(ctx: ReducerContext, moves: u32): void {
  const game = ctx.tables.game.get(0);
  if (game == null || moves >= game.moves) return;
  let tx: u64;
  if (moves == 0) {
    const first = ctx.tables.move.get(1);
    if (first == null) return;
    tx = first.tx - 1;
  } else {
    const m = ctx.tables.move.get(moves);
    if (m == null) abort("move " + moves.toString() + " is not recorded");
    tx = m!.tx;
  }
  ctx.tables.cell.clear();
  const cells = ctx.tables.cell.iterAsOf(tx);
  for (let c = cells.next(); c != null; c = cells.next()) ctx.tables.cell.insert(c);
  const games = ctx.tables.game.iterAsOf(tx);
  const then = games.next();
  games.close();
  ctx.tables.game.update(then != null ? then : new Game());
  for (let n = moves + 1; n <= game.moves; n++) ctx.tables.move.delete(n);
}

function board(it: __InterCursor_cell): Array<u8> {
  const out = new Array<u8>(9);
  for (let c = it.next(); c != null; c = it.next()) out[c.cell] = c.mark;
  return out;
}

/** The board (9 marks) in branch `name`. */
@query
export function board_in(ctx: QueryContext, name: string): Array<u8> {
  return board(ctx.tables.cell.iterInBranch(name));
}

/** The board (9 marks) as of transaction `tx`. */
@query
export function board_at(ctx: QueryContext, tx: u64): Array<u8> {
  return board(ctx.tables.cell.iterAsOf(tx));
}
