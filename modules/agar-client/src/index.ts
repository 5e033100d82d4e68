// The Interstice "agar-client" module: the agar game's client. It replicates the agar-server example node's players,
// food and dead players (src/bindings/node_agar_server_example.toml, the same binding as agar-bot), reads the window's
// keyboard and mouse (Input) and draws each frame with ONE instanced draw call (Gpu): a lobby where you type your
// name, the world centred on your cell with a HUD, and a death screen. It holds no game rules: it only calls the
// server's join and set_direction; what happens in the world is what the replicated tables say.
import {
  ReducerContext,
  InputEvent,
  BindGroupEntry,
  BindGroupLayoutEntry,
  BindingType,
  BlendState,
  BufferUsage,
  ColorTargetState,
  FragmentState,
  RenderPassColorAttachment,
  RenderPipelineDescriptor,
  ShaderStage,
  VertexAttribute,
  VertexBufferLayout,
  VertexFormat,
  VertexState,
  VertexStepMode,
} from "@interstice/sdk";
import { MAX_INSTANCES, SHADER, STRIDE, Shapes } from "./shapes";
import { textWidth } from "./font";

@module({
  authorities: ["Gpu", "Input"],
  replicatedTables: [
    "agar-server-example.agar-server.player",
    "agar-server-example.agar-server.food",
    "agar-server-example.agar-server.deadplayer",
  ],
})
class AgarClient {}

const LOBBY = "Lobby";
const IN_GAME = "InGame";
const DEAD = "Dead";

/** The client's screen and input state, and its GPU objects; ephemeral: none of it outlives the node's process. */
@table({ name: "clientstate", visibility: "public", persistence: "ephemeral" })
export class ClientState {
  @primaryKey
  id: u32 = 0;

  /** Lobby, InGame or Dead. */
  state: string = LOBBY;
  /** The name as typed in the lobby. */
  name: string = "";
  zoom: f32 = 1;
  /** Your cell's radius while in the game; on the death screen, the last one seen (the final score). */
  score: f32 = 0;
  /** Where the camera was last (the death screen shows the world there). */
  camX: f32 = 0;
  camY: f32 = 0;
  /** The cursor in window pixels, from the mouse's motion; -1 until the first frame puts it at the centre. */
  cursorX: f32 = -1;
  cursorY: f32 = -1;
  /** The window's size at the last frame. */
  width: u32 = 0;
  height: u32 = 0;
  /** The steering keys held: KeyA, ArrowLeft, KeyD, ArrowRight, KeyW, ArrowUp, KeyS, ArrowDown (bits 0-7). */
  keys: u32 = 0;
  shift: bool = false;
  /** When join was last called, and whether your cell has appeared since. */
  joinedAtMs: u64 = 0;
  seenSelf: bool = false;
  lastSeenMs: u64 = 0;
  /** The direction last sent with set_direction, and when. */
  sentDx: f32 = 0;
  sentDy: f32 = 0;
  sentAtMs: u64 = 0;
  /** A line under the screen's text: why the game has not started yet. */
  status: string = "";
  pipeline: u32 = 0;
  instances: u32 = 0;
  uniform: u32 = 0;
  bindGroup: u32 = 0;
  frame: u64 = 0;
  /** Shapes the last frame drew, and those beyond the buffer's bound it left out. */
  drawn: u32 = 0;
  dropped: u32 = 0;
}

export const WORLD_SIZE: f32 = 2000;
const GRID: f32 = 100;
const MAX_NAME: i32 = 16;
/** Camera zoom by your radius, as upstream: 1 / (1 + r * ZOOM_SCALE), between MIN_ZOOM and 1, eased per frame. */
const ZOOM_SCALE: f32 = 0.012;
const MIN_ZOOM: f32 = 0.15;
const ZOOM_EASE: f32 = 0.06;
/** set_direction: at most one call per STEER_MS, and only for a noticeable change (or a refresh every REFRESH_MS). */
const STEER_MS: u64 = 50;
const STEER_CHANGE: f32 = 0.05;
const REFRESH_MS: u64 = 2000;
/** Without your cell this long after join, the server has not answered: join again. */
const JOIN_RETRY_MS: u64 = 2000;
/** Your cell gone this long (and no death seen): you were eaten while the death went by unseen. */
const GONE_MS: u64 = 1500;

