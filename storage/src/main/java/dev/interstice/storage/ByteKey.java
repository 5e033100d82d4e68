package dev.interstice.storage;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A row key: equality, hash and order (unsigned lexicographic) by content. The array must not be mutated. */
public record ByteKey(byte[] bytes) implements Comparable<ByteKey> {
    public ByteKey {
        Objects.requireNonNull(bytes, "bytes");
    }

    public static ByteKey of(byte[] bytes) {
        return new ByteKey(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(ByteKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
