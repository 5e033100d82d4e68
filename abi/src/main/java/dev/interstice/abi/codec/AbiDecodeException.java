package dev.interstice.abi.codec;

/**
 * Malformed postcard input: the only exception decoding throws for bad bytes. The message says what was expected
 * and the byte offset (relative to the start of the decoded slice) where decoding failed.
 */
public final class AbiDecodeException extends RuntimeException {

    private final int offset;

    /** {@code what}: what was expected or found, e.g. "invalid bool byte 0x02". */
    public AbiDecodeException(String what, int offset) {
        super(what + " at byte offset " + offset);
        this.offset = offset;
    }

    /** Byte offset, relative to the start of the input slice, at which decoding failed. */
    public int offset() {
        return offset;
    }
}
