package dev.interstice.abi.schema;

public record IndexSchema(String field, Type type, boolean unique, boolean autoInc) {
    /** Hash = 0 (equality only), BTree = 1 (ordered, ranges). */
    public enum Type {
        HASH,
        BTREE
    }
}
