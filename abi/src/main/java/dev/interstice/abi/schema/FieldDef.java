package dev.interstice.abi.schema;

import java.util.Objects;

public record FieldDef(String name, IntersticeType type) {
    public FieldDef {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
    }
}
