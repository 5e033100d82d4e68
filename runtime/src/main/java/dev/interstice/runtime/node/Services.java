package dev.interstice.runtime.node;

import dev.interstice.runtime.exec.NodeServices;
import dev.interstice.runtime.exec.SystemTables;
import org.slf4j.MDC;

/** What the executor asks of its node: identity, clock, transaction seeds, timers and the guest log. */
final class Services implements NodeServices {
    private final NodeConfig config;
    private final String nodeId;
    private final Scheduler scheduler;
    private final long idHash;

    Services(NodeConfig config, String nodeId, Scheduler scheduler) {
        this.config = config;
        this.nodeId = nodeId;
        this.scheduler = scheduler;
        this.idHash = mix(nodeId.hashCode() * 0x9E3779B97F4A7C15L ^ nodeId.length());
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public long clockMillis() {
        return config.clock().getAsLong();
    }

    @Override
    public long randomSeed(long txId) {
        return mix(idHash ^ mix(txId));
    }

    @Override
    public void schedule(SystemTables.Schedule entry) {
        scheduler.add(entry);
    }

    @Override
    public void guestLog(String module, long txId, String message) {
        // the module and transaction travel as MDC, so any log layout (text or JSON) can carry them
        MDC.put("module", module);
        if (txId != 0) MDC.put("tx", Long.toString(txId));
        try {
            config.logSink().log(module, message);
        } finally {
            MDC.remove("module");
            MDC.remove("tx");
        }
    }

    @Override
    public int maxLogLineBytes() {
        return config.maxLogLineBytes();
    }

    /** SplitMix64 finaliser: spreads (node, transaction) into independent-looking seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
