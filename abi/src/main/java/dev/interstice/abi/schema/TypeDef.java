package dev.interstice.abi.schema;

import java.util.List;

/** A user-defined type (upstream {@code IntersticeTypeDef}): Struct = 0, Enum = 1. */
public sealed interface TypeDef {
    String name();

    record Struct(String name, List<FieldDef> fields) implements TypeDef {
        public Struct {
            fields = List.copyOf(fields);
        }
    }

    /** Each variant's payload type: {@code ()} for unit variants, the field's type, a tuple, or a named struct. */
    record Enum(String name, List<FieldDef> variants) implements TypeDef {
        public Enum {
            variants = List.copyOf(variants);
        }
    }
}
