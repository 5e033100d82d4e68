package dev.interstice.abi.host;

import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;

/**
 * A request a guest makes through {@code interstice_host_call} (upstream {@code HostCall}, ABI 6). Discriminants:
 * CallReducer 0, Schedule 1, CallQuery 2, TableScan 3, TableGetByPrimaryKey 4, TableIndexScan 5, Gpu 6, Audio 7,
 * File 8, Module 9, Network 10, CurrentNodeId 11.
 */
public sealed interface HostCall {

    /** {@code input} is {@code Vec(args)}. */
    record CallReducer(Selection node, Selection module, String reducer, IntersticeValue input) implements HostCall {}

    record Schedule(String reducer, long delayMs) implements HostCall {}

    record CallQuery(Selection node, Selection module, String query, IntersticeValue input) implements HostCall {}

    record TableScan(Selection module, String table) implements HostCall {}

    record TableGetByPrimaryKey(Selection module, String table, IndexKey primaryKey) implements HostCall {}

    record TableIndexScan(Selection module, String table, String field, IndexQuery query) implements HostCall {}

    /** A call to the Gpu authority (discriminant 6). */
    record Gpu(dev.interstice.abi.host.gpu.GpuCall call) implements HostCall {}
    /** A call to the Audio authority (discriminant 7). */
    record Audio(AudioCall call) implements HostCall {}

    /** A call to the File authority (discriminant 8). */
    record File(FileCall call) implements HostCall {}

    /** A call to the Module authority (discriminant 9). */
    record Module(ModuleCall call) implements HostCall {}

    /** A call to the Network authority (discriminant 10). */
    record Network(NetworkCall call) implements HostCall {}

    record CurrentNodeId() implements HostCall {}
}
