package dev.interstice.runtime.authority.input;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.InputEvents;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.storage.TxOrigin;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers input to the module holding the Input authority: each batch (one frame's events, in order) runs the
 * holder's {@code input} handlers once per event, all in ONE transaction, so a frame's input is applied whole or not
 * at all (its record's origin lists every event of the batch, so that a replay delivers the batch again). Events are
 * upstream's {@code InputEvent} values ({@code abi.codec.InputEvents}). Whoever owns the window
 * (the node's display, or an embedding application) calls {@link #deliver}.
 *
 * <p>Our extension variants (window resized, focused, close requested) reach a handler only when its module's schema
 * declares a type {@code InputEvent} listing that variant: upstream's SDK traps on a variant it does not know, which
 * would drop the whole frame's input.
 */
public final class InputAuthority {
    private static final Logger log = LoggerFactory.getLogger(InputAuthority.class);
    /** Events per transaction: a longer batch is delivered in several, in order (bounds one transaction's work). */
    public static final int MAX_EVENTS_PER_TRANSACTION = 256;

    private final Executor executor;

    public InputAuthority(Executor executor) {
        this.executor = executor;
    }

    /**
     * Delivers one frame's events to the Input holder; answers false when no loaded module holds Input and handles
     * {@code input} (the events are dropped). A failing handler drops its transaction's events (logged) and the next
     * transaction goes on.
     */
    public boolean deliver(List<IntersticeValue> events) {
        if (events.isEmpty()) return true;
        var handlers = executor.exclusive(() -> {
            var out = new ArrayList<Handler>();
            for (var m : executor.modules().all())
                if (m.schema().authorities().contains(Authority.INPUT))
                    for (var s : executor.modules().coreSubscribers(m, SubscriptionEvent.Simple.INPUT))
                        out.add(new Handler(s, extensionsDeclared(m.schema())));
            return out;
        });
        if (handlers.isEmpty()) return false;
        var ctx = CallContext.runtime(executor.services().nodeId());
        for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_TRANSACTION) {
            var jobs = new ArrayList<Executor.Job>();
            var batch = events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_TRANSACTION));
            for (IntersticeValue e : batch)
                for (var h : handlers)
                    if (h.accepts(e))
                        jobs.add(new Executor.Job(h.sub().module(), h.sub().reducer(), List.of(e), ctx, "input"));
            try {
                executor.runHooks(jobs, List.of(), origin(jobs, batch), () -> {});
            } catch (CallException | IllegalStateException e) {
                log.warn("input of one frame dropped: {}", e.getMessage());
            }
        }
        return true;
    }

    /**
     * The record's origin of a transaction of several handler calls: the first call's handler with every event of the
     * batch as its arguments, so that a replay delivers the whole batch again ({@link #deliver} on its scratch node);
     * null (the first call, as any transaction) for one call.
     */
    private static TxOrigin origin(List<Executor.Job> jobs, List<IntersticeValue> batch) {
        if (jobs.size() < 2) return null;
        Executor.Job first = jobs.getFirst();
        return new TxOrigin(
                first.module(),
                first.reducer(),
                first.why(),
                "", // this node: the runtime delivers input
                first.caller().callerModuleName(),
                Abi.encodeValue(new IntersticeValue.Vec(List.copyOf(batch))));
    }

    /** The extension variants a module's schema declares it decodes (its type {@code InputEvent} lists them). */
    static Set<String> extensionsDeclared(ModuleSchema schema) {
        if (!(schema.typeDefinitions().get("InputEvent") instanceof TypeDef.Enum e)) return Set.of();
        return e.variants().stream()
                .map(FieldDef::name)
                .filter(InputEvents.EXTENSION_VARIANTS::contains)
                .collect(Collectors.toUnmodifiableSet());
    }

    private record Handler(ModuleRegistry.Subscriber sub, Set<String> extensions) {
        boolean accepts(IntersticeValue event) {
            String v = InputEvents.variant(event);
            return !InputEvents.EXTENSION_VARIANTS.contains(v) || extensions.contains(v);
        }
    }
}
