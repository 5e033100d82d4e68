package dev.interstice.runtime.node;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands publish and remove requests made from outside the node to the module holding the Module authority, as
 * {@code ModuleEvent}s to its {@code module_load}/{@code module_remove} handlers ({@link Node#handLoadToHolder}).
 */
final class ModuleHandover {
    /** Logs as the node: what operators read and filter on. */
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final String nodeId;
    private final Executor executor;
    private final ModuleRegistry registry;
    private final Authorities authorities;
    private final ModuleLifecycle lifecycle;

    ModuleHandover(
            String nodeId,
            Executor executor,
            ModuleRegistry registry,
            Authorities authorities,
            ModuleLifecycle lifecycle) {
        this.nodeId = nodeId;
        this.executor = executor;
        this.registry = registry;
        this.authorities = authorities;
        this.lifecycle = lifecycle;
    }

    /** {@link Node#handLoadToHolder}. */
    Optional<Node.Handover> load(String requester, String label, byte[] wasm, boolean admin) {
        Optional<String> holder = authorities.holder(Authority.MODULE);
        if (holder.isEmpty()) {
            if (admin) return Optional.empty();
            throw noHolder("load");
        }
        String name = lifecycle.compile(label, wasm).name();
        if (admin && name.equals(holder.get())) return Optional.empty();
        deliver(
                holder.get(),
                SubscriptionEvent.Simple.MODULE_LOAD,
                AuthorityCodec.loadRequest(requester, name, wasm),
                requester);
        return Optional.of(new Node.Handover(name, holder.get()));
    }

    /** {@link Node#handRemoveToHolder}. */
    Optional<Node.Handover> remove(String requester, String module, boolean admin) {
        Optional<String> holder = authorities.holder(Authority.MODULE);
        if (holder.isEmpty()) {
            if (admin) return Optional.empty();
            throw noHolder("remove");
        }
        if (admin && module.equals(holder.get())) return Optional.empty();
        deliver(
                holder.get(),
                SubscriptionEvent.Simple.MODULE_REMOVE,
                AuthorityCodec.removeRequest(requester, module),
                requester);
        return Optional.of(new Node.Handover(module, holder.get()));
    }

    private CallException noHolder(String op) {
        return new CallException(
                CallException.Kind.REFUSED,
                "node " + nodeId + " refuses to " + op + " modules for other nodes: no module here holds the Module"
                        + " authority to decide");
    }

    private void deliver(String holder, SubscriptionEvent.Simple kind, IntersticeValue event, String requester) {
        String why = kind.name().toLowerCase(Locale.ROOT) + " request from " + requester;
        var jobs = executor.exclusive(() -> {
            var h = registry.get(holder);
            // it may have left since it was looked up: then nobody decides (never every module's handlers)
            if (h == null || !h.schema().authorities().contains(Authority.MODULE))
                throw new CallException(
                        CallException.Kind.REFUSED,
                        "module '" + holder + "' no longer holds the Module authority on node " + nodeId
                                + "; nothing was done, try again");
            return registry.coreSubscribers(h, kind).stream()
                    .map(s ->
                            new Executor.Job(s.module(), s.reducer(), List.of(event), CallContext.runtime(nodeId), why))
                    .toList();
        });
        if (jobs.isEmpty())
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "module '" + holder + "' holds the Module authority on node " + nodeId + " and handles no "
                            + kind.name().toLowerCase(Locale.ROOT) + " requests, so nothing was done"
                            + " (the admin can remove it, or publish a new version of it, directly)");
        log.info("handed a {} to module {}", why, holder);
        executor.runJobs(jobs);
    }
}
