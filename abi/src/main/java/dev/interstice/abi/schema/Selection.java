package dev.interstice.abi.schema;

/**
 * Upstream {@code NodeSelection} and {@code ModuleSelection}: both encode as Current = 0, Other(String) = 1,
 * so one type serves both.
 */
public record Selection(String other) {
    public static final Selection CURRENT = new Selection(null);

    public static Selection other(String name) {
        return new Selection(java.util.Objects.requireNonNull(name));
    }

    public boolean isCurrent() {
        return other == null;
    }

    /** The selected name, or {@code current} when this is {@link #CURRENT}. */
    public String resolve(String current) {
        return other == null ? current : other;
    }

    @Override
    public String toString() {
        return other == null ? "Current" : "Other(" + other + ")";
    }
}
