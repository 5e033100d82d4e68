package dev.interstice.cli;

import dev.interstice.abi.value.ValueText;
import java.io.PrintWriter;
import java.util.List;

/** Plain text tables with aligned columns; control characters in cells are shown escaped, never sent to the terminal. */
final class TextTable {
    private TextTable() {}

    static void print(PrintWriter out, List<String> headers, List<List<String>> cells) {
        List<List<String>> rows = cells.stream()
                .map(r -> r.stream().map(ValueText::visible).toList())
                .toList();
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) w[i] = headers.get(i).length();
        for (List<String> r : rows)
            for (int i = 0; i < w.length && i < r.size(); i++)
                w[i] = Math.max(w[i], r.get(i).length());
        line(out, headers, w);
        var sep = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            if (i > 0) sep.append("  ");
            sep.append("-".repeat(w[i]));
        }
        out.println(sep);
        for (List<String> r : rows) line(out, r, w);
    }

    private static void line(PrintWriter out, List<String> cells, int[] w) {
        var sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            if (i > 0) sb.append("  ");
            sb.append(c);
            if (i < w.length - 1) sb.append(" ".repeat(w[i] - c.length()));
        }
        out.println(sb.toString().stripTrailing());
    }
}
