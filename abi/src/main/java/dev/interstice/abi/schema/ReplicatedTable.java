package dev.interstice.abi.schema;

public record ReplicatedTable(String node, String module, String table) {}
