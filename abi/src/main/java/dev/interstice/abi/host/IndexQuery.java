package dev.interstice.abi.host;

import dev.interstice.abi.value.IndexKey;

/** Eq 0, Lt 1, Lte 2, Gt 3, Gte 4, Range 5. Only Eq is valid on hash indexes. */
public sealed interface IndexQuery {
    record Eq(IndexKey key) implements IndexQuery {}

    record Lt(IndexKey key) implements IndexQuery {}

    record Lte(IndexKey key) implements IndexQuery {}

    record Gt(IndexKey key) implements IndexQuery {}

    record Gte(IndexKey key) implements IndexQuery {}

    record Range(IndexKey min, IndexKey max, boolean includeMin, boolean includeMax) implements IndexQuery {}
}