const STEER_KEYS = ["KeyA", "ArrowLeft", "KeyD", "ArrowRight", "KeyW", "ArrowUp", "KeyS", "ArrowDown"];

/** One shared batch of shapes, rewritten every frame. */
const shapes = new Shapes();

function fail(ctx: ReducerContext, reason: string): void {
  ctx.log(reason);
  abort(reason);
}

function state(ctx: ReducerContext): ClientState {
  let s = ctx.tables.clientstate.get(0);
  return s == null ? new ClientState() : s;
}

/** Makes the pipeline, its instance and uniform buffers, each time the module is loaded. */
@reducer({ on: "load" })
export function load(ctx: ReducerContext): void {
  let gpu = ctx.gpu;
  let shader = gpu.createShaderModule(SHADER);
  if (!shader.ok) fail(ctx, shader.error);
  let layout = gpu.createBindGroupLayout([new BindGroupLayoutEntry(0, ShaderStage.VERTEX, BindingType.uniformBuffer())]).value;
  let uniform = gpu.createBuffer(16, BufferUsage.UNIFORM | BufferUsage.COPY_DST).value;
  let instances = gpu.createBuffer(<u64>MAX_INSTANCES * STRIDE, BufferUsage.VERTEX | BufferUsage.COPY_DST).value;
  let attributes = [
    new VertexAttribute(VertexFormat.Float32x4, 0, 0), // x, y, w, h
    new VertexAttribute(VertexFormat.Float32x4, 16, 1), // r, g, b, a
    new VertexAttribute(VertexFormat.Float32, 32, 2), // shape
  ];
  let vertex = new VertexState(shader.value, "vs_main", [new VertexBufferLayout(STRIDE, attributes, VertexStepMode.Instance)]);
  let desc = new RenderPipelineDescriptor(gpu.createPipelineLayout([layout]).value, vertex);
  let target = new ColorTargetState(gpu.getSurfaceFormat().value, BlendState.alphaBlending());
  desc.fragment = new FragmentState(shader.value, "fs_main", [target]);
  let pipeline = gpu.createRenderPipeline(desc);
  if (!pipeline.ok) fail(ctx, pipeline.error);
  let existing = ctx.tables.clientstate.get(0);
  let s = existing == null ? new ClientState() : existing;
  s.pipeline = pipeline.value;
  s.instances = instances;
  s.uniform = uniform;
  s.bindGroup = gpu.createBindGroup(layout, [BindGroupEntry.buffer(0, uniform)]).value;
  if (existing == null) ctx.tables.clientstate.insert(s);
  else ctx.tables.clientstate.update(s);
  ctx.log("agar-client ready: type your name and press Enter");
}

// ---------------------------------------------------------------------------------------------------------------
// Input

/** The character a key types in the lobby's name field ("" for none): letters, digits and space. */
function typed(code: string, shift: bool): string {
  if (code.length == 4 && code.startsWith("Key")) return shift ? code.charAt(3) : code.charAt(3).toLowerCase();
  if (code.length == 6 && code.startsWith("Digit")) return code.charAt(5);
  if (code.length == 7 && code.startsWith("Numpad") && code.charCodeAt(6) >= 48 && code.charCodeAt(6) <= 57) return code.charAt(6);
  if (code == "Space") return " ";
  return "";
}

function isEnter(code: string): bool {
  return code == "Enter" || code == "NumpadEnter";
}

