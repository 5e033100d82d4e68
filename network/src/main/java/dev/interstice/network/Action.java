package dev.interstice.network;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a scoped token may allow on a module (docs/protocol.md, "Scoped tokens"). The order is the wire code (one byte)
 * and is never changed: new actions are added at the end.
 */
public enum Action {
    /** Call the module's reducers, public or private (Call). */
    CALL,
    /** Run the module's queries, public or private (Query). */
    QUERY,
    /** Read any of the module's tables (GetRows, GetRowsPage). */
    ROWS,
    /** Subscribe to any of the module's tables (Subscribe). */
    SUBSCRIBE,
    /** Publish the module: load it or a new version of it (Publish). */
    PUBLISH,
    /** Take the module away or back: Remove, Unload, Rollback. */
    REMOVE;

    /** The name users write and read: {@code call}, {@code query}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action parse(String name) {
        for (Action a : values()) if (a.wireName().equals(name)) return a;
        throw new IllegalArgumentException("unknown action '" + name + "'; the actions are: "
                + String.join(
                        ", ", Arrays.stream(values()).map(Action::wireName).toList()));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
