package dev.interstice.runtime.authority.window;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Executor;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gpu holder's {@code render} handlers, run once a frame as ONE transaction (upstream calls its render reducer
 * with no arguments). A failing render drops its frame's writes and is logged at most once a second; the next frame
 * runs.
 */
public final class RenderSubscription {
    private static final Logger log = LoggerFactory.getLogger(RenderSubscription.class);
    private static final long LOG_EVERY_NANOS = 1_000_000_000L;

    private final Executor executor;
    private long lastLogged;
    private long failedSinceLog;

    public RenderSubscription(Executor executor) {
        this.executor = executor;
    }

    /** The render jobs of the loaded Gpu holder, empty when none is loaded or it has no {@code render} handler. */
    List<Executor.Job> jobs() {
        var ctx = CallContext.runtime(executor.services().nodeId());
        return executor.exclusive(() -> {
            var out = new ArrayList<Executor.Job>();
            for (var m : executor.modules().all())
                if (m.schema().authorities().contains(Authority.GPU))
                    for (var s : executor.modules().coreSubscribers(m, SubscriptionEvent.Simple.RENDER))
                        out.add(new Executor.Job(s.module(), s.reducer(), List.of(), ctx, "render"));
            return out;
        });
    }

    /**
     * Runs one frame as the window does, its failure thrown: a replay's scratch node (no window) re-runs a logged frame
     * this way, every render handler of the Gpu holder in one transaction.
     */
    public void runFrame() {
        executor.runHooks(jobs(), () -> {});
    }

    /** Runs the jobs as one transaction; answers whether it committed. */
    boolean run(List<Executor.Job> jobs) {
        try {
            executor.runHooks(jobs, () -> {});
            return true;
        } catch (CallException | IllegalStateException e) {
            failedSinceLog++;
            long now = System.nanoTime();
            if (now - lastLogged >= LOG_EVERY_NANOS) {
                log.warn("render failed ({} frame(s) since the last report): {}", failedSinceLog, e.getMessage());
                lastLogged = now;
                failedSinceLog = 0;
            }
            return false;
        }
    }
}