/** Calls the server's join with the typed name (or "Player") and waits for your cell in the replica. */
function join(ctx: ReducerContext, s: ClientState): void {
  let name = s.name.trim();
  let err = ctx.nodes.agar_server_example.agar_server.reducers.join(name.length == 0 ? "Player" : name);
  s.state = IN_GAME;
  s.joinedAtMs = ctx.timeNowMs();
  s.seenSelf = false;
  s.zoom = 1;
  s.score = 0;
  // a new cell starts still
  s.sentDx = 0;
  s.sentDy = 0;
  s.sentAtMs = 0;
  s.status = err == null ? "joining..." : "server not reachable, retrying (" + err + ")";
}

@reducer({ on: "input" })
export function input(ctx: ReducerContext, e: InputEvent): void {
  let s = state(ctx);
  if (e.isMouseMotion) {
    s.cursorX = Mathf.max(0, Mathf.min(s.cursorX + <f32>e.deltaX, <f32>s.width));
    s.cursorY = Mathf.max(0, Mathf.min(s.cursorY + <f32>e.deltaY, <f32>s.height));
  } else if (e.kind == "WindowFocused" && !e.focused) {
    s.keys = 0;
    s.shift = false;
  } else if (e.isKey) {
    let code = e.keyCode;
    if (code == "ShiftLeft" || code == "ShiftRight") s.shift = e.pressed;
    let bit = STEER_KEYS.indexOf(code);
    if (bit >= 0) s.keys = e.pressed ? s.keys | (1 << bit) : s.keys & ~(1 << bit);
    if (e.pressed) {
      if (s.state == LOBBY) {
        if (isEnter(code)) join(ctx, s);
        else if (code == "Backspace") s.name = s.name.slice(0, max(0, s.name.length - 1));
        else {
          let c = typed(code, s.shift);
          if (c.length > 0 && s.name.length < MAX_NAME) s.name += c;
        }
      } else if (s.state == DEAD && isEnter(code)) join(ctx, s);
    }
  }
  ctx.tables.clientstate.update(s);
}

/** A death on the server: yours ends the game (the row lasts one server tick; its insert reaches us as an event). */
@reducer({ on: "agar-server-example.agar-server.deadplayer.insert" })
export function on_dead(ctx: ReducerContext, dead: bindings.agar_server_example.agar_server.DeadPlayer): void {
  if (dead.id != ctx.currentNodeId()) return;
  let s = state(ctx);
  if (s.state != IN_GAME) return;
  s.state = DEAD;
  s.status = "";
  ctx.tables.clientstate.update(s);
}

// ---------------------------------------------------------------------------------------------------------------
// The game: following your cell and steering it

/** Follows your cell in the replica: its radius is the score; no cell means not joined yet, or eaten unseen. */
function follow(ctx: ReducerContext, s: ClientState, now: u64): bool {
  let me = ctx.nodes.agar_server_example.agar_server.tables.player.get(ctx.currentNodeId());
  if (me != null) {
    s.seenSelf = true;
    s.lastSeenMs = now;
    s.score = me.radius;
    s.camX = me.pos.x;
    s.camY = me.pos.y;
    s.status = "";
    return true;
  }
  if (!s.seenSelf) {
    if (now - s.joinedAtMs >= JOIN_RETRY_MS) {
      // join is idempotent on the server: calls that waited for it to come up do no harm
      let name = s.name.trim();
      let err = ctx.nodes.agar_server_example.agar_server.reducers.join(name.length == 0 ? "Player" : name);
      s.joinedAtMs = now;
      s.status = "server not reachable, retrying" + (err == null ? "" : " (" + err + ")");
    }
  } else if (now - s.lastSeenMs >= GONE_MS) {
    s.state = DEAD;
  }
  return false;
}

