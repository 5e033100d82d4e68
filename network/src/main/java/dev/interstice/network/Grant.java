package dev.interstice.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One permission of a scoped token: {@code action} on the module named {@code module}, or on every module ({@code *}). */
public record Grant(Action action, String module) {
    public static final String EVERY_MODULE = "*";
    /** Module names a grant may hold: what a module's name can be, or {@code *}. */
    private static final String MODULE_NAME = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";

    public Grant {
        Objects.requireNonNull(action);
        if (!module.equals(EVERY_MODULE) && !module.matches(MODULE_NAME))
            throw new IllegalArgumentException("'" + module + "' is not a module name (or * for every module)");
    }

    /** {@code action:module}, e.g. {@code call:bank} or {@code query:*}. */
    public static Grant parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0)
            throw new IllegalArgumentException(
                    "'" + text + "' is not a permission: write action:module, e.g. call:bank or query:*");
        return new Grant(
                Action.parse(text.substring(0, colon).strip()),
                text.substring(colon + 1).strip());
    }

    public boolean covers(Action a, String m) {
        return action == a && (module.equals(EVERY_MODULE) || module.equals(m));
    }

    /** People's wording of a list of grants: {@code call, query on bank; rows on *}. */
    public static String describe(List<Grant> grants) {
        if (grants.isEmpty()) return "nothing";
        Map<String, List<String>> byModule = new LinkedHashMap<>();
        for (Grant g : grants)
            byModule.computeIfAbsent(g.module(), m -> new ArrayList<>())
                    .add(g.action().wireName());
        var parts = new ArrayList<String>();
        byModule.forEach((m, actions) -> parts.add(String.join(", ", actions) + " on " + m));
        return String.join("; ", parts);
    }

    @Override
    public String toString() {
        return action.wireName() + ":" + module;
    }
}
