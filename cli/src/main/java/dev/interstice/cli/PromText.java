package dev.interstice.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the samples of Prometheus text format as our node writes it (for {@code interstice top}): {@code name{k="v",...}
 * value} lines; comments and timestamps are skipped. Tests check the endpoint with an independent parser.
 */
final class PromText {
    private PromText() {}

    record Sample(String name, Map<String, String> labels, double value) {}

    static List<Sample> parse(String text) {
        var out = new ArrayList<Sample>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (space < 0) continue;
            String name;
            var labels = new LinkedHashMap<String, String>();
            int rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                rest = labels(line, brace + 1, labels);
            } else {
                name = line.substring(0, space);
                rest = space;
            }
            String[] tail = line.substring(rest).strip().split(" ");
            out.add(new Sample(name, labels, value(tail[0])));
        }
        return out;
    }

    /** Reads {@code k="v",...} up to the closing brace; returns the index after it. */
    private static int labels(String line, int i, Map<String, String> into) {
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).strip();
            var v = new StringBuilder();
            int j = eq + 2; // past ="
            for (; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char n = line.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else v.append(c);
            }
            into.put(key, v.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') i++;
        }
        return i + 1;
    }

    static double value(String s) {
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    static double le(String s) {
        return s == null ? Double.POSITIVE_INFINITY : value(s);
    }
}
