package dev.interstice.runtime.module;

import dev.interstice.runtime.IntersticeException;

/**
 * A module was refused: the message names the module and the reason. Nothing on the node changed. Kinds: INVALID (the
 * bytes), TRAP or DEADLINE (its code failed while it described itself), CONFLICT (with the loaded modules),
 * INCOMPATIBLE (a replacement cannot keep the data), NOT_FOUND (no such module to replace or remove).
 */
public final class ModuleException extends IntersticeException {
    /** An invalid module. */
    public ModuleException(String message) {
        this(Kind.INVALID, message, null);
    }

    /** An invalid module. */
    public ModuleException(String message, Throwable cause) {
        this(Kind.INVALID, message, cause);
    }

    public ModuleException(Kind kind, String message) {
        this(kind, message, null);
    }

    public ModuleException(Kind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }
}
