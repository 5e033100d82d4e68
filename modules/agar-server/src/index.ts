// The Interstice "agar-server" example module: the server of the agar game, with upstream's tables, reducers and
// rules (schemas and behaviour match, so upstream's agar-client plays against it). Players steer their cell with
// set_direction; every 8 ms `tick` moves the cells (slower as they grow), lets them eat food and smaller cells, and
// records the eaten in `deadplayer` for one tick, so clients can show a death screen; an eaten player joins again.
import { ReducerContext } from "@interstice/sdk";

@module({ visibility: "public" })
class AgarServer {}

@type
export class Vec2 {
  x: f32 = 0;
  y: f32 = 0;
}

@type
export class Color {
  r: f32 = 0;
  g: f32 = 0;
  b: f32 = 0;
}

/** A player's cell, keyed by the player's node id. */
@table({ name: "player", visibility: "public", persistence: "stateful" })
export class Player {
  @primaryKey
  id: string = "";

  name: string = "";
  pos: Vec2 = new Vec2();
  dir: Vec2 = new Vec2();
  radius: f32 = 0;
  color: Color = new Color();
}

/** A player eaten during the last tick (cleared at the start of the next one). */
@table({ name: "deadplayer", visibility: "public", persistence: "stateful" })
export class DeadPlayer {
  @primaryKey
  id: string = "";
}

@table({ name: "food", visibility: "public", persistence: "stateful" })
export class Food {
  @primaryKey({ autoInc: true })
  id: u64 = 0;

  pos: Vec2 = new Vec2();
  radius: f32 = 0;
  color: Color = new Color();
}

export const WORLD_SIZE: f32 = 2000;
export const DT_MS: u64 = 8;
export const BASE_SPEED: f32 = 240;
export const START_RADIUS: f32 = 18;
export const FOOD_RADIUS: f32 = 6;
export const TARGET_FOOD: i32 = 180;

function color(r: f32, g: f32, b: f32): Color {
  let c = new Color();
  c.r = r;
  c.g = g;
  c.b = b;
  return c;
}

const PLAYER_COLORS: Color[] = [
  color(0.95, 0.35, 0.35), // red
  color(0.35, 0.75, 0.95), // sky blue
  color(0.4, 0.9, 0.5), // green
  color(0.95, 0.75, 0.25), // yellow
  color(0.8, 0.45, 0.95), // purple
  color(0.95, 0.55, 0.2), // orange
  color(0.3, 0.85, 0.85), // cyan
  color(0.95, 0.45, 0.75), // pink
];

const FOOD_COLORS: Color[] = [
  color(0.95, 0.35, 0.35),
  color(0.35, 0.9, 0.5),
  color(0.35, 0.7, 0.95),
  color(0.95, 0.8, 0.25),
  color(0.85, 0.45, 0.95),
  color(0.95, 0.55, 0.2),
];

/** A random position in the world, from the transaction's deterministic random numbers. */
function randPos(ctx: ReducerContext): Vec2 {
  let v = new Vec2();
  v.x = (<f32>(<f64>ctx.random() / <f64>u64.MAX_VALUE) * 2 - 1) * WORLD_SIZE;
  v.y = (<f32>(<f64>ctx.random() / <f64>u64.MAX_VALUE) * 2 - 1) * WORLD_SIZE;
  return v;
}

function spawnMissingFoods(ctx: ReducerContext): void {
  let count = ctx.tables.food.scan().length;
  while (count < TARGET_FOOD) {
    let f = new Food();
    f.pos = randPos(ctx);
    f.radius = FOOD_RADIUS;
    f.color = FOOD_COLORS[<i32>(ctx.random() % <u64>FOOD_COLORS.length)];
    ctx.tables.food.insert(f);
    count++;
  }
}

@reducer({ on: "load" })
export function init(ctx: ReducerContext): void {
  ctx.log("agar-server ready");
  spawnMissingFoods(ctx);
  ctx.schedule("tick", DT_MS);
}

/** Joins the game as the calling node (once: a second join while alive does nothing). */
@reducer
export function join(ctx: ReducerContext, name: string): void {
  if (ctx.tables.player.get(ctx.callerNodeId) != null) return;
  let p = new Player();
  p.id = ctx.callerNodeId;
  p.name = name;
  p.pos = randPos(ctx);
  p.radius = START_RADIUS;
  p.color = PLAYER_COLORS[ctx.tables.player.scan().length % PLAYER_COLORS.length];
  ctx.tables.player.insert(p);
}

/** Steers the caller's cell: the direction is normalised; (0, 0) stops it. */
@reducer
export function set_direction(ctx: ReducerContext, dx: f32, dy: f32): void {
  let p = ctx.tables.player.get(ctx.callerNodeId);
  if (p == null) return;
  let len = Mathf.sqrt(dx * dx + dy * dy);
  let d = new Vec2();
  if (len > 0.001) {
    d.x = dx / len;
    d.y = dy / len;
  }
  p.dir = d;
  ctx.tables.player.update(p);
}

/**
 * Puts a player's cell at (x, y) with `radius` (game masters, tests). Only the server's own node may: players steer.
 * Not in upstream's server; its clients never call it.
 */
@reducer
export function place(ctx: ReducerContext, id: string, x: f32, y: f32, radius: f32): void {
  if (ctx.callerNodeId != ctx.currentNodeId()) {
    ctx.log("place can only be called by the server itself");
    return;
  }
  let p = ctx.tables.player.get(id);
  if (p == null) return;
  let pos = new Vec2();
  pos.x = clamp(x);
  pos.y = clamp(y);
  p.pos = pos;
  p.radius = radius;
  ctx.tables.player.update(p);
}

