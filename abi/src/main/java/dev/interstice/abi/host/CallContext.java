package dev.interstice.abi.host;

/**
 * Upstream {@code RawReducerContext} / {@code RawQueryContext} (same layout): who called. Encoded first in the
 * buffer passed to a reducer or query wrapper, followed by {@code IntersticeValue::Vec(args)}.
 */
public record CallContext(String callerNodeId, String callerModuleName) {}
