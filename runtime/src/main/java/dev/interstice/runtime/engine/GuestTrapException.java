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
        /**
         * The guest called {@code env.abort} (AssemblyScript), or trapped right after logging a panic
         * ({@code Panic Error: ...}, as the Rust and AssemblyScript SDKs do).
         */
        ABORT
    }

    private final Kind kind;
    private final String label;
    private final String export;
    private final String reason;

    /**
     * @param export the export being called, or a description such as {@code start function}; may be null
     * @param reason what went wrong, without module or export, e.g. {@code aborted: "title is empty" (a.ts:3:5)}
     */
    public GuestTrapException(Kind kind, String label, String export, String message, String reason, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.label = label;
        this.export = export;
        this.reason = reason;
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

    /** What went wrong, for a message that names the module and function its own way. */
    public String reason() {
        return reason;
    }

    /** The guest entry that failed (export name, {@code start function} or {@code _initialize}), if known. */
    public String export() {
        return export;
    }
}
