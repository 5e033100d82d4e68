package dev.interstice.runtime.engine;

/** A module cannot be loaded, linked or used as asked. The message starts with {@code module '<label>': }. */
public final class ModuleLoadException extends RuntimeException {

    private final String label;

    public ModuleLoadException(String label, String reason) {
        this(label, reason, null);
    }

    public ModuleLoadException(String label, String reason, Throwable cause) {
        super("module '" + label + "': " + reason, cause);
        this.label = label;
    }

    public String label() {
        return label;
    }
}