/** The direction from the window's centre to the cursor, plus the steering keys held; (0, 0) near the centre. */
function steer(ctx: ReducerContext, s: ClientState, now: u64): void {
  let cx = <f32>s.width * 0.5;
  let cy = <f32>s.height * 0.5;
  let dx = s.cursorX - cx;
  let dy = s.cursorY - cy;
  if ((s.keys & 0b11) != 0) dx -= cx;
  if ((s.keys & 0b1100) != 0) dx += cx;
  if ((s.keys & 0b110000) != 0) dy -= cy;
  if ((s.keys & 0b11000000) != 0) dy += cy;
  let len = Mathf.sqrt(dx * dx + dy * dy);
  if (len < 8) {
    dx = 0;
    dy = 0;
  } else {
    dx /= len;
    dy /= len;
  }
  let elapsed = now - s.sentAtMs;
  let changed = Mathf.abs(dx - s.sentDx) + Mathf.abs(dy - s.sentDy) > STEER_CHANGE;
  if (elapsed < STEER_MS || (!changed && elapsed < REFRESH_MS)) return;
  let err = ctx.nodes.agar_server_example.agar_server.reducers.set_direction(dx, dy);
  if (err != null) {
    s.status = "cannot steer: " + err;
    return;
  }
  s.sentDx = dx;
  s.sentDy = dy;
  s.sentAtMs = now;
}

// ---------------------------------------------------------------------------------------------------------------
// Drawing

/** Window pixels per font pixel for body text: 2 in an 800x600 window. */
function uiScale(s: ClientState): f32 {
  return Mathf.max(1, Mathf.floor(<f32>min(s.width, s.height) / 240));
}

function centred(text: string, y: f32, scale: f32, w: f32, r: f32, g: f32, b: f32): void {
  shapes.text(text, (w - textWidth(text, scale)) * 0.5, y, scale, r, g, b);
}

function byRadius(a: bindings.agar_server_example.agar_server.Player, b: bindings.agar_server_example.agar_server.Player): i32 {
  return a.radius < b.radius ? -1 : a.radius > b.radius ? 1 : 0;
}

function shortName(name: string): string {
  return name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name;
}

/** The world around the camera: its area, grid and border, the food, then the cells, smallest first, and names. */
function drawWorld(ctx: ReducerContext, s: ClientState, camX: f32, camY: f32, zoom: f32): void {
  let w = <f32>s.width;
  let h = <f32>s.height;
  let ox = w * 0.5 - camX * zoom;
  let oy = h * 0.5 - camY * zoom;
  let left = Mathf.max(0, ox - WORLD_SIZE * zoom);
  let right = Mathf.min(w, ox + WORLD_SIZE * zoom);
  let top = Mathf.max(0, oy - WORLD_SIZE * zoom);
  let bottom = Mathf.min(h, oy + WORLD_SIZE * zoom);
  if (right > left && bottom > top) {
    shapes.rect(left, top, right - left, bottom - top, 0.1, 0.1, 0.14);
    let gx = Mathf.ceil((left - ox) / zoom / GRID) * GRID;
    for (; gx * zoom + ox <= right; gx += GRID) shapes.rect(gx * zoom + ox, top, 1, bottom - top, 0.18, 0.18, 0.24);
    let gy = Mathf.ceil((top - oy) / zoom / GRID) * GRID;
    for (; gy * zoom + oy <= bottom; gy += GRID) shapes.rect(left, gy * zoom + oy, right - left, 1, 0.18, 0.18, 0.24);
  }
  let x0 = ox - WORLD_SIZE * zoom;
  let y0 = oy - WORLD_SIZE * zoom;
  let side = WORLD_SIZE * zoom * 2;
  shapes.rect(x0 - 2, y0 - 2, side + 4, 2, 0.3, 0.3, 0.4);
  shapes.rect(x0 - 2, y0 + side, side + 4, 2, 0.3, 0.3, 0.4);
  shapes.rect(x0 - 2, y0, 2, side, 0.3, 0.3, 0.4);
  shapes.rect(x0 + side, y0, 2, side, 0.3, 0.3, 0.4);

  let foods = ctx.nodes.agar_server_example.agar_server.tables.food.scan();
  for (let i = 0; i < foods.length; i++) {
    let f = foods[i];
    let r = Mathf.max(1.5, f.radius * zoom);
    let x = f.pos.x * zoom + ox;
    let y = f.pos.y * zoom + oy;
    if (x + r < 0 || x - r > w || y + r < 0 || y - r > h) continue;
    shapes.circle(x, y, r, f.color.r, f.color.g, f.color.b);
  }

  let players = ctx.nodes.agar_server_example.agar_server.tables.player.scan();
  players.sort(byRadius);
  let myId = ctx.currentNodeId();
  let scale = uiScale(s);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < players.length; i++) {
      let p = players[i];
      let r = Mathf.max(2, p.radius * zoom);
      let x = p.pos.x * zoom + ox;
      let y = p.pos.y * zoom + oy;
      if (x + r < 0 || x - r > w || y + r + 20 < 0 || y - r > h) continue;
      let c = p.color;
      if (pass == 0) {
        // yours has a white outline; the others a darker edge of their colour
        if (p.id == myId) shapes.circle(x, y, r + 3, 0.97, 0.97, 0.97);
        else shapes.circle(x, y, r + 1.5, c.r * 0.6, c.g * 0.6, c.b * 0.6);
        shapes.circle(x, y, r, c.r, c.g, c.b);
      } else {
        // names over every cell (a second pass, so no cell covers a name)
        let name = shortName(p.name);
        shapes.text(name, x - textWidth(name, scale) * 0.5, y - r - 9 * scale, scale, 1, 1, 1, 0.9);
      }
    }
  }
}

