package dev.interstice.abi.schema;

import java.util.List;

public record ReducerSchema(
        String name,
        List<FieldDef> arguments,
        List<TableRef> reads,
        List<TableRef> inserts,
        List<TableRef> updates,
        List<TableRef> deletes) {
    public ReducerSchema {
        arguments = List.copyOf(arguments);
        reads = List.copyOf(reads);
        inserts = List.copyOf(inserts);
        updates = List.copyOf(updates);
        deletes = List.copyOf(deletes);
    }
}
