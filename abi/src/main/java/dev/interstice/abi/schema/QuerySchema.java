package dev.interstice.abi.schema;

import java.util.List;

public record QuerySchema(String name, List<FieldDef> arguments, IntersticeType returnType, List<TableRef> reads) {
    public QuerySchema {
        arguments = List.copyOf(arguments);
        reads = List.copyOf(reads);
    }
}