/** Your score and the number of players (top left), and the five biggest cells (top right). */
function drawHud(ctx: ReducerContext, s: ClientState): void {
  let u = uiScale(s);
  let w = <f32>s.width;
  let players = ctx.nodes.agar_server_example.agar_server.tables.player.scan();
  players.sort(byRadius);
  let score = "SCORE: " + (<u32>s.score).toString();
  let count = "PLAYERS: " + players.length.toString();
  shapes.rect(8, 8, Mathf.max(textWidth(score, u * 1.5), textWidth(count, u)) + 8 * u, 22 * u, 0.07, 0.07, 0.1, 0.8);
  shapes.text(score, 8 + 4 * u, 8 + 3 * u, u * 1.5, 0.92, 0.92, 0.95);
  shapes.text(count, 8 + 4 * u, 8 + 15 * u, u, 0.7, 0.7, 0.8);

  let top = min(5, players.length);
  let lines = new Array<string>();
  let width = textWidth("LEADERBOARD", u);
  for (let i = 0; i < top; i++) {
    let p = players[players.length - 1 - i];
    let line = (i + 1).toString() + ". " + shortName(p.name) + " " + (<u32>p.radius).toString();
    lines.push(line);
    width = Mathf.max(width, textWidth(line, u));
  }
  let x = w - 8 - width - 8 * u;
  shapes.rect(x, 8, width + 8 * u, (12 + 10 * <f32>top) * u, 0.07, 0.07, 0.1, 0.8);
  shapes.text("LEADERBOARD", x + 4 * u, 8 + 3 * u, u, 0.7, 0.7, 0.8);
  let myId = ctx.currentNodeId();
  for (let i = 0; i < top; i++) {
    let mine = players[players.length - 1 - i].id == myId;
    shapes.text(lines[i], x + 4 * u, 8 + (13 + 10 * <f32>i) * u, u, mine ? 1 : 0.92, mine ? 0.85 : 0.92, mine ? 0.3 : 0.95);
  }
  if (s.status.length > 0) centred(s.status, <f32>s.height - 20 * u, u, w, 0.95, 0.75, 0.35);
}

function drawLobby(s: ClientState): void {
  let u = uiScale(s);
  let w = <f32>s.width;
  let h = <f32>s.height;
  shapes.rect(0, 0, w, h, 0, 0, 0, 0.55);
  centred("AGAR", h * 0.18, u * 5, w, 0.4, 0.9, 0.5);
  centred("TYPE YOUR NAME", h * 0.42, u, w, 0.92, 0.92, 0.95);
  let boxW = textWidth("MMMMMMMMMMMMMMMM_", u * 1.5) + 16 * u;
  shapes.rect((w - boxW) * 0.5, h * 0.42 + 12 * u, boxW, 18 * u, 0.14, 0.14, 0.18, 0.95);
  let cursor = (s.frame / 30) % 2 == 0 ? "_" : " ";
  centred(s.name + cursor, h * 0.42 + 16 * u, u * 1.5, w, 1, 1, 1);
  centred("PRESS ENTER TO PLAY", h * 0.42 + 40 * u, u, w, 0.5, 0.7, 1);
}

