package dev.interstice.runtime.module;

/** A module was refused at load: the message names the module and the reason. Nothing on the node changed. */
public final class ModuleException extends RuntimeException {
    public ModuleException(String message) {
        super(message);
    }

    public ModuleException(String message, Throwable cause) {
        super(message, cause);
    }
}
