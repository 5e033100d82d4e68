package dev.interstice.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Benchmark scenarios from a TOML file: one or more {@code [[scenario]]} (or {@code [[scenarios]]}) tables, keys as
 * upstream's ({@code name, node, module_name, reducer_name, duration_ms, warmup_ms, connections, rate, args_json,
 * output, reset_before, verify = {mode, query_name, args_json, expect_json}, throughput_query_name}) plus
 * {@code profile, inflight, ack, html, sample_ms, timeout_ms, verify_committed, verify_balance} and the workload's
 * {@code accounts, initial_balance, max_amount, zipf_alpha, payload_bytes, seed}. {@code args_json} is a TOML array
 * (or a string holding a JSON array). Unknown keys are refused, so a typo does not silently run something else.
 */
final class ScenarioFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = new TreeSet<>(List.of(
            "name",
            "node",
            "profile",
            "module_name",
            "reducer_name",
            "args_json",
            "duration_ms",
            "warmup_ms",
            "connections",
            "inflight",
            "rate",
            "ack",
            "sample_ms",
            "timeout_ms",
            "output",
            "html",
            "reset_before",
            "verify",
            "verify_committed",
            "verify_balance",
            "throughput_mode",
            "throughput_query_name",
            "throughput_query_args_json",
            "accounts",
            "initial_balance",
            "max_amount",
            "zipf_alpha",
            "payload_bytes",
            "seed",
            "transport",
            "latency_sample_stride"));
    private static final Set<String> VERIFY_KEYS = Set.of("mode", "query_name", "args_json", "expect_json");

    private ScenarioFile() {}

    static List<RunSpec> read(Path file, Consumer<String> warnings) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the scenario file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString(), warnings);
    }

    static List<RunSpec> parse(String toml, String source, Consumer<String> warnings) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(toml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not valid TOML: " + e.getMessage());
        }
        var tables = new ArrayList<JsonNode>();
        for (String key : List.of("scenario", "scenarios")) {
            JsonNode list = root.get(key);
            if (list == null) continue;
            if (!list.isArray())
                throw new IllegalArgumentException(
                        source + ": '" + key + "' must be an array of tables ([[" + key + "]])");
            list.forEach(tables::add);
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("scenario") && !k.equals("scenarios"))
                throw new IllegalArgumentException(
                        source + ": unknown top-level key '" + k + "' (scenarios are [[scenario]] tables)");
        }
        if (tables.isEmpty())
            throw new IllegalArgumentException(source + " defines no [[scenario]] (or [[scenarios]]) table");
        var out = new ArrayList<RunSpec>();
        for (int i = 0; i < tables.size(); i++)
            out.add(scenario(tables.get(i), source + " scenario " + (i + 1), warnings));
        return out;
    }

    private static RunSpec scenario(JsonNode t, String where, Consumer<String> warnings) {
        if (!t.isObject()) throw new IllegalArgumentException(where + " is not a table");
        for (var e : t.properties())
            if (!KEYS.contains(e.getKey()))
                throw new IllegalArgumentException(
                        where + ": unknown key '" + e.getKey() + "'; known keys: " + String.join(", ", KEYS));
        var s = new RunSpec();
        s.name = text(t, "name", where, null);
        if (s.name != null) where = where + " ('" + s.name + "')";
        s.node = text(t, "node", where, null);
        s.profile = text(t, "profile", where, null);
        s.module = text(t, "module_name", where, s.profile == null ? null : BenchmarkWorkload.MODULE);
        s.reducer = text(t, "reducer_name", where, null);
        if (t.has("args_json")) s.argsJson = jsonText(t.get("args_json"), where + ": args_json");
        s.durationMs = number(t, "duration_ms", where, s.durationMs);
        s.warmupMs = number(t, "warmup_ms", where, s.warmupMs);
        s.connections = (int) number(t, "connections", where, s.connections);
        s.inflight = (int) number(t, "inflight", where, s.inflight);
        s.rate = decimal(t, "rate", where, 0);
        s.ack = text(t, "ack", where, null);
        s.sampleMs = number(t, "sample_ms", where, s.sampleMs);
        s.timeoutMs = number(t, "timeout_ms", where, s.timeoutMs);
        String output = text(t, "output", where, null);
        if (output != null) s.output = Path.of(output);
        String html = text(t, "html", where, null);
        if (html != null) s.html = Path.of(html);
        s.resetBefore = bool(t, "reset_before", where, false);
        if (t.has("verify_committed")) s.verifyCommitted = bool(t, "verify_committed", where, false);
        if (t.has("verify_balance")) s.verifyBalance = bool(t, "verify_balance", where, false);
        JsonNode v = t.get("verify");
        if (v != null) {
            if (!v.isObject())
                throw new IllegalArgumentException(
                        where + ": verify must be a table {mode, query_name, args_json, expect_json}");
            for (var e : v.properties())
                if (!VERIFY_KEYS.contains(e.getKey()))
                    throw new IllegalArgumentException(
                            where + ": unknown key 'verify." + e.getKey() + "'; known: " + new TreeSet<>(VERIFY_KEYS));
            String mode = text(v, "mode", where + ": verify", "query");
            if (mode.equals("query")) {
                s.verifyQuery = text(v, "query_name", where + ": verify", null);
                if (s.verifyQuery == null)
                    throw new IllegalArgumentException(where + ": verify mode 'query' needs query_name");
                if (v.has("args_json")) s.verifyArgsJson = jsonText(v.get("args_json"), where + ": verify.args_json");
                if (v.has("expect_json"))
                    s.verifyExpectJson = v.get("expect_json").toString();
            } else if (!mode.equals("none")) {
                throw new IllegalArgumentException(
                        where + ": verify mode must be 'query' or 'none', not '" + mode + "'");
            }
        }
        String throughputMode = text(t, "throughput_mode", where, "dispatch_success");
        s.throughputQuery = text(t, "throughput_query_name", where, null);
        if (t.has("throughput_query_args_json"))
            s.throughputQueryArgsJson =
                    jsonText(t.get("throughput_query_args_json"), where + ": throughput_query_args_json");
        switch (throughputMode) {
            case "dispatch_success" -> {}
            case "query_delta" -> {
                if (s.throughputQuery == null) s.throughputQuery = s.verifyQuery;
                if (s.throughputQuery == null)
                    throw new IllegalArgumentException(
                            where + ": throughput_mode = \"query_delta\" needs throughput_query_name");
                warnings.accept(where + ": throughput counts acknowledged calls; the rate of " + s.throughputQuery
                        + " over the measured window is reported beside it");
            }
            default ->
                throw new IllegalArgumentException(where + ": throughput_mode must be dispatch_success or query_delta");
        }
        String transport = text(t, "transport", where, "persistent");
        if (!transport.equals("persistent"))
            throw new IllegalArgumentException(
                    where + ": transport '" + transport + "' is not supported (connections are persistent)");
        if (t.has("latency_sample_stride"))
            warnings.accept(where + ": latency_sample_stride is ignored (every call's latency is recorded)");
        var w = s.workload;
        w.accounts = (int) number(t, "accounts", where, w.accounts);
        w.initialBalance = number(t, "initial_balance", where, w.initialBalance);
        w.maxAmount = number(t, "max_amount", where, w.maxAmount);
        w.zipfAlpha = decimal(t, "zipf_alpha", where, w.zipfAlpha);
        w.payloadBytes = (int) number(t, "payload_bytes", where, w.payloadBytes);
        w.seed = number(t, "seed", where, w.seed);
        return s;
    }

    /** A JSON array (TOML array or inline table), or a string holding JSON text. */
    static String jsonText(JsonNode n, String where) {
        if (n.isTextual()) {
            String s = n.asText().strip();
            if (s.startsWith("[") || s.startsWith("{")) {
                try {
                    return JSON.readTree(s).toString();
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + " is not valid JSON: " + e.getMessage());
                }
            }
        }
        return n.toString();
    }

    private static String text(JsonNode t, String key, String where, String dflt) {
        JsonNode n = t.get(key);
        if (n == null) return dflt;
        if (!n.isTextual()) throw new IllegalArgumentException(where + ": " + key + " must be a string");
        return n.asText();
    }

    private static long number(JsonNode t, String key, String where, long dflt) {
        JsonNode n = t.get(key);
        if (n == null) return dflt;
        if (!n.isIntegralNumber() || !n.canConvertToLong())
            throw new IllegalArgumentException(where + ": " + key + " must be an integer");
        return n.asLong();
    }

    private static double decimal(JsonNode t, String key, String where, double dflt) {
        JsonNode n = t.get(key);
        if (n == null) return dflt;
        if (!n.isNumber()) throw new IllegalArgumentException(where + ": " + key + " must be a number");
        return n.asDouble();
    }

    private static boolean bool(JsonNode t, String key, String where, boolean dflt) {
        JsonNode n = t.get(key);
        if (n == null) return dflt;
        if (!n.isBoolean()) throw new IllegalArgumentException(where + ": " + key + " must be true or false");
        return n.asBoolean();
    }
}