function drawDeath(s: ClientState): void {
  let u = uiScale(s);
  let w = <f32>s.width;
  let h = <f32>s.height;
  shapes.rect(0, 0, w, h, 0, 0, 0, 0.6);
  centred("YOU WERE EATEN!", h * 0.3, u * 2, w, 0.95, 0.4, 0.4);
  centred("FINAL SCORE: " + (<u32>s.score).toString(), h * 0.3 + 28 * u, u, w, 0.92, 0.92, 0.95);
  centred("PRESS ENTER TO PLAY AGAIN", h * 0.3 + 46 * u, u, w, 0.5, 0.7, 1);
}

/** One frame: follow and steer your cell, then every shape of the frame in one instanced draw call. */
@reducer({ on: "render" })
export function render(ctx: ReducerContext): void {
  let s = ctx.tables.clientstate.get(0);
  if (s == null) return; // not loaded yet
  let gpu = ctx.gpu;
  let err = gpu.beginFrame(); // first: the frame takes the window's current size
  if (err != null) fail(ctx, err);
  let size = gpu.getSurfaceSize().value;
  s.width = size.width;
  s.height = size.height;
  if (s.cursorX < 0) {
    s.cursorX = <f32>s.width * 0.5;
    s.cursorY = <f32>s.height * 0.5;
  }
  let now = ctx.timeNowMs();
  if (s.state == IN_GAME && follow(ctx, s, now)) {
    steer(ctx, s, now);
    let target = Mathf.min(1, Mathf.max(MIN_ZOOM, 1 / (1 + s.score * ZOOM_SCALE)));
    s.zoom += (target - s.zoom) * ZOOM_EASE;
  }

  shapes.reset();
  if (s.state == LOBBY) {
    // the whole world, live, behind the lobby
    drawWorld(ctx, s, 0, 0, (<f32>min(s.width, s.height) * 0.45) / WORLD_SIZE);
  } else drawWorld(ctx, s, s.camX, s.camY, s.zoom);
  shapes.limit = MAX_INSTANCES;
  if (s.state == LOBBY) drawLobby(s);
  else if (s.state == DEAD) drawDeath(s);
  else drawHud(ctx, s);

  let screen = new Float32Array(4);
  screen[0] = <f32>s.width;
  screen[1] = <f32>s.height;
  gpu.writeBuffer(s.uniform, 0, screen);
  if (shapes.count > 0) gpu.writeBuffer(s.instances, 0, shapes.used());
  let view = gpu.createTextureView(gpu.getCurrentSurfaceTexture().value).value;
  let encoder = gpu.createCommandEncoder().value;
  let pass = gpu.beginRenderPass(encoder, [new RenderPassColorAttachment(view).clear(0.05, 0.05, 0.08)]).value;
  if (shapes.count > 0) {
    gpu.setPipeline(pass, s.pipeline);
    gpu.setBindGroup(pass, 0, s.bindGroup);
    gpu.setVertexBuffer(pass, 0, s.instances);
    gpu.draw(pass, 6, shapes.count);
  }
  gpu.endRenderPass(pass);
  gpu.submit(encoder);
  err = gpu.present();
  gpu.destroyTextureView(view);
  if (err != null) fail(ctx, err);
  if (shapes.dropped > 0 && s.dropped == 0) ctx.log("more than " + MAX_INSTANCES.toString() + " shapes: the rest are not drawn");
  s.drawn = shapes.count;
  s.dropped = shapes.dropped;
  s.frame += 1;
  ctx.tables.clientstate.update(s);
}
