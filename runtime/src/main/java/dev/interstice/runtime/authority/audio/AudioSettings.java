package dev.interstice.runtime.authority.audio;

import java.nio.file.Path;

/**
 * Where the Audio authority's streams go. {@code outputFile}: output streams are written to this WAV file (the first
 * one; later ones to {@code <name>-<n>.wav} beside it) instead of a sound device; {@code inputFile}: input streams
 * read this WAV file instead of a capture device. {@code devices}: whether Java Sound's devices may be used at all
 * (off in tests, so a machine with a sound card behaves as one without). {@code silent}: Audio is offered with nothing
 * behind it (a replay's scratch node): output streams discard their frames, input streams never deliver, and the node
 * never asks a module for frames by itself.
 */
public record AudioSettings(Path outputFile, Path inputFile, boolean devices, AudioLimits limits, boolean silent) {

    public static AudioSettings defaults() {
        return new AudioSettings(null, null, true, AudioLimits.defaults(), false);
    }

    /** Audio offered with nothing behind it (see {@code silent}). */
    public static AudioSettings silentOnes() {
        return new AudioSettings(null, null, false, AudioLimits.defaults(), true);
    }

    public AudioSettings withOutputFile(Path f) {
        return new AudioSettings(f, inputFile, devices, limits, silent);
    }

    public AudioSettings withInputFile(Path f) {
        return new AudioSettings(outputFile, f, devices, limits, silent);
    }

    public AudioSettings withDevices(boolean d) {
        return new AudioSettings(outputFile, inputFile, d, limits, silent);
    }

    public AudioSettings withLimits(AudioLimits l) {
        return new AudioSettings(outputFile, inputFile, devices, l, silent);
    }

    /** Whether output can go anywhere: an output file, or a sound device Java Sound can open. */
    public boolean usable() {
        return silent || outputFile != null || devices && SoundDevices.outputAvailable();
    }

    /** Why Audio is not offered when it is not usable, in plain words. */
    public String whyUnusable() {
        return "no sound output device" + (devices ? "" : " in use") + " and no --audio-out file";
    }
}
