package dev.interstice.abi.schema;

/** Module and table visibility; both encode Public = 0, Private = 1. */
public enum Visibility {
    PUBLIC,
    PRIVATE
}
