package dev.interstice.abi.value;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A table row as upstream encodes it: the primary key, then the other fields in declaration order. */
public record Row(IntersticeValue primaryKey, List<IntersticeValue> entries) {
    public Row {
        Objects.requireNonNull(primaryKey);
        entries = List.copyOf(entries);
    }

    /** The shape subscriber reducers receive: {@code Vec([pk, entries...])}. */
    public IntersticeValue.Vec toValue() {
        var all = new ArrayList<IntersticeValue>(entries.size() + 1);
        all.add(primaryKey);
        all.addAll(entries);
        return new IntersticeValue.Vec(all);
    }

    public Row withPrimaryKey(IntersticeValue pk) {
        return new Row(pk, entries);
    }

    public Row withEntry(int index, IntersticeValue value) {
        var copy = new ArrayList<>(entries);
        copy.set(index, value);
        return new Row(primaryKey, copy);
    }
}
