package dev.interstice.cli.update;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A release's version, {@code MAJOR.MINOR.PATCH} with an optional {@code -QUALIFIER}; a qualified version comes before
 * the same version without one (0.2.0-SNAPSHOT &lt; 0.2.0), as in Maven and semantic versioning.
 */
public record ReleaseVersion(int[] numbers, String qualifier) implements Comparable<ReleaseVersion> {
    private static final Pattern FORM = Pattern.compile("\\d+(\\.\\d+)*(-[0-9A-Za-z.-]+)?");

    public static ReleaseVersion parse(String text) {
        if (text == null || !FORM.matcher(text).matches())
            throw new UpdateException("'" + text + "' is not a release version (expected e.g. 0.2.0 or 0.2.0-rc1)");
        int dash = text.indexOf('-');
        String nums = dash < 0 ? text : text.substring(0, dash);
        try {
            return new ReleaseVersion(
                    Arrays.stream(nums.split("\\.")).mapToInt(Integer::parseInt).toArray(),
                    dash < 0 ? "" : text.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw new UpdateException("'" + text + "' is not a release version (a number is too large)");
        }
    }

    @Override
    public int compareTo(ReleaseVersion o) {
        for (int i = 0; i < Math.max(numbers.length, o.numbers.length); i++) {
            int c = Integer.compare(i < numbers.length ? numbers[i] : 0, i < o.numbers.length ? o.numbers[i] : 0);
            if (c != 0) return c;
        }
        if (qualifier.isEmpty() || o.qualifier.isEmpty())
            return Boolean.compare(qualifier.isEmpty(), o.qualifier.isEmpty());
        return qualifier.compareTo(o.qualifier);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReleaseVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        int n = numbers.length;
        while (n > 0 && numbers[n - 1] == 0) n--; // 0.2 equals 0.2.0
        return Arrays.hashCode(Arrays.copyOf(numbers, n)) * 31 + qualifier.hashCode();
    }

    @Override
    public String toString() {
        var s = new StringBuilder();
        for (int i = 0; i < numbers.length; i++) s.append(i == 0 ? "" : ".").append(numbers[i]);
        return qualifier.isEmpty() ? s.toString() : s + "-" + qualifier;
    }
}
