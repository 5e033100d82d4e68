// A frame's shapes, as the instances of ONE instanced draw call: each instance is a rectangle or a circle (x, y, w, h
// in window pixels from the top-left corner, r, g, b, a, shape), written to one vertex buffer per frame.
import { GLYPH_H, GLYPH_W, glyphOf, glyphRow } from "./font";

/** At most this many shapes a frame (the vertex buffer's size): 16,384 x 36 bytes = 576 KiB. */
export const MAX_INSTANCES: i32 = 16384;
/** Instances kept for the HUD and the screens' text: the world stops at MAX_INSTANCES - HUD_RESERVE. */
export const HUD_RESERVE: i32 = 2048;
export const FLOATS: i32 = 9;
export const STRIDE: u64 = 36;

export const RECT: f32 = 0;
export const CIRCLE: f32 = 1;

export class Shapes {
  data: Float32Array = new Float32Array(MAX_INSTANCES * FLOATS);
  count: i32 = 0;
  /** Shapes refused this frame (beyond `limit`): not drawn. */
  dropped: i32 = 0;
  /** The current cap: MAX_INSTANCES - HUD_RESERVE while drawing the world, then MAX_INSTANCES. */
  limit: i32 = MAX_INSTANCES - HUD_RESERVE;

  reset(): void {
    this.count = 0;
    this.dropped = 0;
    this.limit = MAX_INSTANCES - HUD_RESERVE;
  }

  push(
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    r: f32,
    g: f32,
    b: f32,
    a: f32,
    shape: f32,
  ): void {
    if (this.count >= this.limit) {
      this.dropped++;
      return;
    }
    let o = this.count * FLOATS;
    let d = this.data;
    d[o] = x;
    d[o + 1] = y;
    d[o + 2] = w;
    d[o + 3] = h;
    d[o + 4] = r;
    d[o + 5] = g;
    d[o + 6] = b;
    d[o + 7] = a;
    d[o + 8] = shape;
    this.count++;
  }

  rect(
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    r: f32,
    g: f32,
    b: f32,
    a: f32 = 1,
  ): void {
    this.push(x, y, w, h, r, g, b, a, RECT);
  }

  /** A disc of radius `radius` centred on (cx, cy); its edge is anti-aliased by the fragment shader. */
  circle(
    cx: f32,
    cy: f32,
    radius: f32,
    r: f32,
    g: f32,
    b: f32,
    a: f32 = 1,
  ): void {
    this.push(
      cx - radius,
      cy - radius,
      radius * 2,
      radius * 2,
      r,
      g,
      b,
      a,
      CIRCLE,
    );
  }

  /**
   * `text` with its top-left corner at (x, y), `scale` window pixels per font pixel: one rectangle per horizontal
   * run of lit pixels in a glyph row.
   */
  text(
    text: string,
    x: f32,
    y: f32,
    scale: f32,
    r: f32,
    g: f32,
    b: f32,
    a: f32 = 1,
  ): void {
    for (let i = 0; i < text.length; i++) {
      let glyph = glyphOf(text.charCodeAt(i));
      if (glyph < 0) continue;
      let gx = x + <f32>(i * (GLYPH_W + 1)) * scale;
      for (let row = 0; row < GLYPH_H; row++) {
        let bits = glyphRow(glyph, row);
        let col = 0;
        while (col < GLYPH_W) {
          if ((bits & (1 << (GLYPH_W - 1 - col))) == 0) {
            col++;
            continue;
          }
          let start = col;
          while (col < GLYPH_W && (bits & (1 << (GLYPH_W - 1 - col))) != 0)
            col++;
          this.rect(
            gx + <f32>start * scale,
            y + <f32>row * scale,
            <f32>(col - start) * scale,
            scale,
            r,
            g,
            b,
            a,
          );
        }
      }
    }
  }

  /** The bytes of this frame's instances (a view of the buffer, not a copy). */
  used(): Float32Array {
    return this.data.subarray(0, this.count * FLOATS);
  }
}

/**
 * The one pipeline's shader: a unit quad per instance stretched over its rectangle (a circle's grown by a pixel for
 * its soft edge); the fragment shader cuts a circle by its signed distance, anti-aliased over one pixel.
 */
export const SHADER = `
struct Screen { size: vec2f, pad: vec2f };
@group(0) @binding(0) var<uniform> screen: Screen;

struct VOut {
  @builtin(position) pos: vec4f,
  @location(0) color: vec4f,
  @location(1) local: vec2f,
  @location(2) shape: f32,
  @location(3) radius: f32,
};

@vertex fn vs_main(@builtin(vertex_index) v: u32, @location(0) rect: vec4f, @location(1) color: vec4f,
                   @location(2) shape: f32) -> VOut {
  var corner = array(vec2f(0.0, 0.0), vec2f(1.0, 0.0), vec2f(0.0, 1.0),
                     vec2f(0.0, 1.0), vec2f(1.0, 0.0), vec2f(1.0, 1.0));
  let grow = select(0.0, 1.0, shape > 0.5);
  let p = rect.xy - vec2f(grow) + corner[v] * (rect.zw + vec2f(2.0 * grow));
  var o: VOut;
  o.pos = vec4f(p.x / screen.size.x * 2.0 - 1.0, 1.0 - p.y / screen.size.y * 2.0, 0.0, 1.0);
  o.color = color;
  o.local = p - (rect.xy + rect.zw * 0.5);
  o.shape = shape;
  o.radius = min(rect.z, rect.w) * 0.5;
  return o;
}

@fragment fn fs_main(i: VOut) -> @location(0) vec4f {
  if (i.shape < 0.5) { return i.color; }
  let coverage = clamp(0.5 - (length(i.local) - i.radius), 0.0, 1.0);
  return vec4f(i.color.rgb, i.color.a * coverage);
}
`;
