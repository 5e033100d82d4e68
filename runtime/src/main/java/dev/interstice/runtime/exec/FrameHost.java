package dev.interstice.runtime.exec;

import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.HostFunctions;

/**
 * The host functions of one guest instance as the executor drives them: it enters a frame before calling the guest
 * (the imports then act on that frame's transaction) and leaves it after. Implemented by {@code host.GuestHost};
 * this interface keeps {@code exec} independent of {@code host}.
 */
public interface FrameHost extends HostFunctions {
    /** The frame the imports act on now, or null between calls. */
    Frame frame();

    void enter(Frame f);

    /** Restores {@code previous} (the frame of an outer call on the same instance, or null). */
    void leave(Frame previous);

    /** A guest buffer of at least {@code len} bytes owned by the host, reused across calls. */
    int scratch(GuestInstance g, int len);
}