function collides(a: Vec2, ar: f32, b: Vec2, br: f32): bool {
  let dx = a.x - b.x;
  let dy = a.y - b.y;
  let r = ar + br;
  return dx * dx + dy * dy <= r * r;
}

function growRadius(current: f32, addedArea: f32): f32 {
  let area = Mathf.PI * current * current + addedArea;
  return Mathf.sqrt(area / Mathf.PI);
}

function clamp(v: f32): f32 {
  return v < -WORLD_SIZE ? -WORLD_SIZE : v > WORLD_SIZE ? WORLD_SIZE : v;
}

const STRIP: f32 = 64;
const STRIPS: i32 = <i32>((WORLD_SIZE + WORLD_SIZE) / STRIP) + 1;

/** The players' indices by vertical strip of the world (by x), in scan order within each strip. */
class Strips {
  strips: Array<Array<i32>> = new Array<Array<i32>>(STRIPS);
  maxRadius: f32 = 0;

  constructor(players: Player[]) {
    for (let s = 0; s < STRIPS; s++) this.strips[s] = new Array<i32>();
    for (let i = 0; i < players.length; i++) {
      let p = players[i];
      this.strips[strip(p.pos.x)].push(i);
      if (p.radius > this.maxRadius) this.maxRadius = p.radius;
    }
  }

  grew(radius: f32): void {
    if (radius > this.maxRadius) this.maxRadius = radius;
  }

  /**
   * The lowest index of a player touching the circle (pos, radius), other than `self`, with a radius above `bigger`;
   * -1 if there is none. Only the strips within radius + the largest radius of x can hold one.
   */
  firstTouching(players: Player[], pos: Vec2, radius: f32, self: i32 = -1, bigger: f32 = -1): i32 {
    let reach = radius + this.maxRadius + 1; // + 1: a superset, whatever the rounding at a strip's edge
    let from = strip(pos.x - reach);
    let to = strip(pos.x + reach);
    let best = -1;
    for (let s = from; s <= to; s++) {
      let list = this.strips[s];
      for (let k = 0; k < list.length; k++) {
        let j = list[k];
        if (best >= 0 && j >= best) break; // in scan order: the rest of this strip comes later
        if (j == self) continue;
        let b = players[j];
        if (b.radius > bigger && collides(pos, radius, b.pos, b.radius)) best = j;
      }
    }
    return best;
  }
}

function strip(x: f32): i32 {
  let s = <i32>Mathf.floor((clamp(x) + WORLD_SIZE) / STRIP);
  return s < 0 ? 0 : s >= STRIPS ? STRIPS - 1 : s;
}

/** One step of the game: move, eat food, eat smaller cells, refill food; then again in 8 ms. */
@reducer
export function tick(ctx: ReducerContext): void {
  if (ctx.callerNodeId != ctx.currentNodeId()) {
    ctx.log("tick can only be called by the server itself");
    return;
  }
  let dead = ctx.tables.deadplayer.scan();
  for (let i = 0; i < dead.length; i++) ctx.tables.deadplayer.delete(dead[i].id);

  let dt = <f32>DT_MS / 1000;
  let players = ctx.tables.player.scan();
  for (let i = 0; i < players.length; i++) {
    let p = players[i];
    let speed = BASE_SPEED / (1 + p.radius * 0.03);
    p.pos.x = clamp(p.pos.x + p.dir.x * speed * dt);
    p.pos.y = clamp(p.pos.y + p.dir.y * speed * dt);
  }

  // Who eats what is decided in scan order, as upstream does: a food goes to the first player (in scan order) touching
  // it, a player to the first bigger one touching it. Checking every pair cost O(players^2) per tick (most of the
  // tick's time with hundreds of players); a grid of vertical strips finds the same first one among the only cells
  // that can touch (|dx| <= both radii), with the same result.
  let grid = new Strips(players);
  let foods = ctx.tables.food.scan();
  let eaten = new Array<u64>();
  for (let f = 0; f < foods.length; f++) {
    let food = foods[f];
    let i = grid.firstTouching(players, food.pos, food.radius);
    if (i < 0) continue;
    let p = players[i];
    p.radius = growRadius(p.radius, Mathf.PI * food.radius * food.radius);
    grid.grew(p.radius);
    eaten.push(food.id);
  }

  let deadIds = new Set<string>();
  for (let i = 0; i < players.length; i++) {
    let a = players[i];
    let j = grid.firstTouching(players, a.pos, a.radius, i, a.radius * 1.1);
    if (j < 0) continue;
    let b = players[j];
    b.radius = growRadius(b.radius, Mathf.PI * a.radius * a.radius);
    grid.grew(b.radius);
    deadIds.add(a.id);
  }

  for (let i = 0; i < players.length; i++) {
    let p = players[i];
    if (deadIds.has(p.id)) {
      ctx.tables.player.delete(p.id);
      let d = new DeadPlayer();
      d.id = p.id;
      ctx.tables.deadplayer.insert(d);
    } else {
      ctx.tables.player.update(p);
    }
  }
  for (let i = 0; i < eaten.length; i++) ctx.tables.food.delete(eaten[i]);
  spawnMissingFoods(ctx);
  ctx.schedule("tick", DT_MS);
}
