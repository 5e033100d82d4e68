package dev.interstice.abi.host;

import dev.interstice.abi.schema.Selection;

/**
 * A request to the Module authority (upstream {@code ModuleCall}, ABI 6): Load 0, Unload 1, Remove 2, each for the
 * current node or a named peer. Unload keeps the module's data; Remove deletes it.
 */
public sealed interface ModuleCall {
    Selection node();

    /** {@code wasm} is owned by the record (the decoder hands over a fresh copy). */
    record Load(Selection node, byte[] wasm) implements ModuleCall {}

    record Unload(Selection node, String module) implements ModuleCall {}

    record Remove(Selection node, String module) implements ModuleCall {}
}
