package dev.interstice.abi.schema;

import java.util.List;

/** A table: {@code fields} are the non-key columns in declaration order; the key is separate. */
public record TableSchema(
        String name,
        String typeName,
        Visibility visibility,
        List<FieldDef> fields,
        FieldDef primaryKey,
        boolean primaryKeyAutoInc,
        List<IndexSchema> indexes,
        Persistence persistence) {
    public TableSchema {
        fields = List.copyOf(fields);
        indexes = List.copyOf(indexes);
    }

    /** Index of a non-key column, or -1. */
    public int fieldIndex(String fieldName) {
        for (int i = 0; i < fields.size(); i++) if (fields.get(i).name().equals(fieldName)) return i;
        return -1;
    }
}
