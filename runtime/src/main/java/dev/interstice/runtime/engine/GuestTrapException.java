package dev.interstice.runtime.engine;

import dev.interstice.runtime.IntersticeException;
import java.util.Objects;

/**
 * A guest call ended abnormally. The instance it ran in is {@linkplain GuestInstance#isBroken() broken}
 * and must be discarded.
 */
public final class GuestTrapException extends RuntimeException {

    public enum Kind {
        /** A WebAssembly trap: unreachable, out-of-bounds access, division by zero, bad indirect call... */
        TRAP,
        /** The outermost guest entry on the thread ran past the engine's call deadline. */
        DEADLINE,
        /** Runaway recursion exhausted the call stack. */
        STACK_EXHAUSTED,
        /** The guest failed after a memory.grow was refused because of the engine's memory cap. */
        MEMORY_LIMIT,
        /** The guest called {@code env.abort} (AssemblyScript). */
        ABORT
    }

    private final Kind kind;
    private final String label;
    private final String export;

    /**
     * @param export the export being called, or a description such as {@code start function}; may be null
     */
    public GuestTrapException(Kind kind, String label, String export, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.label = label;
        this.export = export;
    }

    public Kind kind() {
        return kind;
    }

    /** What a caller is told: DEADLINE for a deadline, TRAP for every other guest fault. */
    public IntersticeException.Kind callKind() {
        return kind == Kind.DEADLINE ? IntersticeException.Kind.DEADLINE : IntersticeException.Kind.TRAP;
    }

    /** Label of the module whose guest code failed. */
    public String label() {
        return label;
    }

    /** The guest entry that failed (export name, {@code start function} or {@code _initialize}), if known. */
    public String export() {
        return export;
    }
}
