package dev.interstice.runtime.exec;

import dev.interstice.storage.TxOrigin;
import java.util.Set;

/**
 * The transactions the world outside the node starts: a frame's input, a frame's render, a file event, a socket's
 * result, a sound device's request or capture. A replay re-delivers them from their records (docs/operability.md,
 * *Replay and time travel*), so one that changed only unlogged (ephemeral) tables still leaves a record, without row
 * bytes: its origin, trace and inputs. Otherwise the replay would not run it again, and a later transaction reading
 * what it left in memory (a name typed key by key, then Enter) would run differently.
 */
public final class OutsideEvents {
    private OutsideEvents() {}

    /** The origin triggers of those transactions. */
    public static final Set<String> TRIGGERS =
            Set.of("input", "render", "file event", "network", "audio_output", "audio_input");

    public static boolean startedBy(TxOrigin origin) {
        return origin != null && TRIGGERS.contains(origin.trigger());
    }
}
