package dev.interstice.abi.host;

/**
 * Upstream {@code RawReducerContext} / {@code RawQueryContext} (same layout): who called. Encoded first in the
 * buffer passed to a reducer or query wrapper, followed by {@code IntersticeValue::Vec(args)}.
 */
public record CallContext(String callerNodeId, String callerModuleName) {

    /**
     * A call the runtime starts itself (init, load, table events, schedules, connect/disconnect, remote table events):
     * the node's own id and no caller module, as upstream's runtime does.
     */
    public static CallContext runtime(String nodeId) {
        return new CallContext(nodeId, "");
    }
}
