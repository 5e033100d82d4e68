// The Interstice "audio" example module: a 440 Hz sine at 48 kHz, stereo, in buffers of 480 frames (10 ms), through
// the Audio authority. The node asks for the next buffer through `audio_output`; the position in the wave is kept in
// an ephemeral table row, so the tone runs on without a break from one buffer to the next, and the samples are the
// same on every run (a function of the frame number only).
import { ReducerContext, QueryContext, AudioStreamConfig } from "@interstice/sdk";

@module({ authorities: ["Audio"] })
class AudioExample {}

const SAMPLE_RATE: u32 = 48_000;
const CHANNELS: u16 = 2;
const FRAMES_PER_BUFFER: u32 = 480;
const FREQUENCY: f64 = 440;
const VOLUME: f64 = 0.2;
/** The wave repeats every 1200 frames (48000 / gcd(440, 48000)): the frame number is kept modulo that. */
const PERIOD_FRAMES: u64 = 1200;

@table({ persistence: "ephemeral" })
export class Tone {
  @primaryKey
  id: u32 = 0;
  /** The output stream (0: none could be opened). */
  stream: u64 = 0;
  /** The next frame's number, modulo PERIOD_FRAMES. */
  frame: u64 = 0;
  /** Buffers written since the module loaded. */
  buffers: u64 = 0;
}

@reducer({ on: "load" })
export function load(ctx: ReducerContext): void {
  const opened = ctx.audio.openOutputStream(new AudioStreamConfig(SAMPLE_RATE, CHANNELS, FRAMES_PER_BUFFER));
  const tone = new Tone();
  if (opened.ok) {
    tone.stream = opened.value;
    ctx.log(`playing 440 Hz on audio stream ${tone.stream}`);
  } else ctx.log(`no audio output: ${opened.error}`);
  if (ctx.tables.tone.get(0) == null) ctx.tables.tone.insert(tone);
  else ctx.tables.tone.update(tone);
}

@reducer({ on: "audio_output" })
export function next_buffer(ctx: ReducerContext): void {
  const tone = ctx.tables.tone.get(0);
  if (tone == null || tone.stream == 0) return;
  const left = new Float32Array(FRAMES_PER_BUFFER);
  const right = new Float32Array(FRAMES_PER_BUFFER);
  for (let i: u32 = 0; i < FRAMES_PER_BUFFER; i++) {
    const n = (tone.frame + <u64>i) % PERIOD_FRAMES;
    const s = <f32>(Math.sin((2 * Math.PI * FREQUENCY * <f64>n) / <f64>SAMPLE_RATE) * VOLUME);
    left[i] = s;
    right[i] = s;
  }
  const err = ctx.audio.writeFramesF32Planar(tone.stream, FRAMES_PER_BUFFER, CHANNELS, [left, right]);
  if (err != null) {
    ctx.log(`audio write refused: ${err}`);
    return;
  }
  tone.frame = (tone.frame + <u64>FRAMES_PER_BUFFER) % PERIOD_FRAMES;
  tone.buffers += 1;
  ctx.tables.tone.update(tone);
}

/** Stops the tone (the frames already queued still play). */
@reducer
export function stop(ctx: ReducerContext): void {
  const tone = ctx.tables.tone.get(0);
  if (tone == null || tone.stream == 0) return;
  const err = ctx.audio.closeStream(tone.stream);
  if (err != null) ctx.log(`cannot stop: ${err}`);
  tone.stream = 0;
  ctx.tables.tone.update(tone);
}

/** The tone's state: its stream and how many buffers it wrote. */
@query
export function state(ctx: QueryContext): Array<Tone> {
  return ctx.tables.tone.scan();
}
