package dev.interstice.abi.schema;

/** Exclusive privileges a module may claim; ordinal = postcard discriminant. */
public enum Authority {
    GPU,
    AUDIO,
    INPUT,
    FILE,
    MODULE,
    NETWORK
}
