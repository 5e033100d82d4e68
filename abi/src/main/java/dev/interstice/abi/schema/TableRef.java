package dev.interstice.abi.schema;

/** Upstream {@code ReducerTableRef}: a table a reducer or query declares it reads or writes. */
public record TableRef(Selection node, Selection module, String table) {}
