// The Audio authority (ABI 6 AudioCall): `ctx.audio` in a module that declares `@module({ authorities: ["Audio"] })`.
// Streams open at once (a refusal is answered at the call); the frames a write queues and a close take effect once
// the calling transaction has committed. The node asks for frames through `@reducer({ on: "audio_output" })` (no
// arguments: write one buffer to each output stream) and delivers captured buffers to
// `@reducer({ on: "audio_input" })` as (streamId: u64, data: Array<Array<f32>>), one array per channel.

import { W, hostCall, endHostCall, HostCallTag } from "./host";
import { Result, okResult, errResult } from "./types";

const enum AudioCallTag {
  OpenOutputStream = 0,
  OpenInputStream = 1,
  CloseStream = 2,
  WriteFramesF32Planar = 3,
}

/** AudioResponse discriminants. */
const enum AudioAnswer {
  Ok = 0,
  StreamOpened = 1,
  Err = 2,
}

/** A stream's shape (upstream AudioStreamConfig): every write carries exactly `framesPerBuffer` frames. */
export class AudioStreamConfig {
  constructor(
    public sampleRate: u32,
    public channels: u16,
    public framesPerBuffer: u32,
  ) {}
}

function begin(tag: AudioCallTag): void {
  W.reset();
  W.tag(HostCallTag.Audio);
  W.tag(tag);
}

function openCall(tag: AudioCallTag, config: AudioStreamConfig): Result<u64> {
  begin(tag);
  W.varint32(config.sampleRate);
  W.varint32(<u32>config.channels);
  W.varint32(config.framesPerBuffer);
  let r = hostCall();
  let t = r.tag();
  let out =
    t == AudioAnswer.StreamOpened
      ? okResult<u64>(r.u64())
      : errResult<u64>(t == AudioAnswer.Err ? r.str() : "unexpected audio answer " + t.toString());
  endHostCall();
  return out;
}

/** Sends the call in W; null on Ok, else the message. */
function unitCall(): string | null {
  let r = hostCall();
  let t = r.tag();
  let err: string | null = null;
  if (t != AudioAnswer.Ok) err = t == AudioAnswer.Err ? r.str() : "unexpected audio answer " + t.toString();
  endHostCall();
  return err;
}

/** The Audio authority's calls. Stream ids are numbers the node allocates. */
export class Audio {
  /** Opens an output stream (the node's sound device, or its output WAV file). */
  openOutputStream(config: AudioStreamConfig): Result<u64> {
    return openCall(AudioCallTag.OpenOutputStream, config);
  }

  /** Opens an input stream; its buffers arrive at the module's `audio_input` handler. */
  openInputStream(config: AudioStreamConfig): Result<u64> {
    return openCall(AudioCallTag.OpenInputStream, config);
  }

  /** Closes a stream (what it queued still plays). Null on success, else why. */
  closeStream(streamId: u64): string | null {
    begin(AudioCallTag.CloseStream);
    W.u64(streamId);
    return unitCall();
  }

  /**
   * Queues one buffer on output stream `streamId`: `data` holds one array per channel, each of `frames` samples in
   * [-1, 1] (`frames` is the stream's framesPerBuffer). Null on success, else why (e.g. the stream is full).
   */
  writeFramesF32Planar(streamId: u64, frames: u32, channels: u16, data: Array<Float32Array>): string | null {
    begin(AudioCallTag.WriteFramesF32Planar);
    W.u64(streamId);
    W.varint32(frames);
    W.varint32(<u32>channels);
    W.varint32(<u32>data.length);
    for (let c = 0; c < data.length; c++) {
      let ch = data[c];
      W.varint32(<u32>ch.length);
      W.bytes(ch.dataStart, <usize>ch.length << 2); // f32 little endian, as postcard writes them
    }
    return unitCall();
  }
}

export const AUDIO = new Audio();
