package dev.interstice.abi.schema;

public record Version(int major, int minor, int patch) implements Comparable<Version> {
    public Version {
        for (int p : new int[] {major, minor, patch})
            if (p < 0 || p > 0xFFFF) throw new IllegalArgumentException("version part out of u16 range: " + p);
    }

    /** Lenient like upstream: missing or non-numeric parts are 0. */
    public static Version parse(String s) {
        String[] parts = s.split("\\.");
        int[] v = new int[3];
        for (int i = 0; i < 3 && i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                v[i] = 0;
            }
        }
        return new Version(v[0], v[1], v[2]);
    }

    @Override
    public int compareTo(Version o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        return c == 0 ? Integer.compare(patch, o.patch) : c;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
