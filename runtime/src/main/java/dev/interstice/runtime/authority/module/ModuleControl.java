package dev.interstice.runtime.authority.module;

import dev.interstice.abi.host.ChildCall;

/**
 * What the Module authority may do to the node's modules, provided by the node (this package may not name it). Each
 * operation is the admin's: it throws an {@link dev.interstice.runtime.IntersticeException} saying why it was refused.
 */
public interface ModuleControl {
    /** Loads a module, or upgrades the loaded one of that name (its rows kept); returns its name. */
    String load(byte[] wasm);

    /**
     * Loads {@code wasm} as a child of {@code parent} holding {@code grant} (recorded in the same log record as its
     * install); returns its name. Refused when a module of that name is on the node and is not that parent's child.
     */
    String spawn(byte[] wasm, String parent, ChildCall.Grant grant, boolean stopWithParent);

    /**
     * The module code this node keeps under {@code hash} (SHA-256 hex: code loaded or unloaded here, and earlier
     * versions), verified; throws NOT_FOUND when there is none. Content modules stored is never answered.
     */
    byte[] code(String hash);

    /** Takes a loaded module out of the node and keeps its data, so a later load resumes it. */
    void unload(String module);

    /** Takes a module out of the node (loaded or unloaded) and deletes its data. */
    void remove(String module);

    /** Whether {@code module} is loaded. */
    boolean isLoaded(String module);

    /** Whether {@code module} is loaded or has data kept by an unload. */
    boolean isKnown(String module);

    /** Tells whoever serves the module's callers (the network's streams) that it changed. */
    void changed(String module);
}
