// The Interstice "agar-bot" module: a player of the agar game that no one has to steer. It joins the agar-server
// example node (src/bindings/node_agar_server_example.toml, written by `interstice bindings add node
// agar-server-example modules/agar-bot`), replicates the game's players and food, and ten times a second steers its
// cell as a person would: away from a bigger cell close by, else towards the nearest food; eaten, it joins again.
import { ReducerContext } from "@interstice/sdk";

@module({
  replicatedTables: ["agar-server-example.agar-server.player", "agar-server-example.agar-server.food"],
})
class AgarBot {}

/** How often the bot looks and steers (a person reacts in about a tenth of a second). */
const STEER_MS: u64 = 100;
/** A bigger cell closer than this (beyond both radii) is a danger. */
const DANGER: f32 = 250;

function name(ctx: ReducerContext): string {
  return "bot-" + ctx.currentNodeId().slice(0, 8);
}

@reducer({ on: "load" })
export function start(ctx: ReducerContext): void {
  let err = ctx.nodes.agar_server_example.agar_server.reducers.join(name(ctx));
  if (err != null) ctx.log("cannot join yet: " + err);
  ctx.schedule("steer", STEER_MS);
}

@reducer
export function steer(ctx: ReducerContext): void {
  ctx.schedule("steer", STEER_MS);
  // the full path, not an alias: the SDK declares the reducer's reads from what it names
  let me = ctx.nodes.agar_server_example.agar_server.tables.player.get(ctx.currentNodeId());
  if (me == null) {
    // not in the game: not joined yet, or eaten last tick (the death screen's "play again")
    let err = ctx.nodes.agar_server_example.agar_server.reducers.join(name(ctx));
    if (err != null) ctx.log("cannot join: " + err);
    return;
  }
  let dx: f32 = 0;
  let dy: f32 = 0;
  let nearest: f32 = f32.MAX_VALUE;
  let players = ctx.nodes.agar_server_example.agar_server.tables.player.scan();
  for (let i = 0; i < players.length; i++) {
    let p = players[i];
    if (p.id == me.id || p.radius <= me.radius * 1.1) continue;
    let ox = me.pos.x - p.pos.x;
    let oy = me.pos.y - p.pos.y;
    let gap = Mathf.sqrt(ox * ox + oy * oy) - p.radius - me.radius;
    if (gap < DANGER && gap < nearest) {
      nearest = gap;
      dx = ox;
      dy = oy;
    }
  }
  if (nearest == f32.MAX_VALUE) {
    let foods = ctx.nodes.agar_server_example.agar_server.tables.food.scan();
    for (let i = 0; i < foods.length; i++) {
      let fx = foods[i].pos.x - me.pos.x;
      let fy = foods[i].pos.y - me.pos.y;
      let d = fx * fx + fy * fy;
      if (d < nearest) {
        nearest = d;
        dx = fx;
        dy = fy;
      }
    }
  }
  let err = ctx.nodes.agar_server_example.agar_server.reducers.set_direction(dx, dy);
  if (err != null) ctx.log("cannot steer: " + err);
}
