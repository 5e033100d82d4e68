package dev.interstice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report of a {@link LoadResult}: a human-readable summary, JSON, and a self-contained HTML page (inline SVG). */
public final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Percentiles of the latency distribution written to the JSON report and drawn in the HTML chart. */
    static final double[] SPECTRUM = {
        0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9,
        99.95, 99.99, 99.999, 100
    };

    private Reports() {}

    // ---- text ----

    public static String summary(LoadResult r) {
        var c = r.config();
        var sb = new StringBuilder();
        sb.append("== ")
                .append(c.name())
                .append(": ")
                .append(c.module())
                .append('.')
                .append(c.reducer())
                .append(' ')
                .append(c.argsDescription())
                .append(" ==\n");
        sb.append(String.format(Locale.ROOT, "target        %s, ack %s%n", r.target(), r.ack()));
        sb.append(String.format(
                Locale.ROOT,
                "load          %d connection%s x %d in flight, %s, warmup %.1f s, measured %.2f s%n",
                c.connections(),
                c.connections() == 1 ? "" : "s",
                c.inflight(),
                c.openLoop() ? String.format(Locale.ROOT, "open loop at %,.0f calls/s", c.rate()) : "closed loop",
                c.warmupMs() / 1000.0,
                r.measuredMs() / 1000.0));
        sb.append(String.format(
                Locale.ROOT,
                "throughput    %,.0f tx/s acknowledged (%,d calls in the measured window), errors %,d%n",
                r.throughputTps(),
                r.acknowledged(),
                r.errors()));
        sb.append(String.format(
                Locale.ROOT,
                "latency       p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (from the %s)%n",
                us(r.latencyUs(50)),
                us(r.latencyUs(90)),
                us(r.latencyUs(99)),
                us(r.latencyUs(99.9)),
                us(r.latency().getMaxValue()),
                c.openLoop() ? "intended send time" : "send time"));
        var t = r.totals();
        sb.append(String.format(
                Locale.ROOT,
                "whole run     sent %,d, acknowledged %,d, errors %,d, unfinished %,d%n",
                t.sent(),
                t.acknowledged(),
                t.errors(),
                t.unfinished()));
        for (var e : r.rates().entrySet())
            sb.append(String.format(
                    Locale.ROOT,
                    "rate          %s: %,.0f/s (%,d -> %,d)%n",
                    e.getKey(),
                    e.getValue().perSecond(),
                    e.getValue().start(),
                    e.getValue().end()));
        for (var e : r.errorSamples().entrySet())
            sb.append(String.format(Locale.ROOT, "error         %,d x %s%n", e.getValue(), e.getKey()));
        if (r.checks().isEmpty()) sb.append("verification  (none)\n");
        for (var ch : r.checks())
            sb.append(String.format(
                    Locale.ROOT, "verification  %s %s: %s%n", ch.passed() ? "PASS" : "FAIL", ch.name(), ch.detail()));
        for (var e : c.notes().entrySet())
            sb.append(String.format(Locale.ROOT, "note          %s: %s%n", e.getKey(), e.getValue()));
        sb.append(String.format(Locale.ROOT, "environment   %s%n", r.environment()));
        return sb.toString();
    }

    /** One line per run: name, ack, throughput, latency percentiles, errors, verification, measured rates. */
    public static String table(Map<String, LoadResult> results) {
        var sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%-22s %-8s %12s %10s %10s %10s %10s %7s  %s%n",
                "run",
                "ack",
                "tx/s",
                "p50",
                "p90",
                "p99",
                "max",
                "errors",
                "verified"));
        for (var e : results.entrySet()) {
            var r = e.getValue();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-22s %-8s %,12.0f %10s %10s %10s %10s %7d  %s%s%n",
                    e.getKey(),
                    r.ack(),
                    r.throughputTps(),
                    Reports.us(r.latencyUs(50)),
                    Reports.us(r.latencyUs(90)),
                    Reports.us(r.latencyUs(99)),
                    Reports.us(r.latency().getMaxValue()),
                    r.errors(),
                    r.verified() ? "yes" : "NO",
                    r.rates().isEmpty()
                            ? ""
                            : "  "
                                    + r.rates().entrySet().stream()
                                            .map(x -> String.format(
                                                    Locale.ROOT,
                                                    "%s %,.0f/s",
                                                    x.getKey(),
                                                    x.getValue().perSecond()))
                                            .toList()));
        }
        return sb.toString();
    }

    /** Microseconds, printed in the most readable unit. */
    public static String us(long us) {
        if (us < 1_000) return us + " µs";
        if (us < 1_000_000) return String.format(Locale.ROOT, "%.2f ms", us / 1000.0);
        return String.format(Locale.ROOT, "%.2f s", us / 1e6);
    }

    // ---- JSON ----

    public static ObjectNode json(LoadResult r) {
        var c = r.config();
        ObjectNode o = JSON.createObjectNode();
        o.put("name", c.name());
        o.put("run_id", c.runId());
        o.put("target", r.target());
        o.put("module_name", c.module());
        o.put("reducer_name", c.reducer());
        o.put("args", c.argsDescription());
        o.put("ack", r.ack());
        o.put("mode", c.openLoop() ? "open_loop" : "closed_loop");
        if (c.openLoop()) o.put("rate", c.rate());
        else o.putNull("rate");
        o.put("connections", c.connections());
        o.put("inflight", c.inflight());
        o.put("warmup_ms", c.warmupMs());
        o.put("duration_ms", c.durationMs());
        o.put("measured_ms", round(r.measuredMs(), 3));
        o.put("started_at_ms", r.startedAtMs());
        o.put("ended_at_ms", r.endedAtMs());
        o.put("throughput_kind", "acknowledged_commits");
        o.put("throughput_tps", round(r.throughputTps(), 1));
        o.put("acknowledged", r.acknowledged());
        o.put("errors", r.errors());
        o.put("latency_basis", c.openLoop() ? "intended_send_time" : "send_time");
        var h = r.latency();
        o.put("latency_us_mean", round(h.getTotalCount() == 0 ? 0 : h.getMean(), 1));
        o.put("latency_us_p50", r.latencyUs(50));
        o.put("latency_us_p90", r.latencyUs(90));
        o.put("latency_us_p95", r.latencyUs(95));
        o.put("latency_us_p99", r.latencyUs(99));
        o.put("latency_us_p999", r.latencyUs(99.9));
        o.put("latency_us_max", h.getMaxValue());
        var t = o.putObject("totals");
        t.put("sent", r.totals().sent());
        t.put("acknowledged", r.totals().acknowledged());
        t.put("errors", r.totals().errors());
        t.put("unfinished", r.totals().unfinished());
        o.put("max_seq", r.maxSeq());
        o.put("max_client", r.maxClient());
        var rates = o.putObject("rates");
        for (var e : r.rates().entrySet()) {
            var x = rates.putObject(e.getKey());
            x.put("start", e.getValue().start());
            x.put("end", e.getValue().end());
            x.put("per_second", round(e.getValue().perSecond(), 1));
        }
        var errs = o.putObject("error_samples");
        r.errorSamples().forEach(errs::put);
        var v = o.putObject("verification");
        v.put("passed", r.verified());
        ArrayNode checks = v.putArray("checks");
        for (var ch : r.checks()) {
            var x = checks.addObject();
            x.put("name", ch.name());
            x.put("passed", ch.passed());
            x.put("before", ch.before());
            x.put("after", ch.after());
            x.put("expected_delta", ch.expectedDelta());
            x.put("detail", ch.detail());
        }
        ArrayNode tl = o.putArray("timeline");
        for (var iv : r.timeline()) {
            var x = tl.addObject();
            x.put("t_ms", round(iv.startMs(), 1));
            x.put("length_ms", round(iv.lengthMs(), 1));
            x.put("phase", iv.phase().name().toLowerCase());
            x.put("acknowledged", iv.acknowledged());
            x.put("errors", iv.errors());
            x.put("tps", round(iv.tps(), 1));
            x.put("p50_us", iv.p50Us());
            x.put("p99_us", iv.p99Us());
            x.put("max_us", iv.maxUs());
        }
        ArrayNode pct = o.putArray("latency_percentiles");
        if (h.getTotalCount() > 0)
            for (double p : SPECTRUM) {
                var x = pct.addObject();
                x.put("percentile", p);
                x.put("latency_us", p == 0 ? h.getMinValue() : h.getValueAtPercentile(p));
            }
        var notes = o.putObject("notes");
        c.notes().forEach((k, val) -> notes.set(k, JSON.valueToTree(val)));
        var env = o.putObject("environment");
        r.environment().forEach((k, val) -> env.set(k, JSON.valueToTree(val)));
        return o;
    }

    public static void writeJson(LoadResult r, Path file) throws IOException {
        mkdirs(file);
        JSON.writeValue(file.toFile(), json(r));
    }

    // ---- HTML ----

    public static void writeHtml(LoadResult r, Path file) throws IOException {
        mkdirs(file);
        Files.writeString(file, html(r));
    }

    public static String html(LoadResult r) {
        var c = r.config();
        var sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(c.name()))
                .append(" - Interstice load run</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}")
                .append(
                        "h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse;font-size:13px}")
                .append(
                        "td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}pre{background:#f6f6f6;padding:10px;font-size:12px;overflow:auto}")
                .append(
                        ".pass{color:#1a7f37}.fail{color:#c0392b;font-weight:bold}svg{background:#fff;border:1px solid #ddd}")
                .append("</style></head><body>\n");
        sb.append("<h1>")
                .append(esc(c.name()))
                .append(": ")
                .append(esc(c.module()))
                .append('.')
                .append(esc(c.reducer()))
                .append("</h1>\n<table>\n");
        row(sb, "throughput", String.format(Locale.ROOT, "%,.0f tx/s acknowledged", r.throughputTps()));
        row(
                sb,
                "latency",
                String.format(
                        Locale.ROOT,
                        "p50 %s, p90 %s, p99 %s, p99.9 %s, max %s (from the %s)",
                        us(r.latencyUs(50)),
                        us(r.latencyUs(90)),
                        us(r.latencyUs(99)),
                        us(r.latencyUs(99.9)),
                        us(r.latency().getMaxValue()),
                        c.openLoop() ? "intended send time" : "send time"));
        row(
                sb,
                "calls",
                String.format(
                        Locale.ROOT,
                        "%,d acknowledged and %,d errors in the measured window; whole run: sent %,d, acknowledged %,d, errors %,d",
                        r.acknowledged(),
                        r.errors(),
                        r.totals().sent(),
                        r.totals().acknowledged(),
                        r.totals().errors()));
        row(
                sb,
                "load",
                String.format(
                        Locale.ROOT,
                        "%d connections x %d in flight, %s, warmup %.1f s, measured %.2f s",
                        c.connections(),
                        c.inflight(),
                        c.openLoop()
                                ? String.format(Locale.ROOT, "open loop at %,.0f calls/s", c.rate())
                                : "closed loop",
                        c.warmupMs() / 1000.0,
                        r.measuredMs() / 1000.0));
        row(sb, "target", r.target() + ", ack " + r.ack());
        row(sb, "arguments", c.argsDescription());
        for (var e : r.rates().entrySet())
            row(
                    sb,
                    e.getKey(),
                    String.format(Locale.ROOT, "%,.0f/s", e.getValue().perSecond()));
        for (var ch : r.checks())
            sb.append("<tr><th>verification</th><td class=\"")
                    .append(ch.passed() ? "pass" : "fail")
                    .append("\">")
                    .append(ch.passed() ? "PASS " : "FAIL ")
                    .append(esc(ch.name()))
                    .append(": ")
                    .append(esc(ch.detail()))
                    .append("</td></tr>\n");
        for (var e : r.errorSamples().entrySet()) row(sb, "error", e.getValue() + " x " + e.getKey());
        sb.append("</table>\n");

        sb.append("<h2>Acknowledged transactions per second</h2>\n");
        var tpsPts = new ArrayList<double[]>();
        var p50Pts = new ArrayList<double[]>();
        var p99Pts = new ArrayList<double[]>();
        double warmEnd = 0;
        for (var iv : r.timeline()) {
            if (iv.lengthMs() <= 0 || iv.phase() == LoadResult.Phase.DRAIN) continue; // drain: the last few calls only
            double mid = (iv.startMs() + iv.lengthMs() / 2) / 1000.0;
            tpsPts.add(new double[] {mid, iv.tps()});
            if (iv.acknowledged() > 0) {
                p50Pts.add(new double[] {mid, iv.p50Us()});
                p99Pts.add(new double[] {mid, iv.p99Us()});
            }
            if (iv.phase() == LoadResult.Phase.WARMUP) warmEnd = (iv.startMs() + iv.lengthMs()) / 1000.0;
        }
        sb.append(chart(List.of(new Series("tx/s", "#2563eb", tpsPts)), "time (s)", "tx/s", warmEnd, false, false));
        sb.append("<h2>Latency over time (p50, p99 per interval, log scale)</h2>\n");
        sb.append(chart(
                List.of(new Series("p50", "#16a34a", p50Pts), new Series("p99", "#dc2626", p99Pts)),
                "time (s)",
                "latency",
                warmEnd,
                false,
                true));
        sb.append("<h2>Latency distribution (measured window, log scale)</h2>\n");
        var spectrum = new ArrayList<double[]>();
        var h = r.latency();
        if (h.getTotalCount() > 0)
            for (double p : SPECTRUM) {
                double x = p >= 100 ? 5.3 : Math.log10(100.0 / (100.0 - p)); // 0 -> 0, 90 -> 1, 99 -> 2, 99.9 -> 3 ...
                spectrum.add(new double[] {x, p == 0 ? h.getMinValue() : h.getValueAtPercentile(p)});
            }
        sb.append(chart(List.of(new Series("latency", "#7c3aed", spectrum)), "percentile", "latency", 0, true, true));
        sb.append("<h2>JSON report</h2>\n<pre>")
                .append(esc(json(r).toPrettyString()))
                .append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    private record Series(String name, String color, List<double[]> points) {}

    /**
     * A line chart in inline SVG; {@code shadeTo}: x below it is shaded (warmup). {@code percentileAxis}: label x as
     * percentiles. {@code logUs}: y values are µs, on a log scale.
     */
    private static String chart(
            List<Series> series, String xLabel, String yLabel, double shadeTo, boolean percentileAxis, boolean logUs) {
        int w = 900;
        int hgt = 300;
        int l = 70;
        int rgt = 20;
        int top = 20;
        int bot = 45;
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        double minY = Double.MAX_VALUE;
        for (var s : series)
            for (var p : s.points()) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
                minY = Math.min(minY, p[1]);
            }
        var sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(w)
                .append("\" height=\"")
                .append(hgt)
                .append("\" viewBox=\"0 0 ")
                .append(w)
                .append(' ')
                .append(hgt)
                .append("\" font-size=\"11\">\n");
        if (minX == Double.MAX_VALUE) {
            sb.append("<text x=\"20\" y=\"40\">no data</text></svg>\n");
            return sb.toString();
        }
        if (percentileAxis) {
            minX = 0;
            maxX = 5.3;
        } else {
            minX = Math.min(minX, 0);
        }
        if (maxX <= minX) maxX = minX + 1;
        double yTop = niceCeil(maxY <= 0 ? 1 : maxY * 1.05);
        // log scale: whole decades of µs around the data
        final int d0 = (int) Math.floor(Math.log10(Math.max(1, minY)));
        final int d1 = Math.max(d0 + 1, (int) Math.ceil(Math.log10(Math.max(1, maxY))));
        final double x0 = minX;
        final double x1 = maxX;
        final double top0 = yTop;
        java.util.function.DoubleUnaryOperator sx = x -> l + (x - x0) / (x1 - x0) * (w - l - rgt);
        java.util.function.DoubleUnaryOperator sy = logUs
                ? y -> top + (1 - (Math.log10(Math.max(1, y)) - d0) / (d1 - d0)) * (hgt - top - bot)
                : y -> top + (1 - y / top0) * (hgt - top - bot);
        if (shadeTo > minX)
            sb.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f1f1f1\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" fill=\"#888\">warmup</text>%n",
                    sx.applyAsDouble(minX),
                    top,
                    sx.applyAsDouble(shadeTo) - sx.applyAsDouble(minX),
                    hgt - top - bot,
                    sx.applyAsDouble(minX) + 4,
                    top + 12));
        int gridLines = logUs ? d1 - d0 : 5;
        for (int i = 0; i <= gridLines; i++) {
            double y = logUs ? Math.pow(10, d0 + i) : yTop * i / 5;
            double py = sy.applyAsDouble(y);
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    l,
                    py,
                    w - rgt,
                    py,
                    l - 6,
                    py + 4,
                    esc(logUs ? us((long) y) : fmt(y))));
        }
        if (percentileAxis) {
            String[] names = {"0", "90", "99", "99.9", "99.99", "99.999"};
            for (int i = 0; i < names.length; i++) tick(sb, sx.applyAsDouble(i), hgt - bot, names[i]);
            tick(sb, sx.applyAsDouble(5.3), hgt - bot, "max");
        } else {
            double step = niceStep((maxX - minX) / 10);
            for (double x = Math.ceil(minX / step) * step; x <= maxX + 1e-9; x += step)
                tick(sb, sx.applyAsDouble(x), hgt - bot, fmt(x));
        }
        sb.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
                l,
                hgt - bot,
                w - rgt,
                hgt - bot));
        sb.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
                l,
                top,
                l,
                hgt - bot));
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (l + w - rgt) / 2,
                hgt - 8,
                esc(xLabel)));
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
                (top + hgt - bot) / 2,
                (top + hgt - bot) / 2,
                esc(yLabel)));
        drawSeries(sb, series, sx, sy, logUs, l + 10, top);
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** Each series as a line with a point per value (hover: its value) and a legend entry. */
    private static void drawSeries(
            StringBuilder sb,
            List<Series> series,
            java.util.function.DoubleUnaryOperator sx,
            java.util.function.DoubleUnaryOperator sy,
            boolean logUs,
            int legendStart,
            int top) {
        int legendX = legendStart;
        for (var s : series) {
            if (s.points().isEmpty()) continue;
            var path = new StringBuilder();
            for (var p : s.points())
                path.append(path.isEmpty() ? "M" : " L")
                        .append(String.format(
                                Locale.ROOT, "%.1f,%.1f", sx.applyAsDouble(p[0]), sy.applyAsDouble(p[1])));
            sb.append("<path d=\"")
                    .append(path)
                    .append("\" fill=\"none\" stroke=\"")
                    .append(s.color())
                    .append("\" stroke-width=\"2\"/>\n");
            for (var p : s.points())
                sb.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s: %s at %s</title></circle>%n",
                        sx.applyAsDouble(p[0]),
                        sy.applyAsDouble(p[1]),
                        s.color(),
                        esc(s.name()),
                        esc(logUs ? us((long) p[1]) : fmt(p[1])),
                        fmt(p[0])));
            sb.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    legendX + 60,
                    top + 8,
                    s.color(),
                    legendX + 76,
                    top + 12,
                    esc(s.name())));
            legendX += 120;
        }
    }

    private static void tick(StringBuilder sb, double x, int y, String label) {
        sb.append(String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>"
                        + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                x,
                y,
                x,
                y + 4,
                x,
                y + 16,
                esc(label)));
    }

    private static double niceStep(double raw) {
        if (raw <= 0) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    private static double niceCeil(double v) {
        double step = niceStep(v / 5);
        return Math.ceil(v / step) * step;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(3))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static void mkdirs(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }

    /** For callers that want the JSON as a string. */
    public static String jsonString(LoadResult r) {
        try {
            return JSON.writeValueAsString(json(r));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
