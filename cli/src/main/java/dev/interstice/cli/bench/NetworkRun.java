package dev.interstice.cli.bench;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.cli.Cli;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one {@link RunSpec} against a node over the network and writes its reports. */
final class NetworkRun {
    private final PrintWriter out;
    private final PrintWriter err;

    NetworkRun(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    LoadResult run(RunSpec s) throws Exception {
        s.validate();
        Profiles.Profile profile = s.profile == null ? null : Profiles.require(s.profile);
        String module = s.module != null ? s.module : BenchmarkWorkload.MODULE;
        NodeRef ref = NodeRef.resolve(s.node, s.token);
        String ack = s.ackMode(profile);
        try (var connector = new NetworkConnector(
                ref.address(),
                ref.token(),
                ack.equals("durable"),
                Duration.ofMillis(s.timeoutMs),
                ref.label(),
                s.tls)) {
            ModuleSchema schema = connector
                    .schema(module)
                    .orElseThrow(() -> new IllegalArgumentException(ref.label() + " has no module '"
                            + module + "'" + (ref.token() == null ? " visible without its admin token" : "")
                            + (module.equals(BenchmarkWorkload.MODULE)
                                    ? " (serve it with: " + Cli.command("example benchmark") + ")"
                                    : "")));
            var cfg = new LoadConfig()
                    .name(s.displayName())
                    .module(module)
                    .connections(s.connections)
                    .inflight(s.inflight)
                    .durationMs(s.durationMs)
                    .warmupMs(s.warmupMs)
                    .rate(s.rate)
                    .sampleMs(s.sampleMs)
                    .progress(!s.quiet);
            try (CallTarget control = connector.connect(-1, 1)) {
                if (s.resetBefore) {
                    if (schema.reducer("reset").isEmpty())
                        throw new IllegalArgumentException(
                                "reset_before: module '" + module + "' has no reducer 'reset'");
                    control.call(module, "reset", List.of()).get(1, TimeUnit.MINUTES);
                }
                Profiles.Prepared prepared = c -> {};
                if (profile != null) {
                    Profiles.Workload w = s.workload;
                    if (profile.name().equals("custom") || s.reducer != null) {
                        w.reducer = s.reducer;
                        w.argsJson = s.argsJson;
                    }
                    prepared = Profiles.prepare(profile, w, schema, control, cfg, line -> {
                        err.println(line);
                        err.flush();
                    });
                    cfg.name(s.displayName());
                } else {
                    Profiles.template(cfg, schema, s.reducer, s.argsJson);
                    if (module.equals(BenchmarkWorkload.MODULE)) {
                        var params = schema.reducer(s.reducer).orElseThrow().arguments();
                        for (Verification v : BenchmarkWorkload.checksFor(s.reducer, params, s.argsJson)) {
                            boolean balance = v.name().equals("total_balance");
                            Boolean wanted = balance ? s.verifyBalance : s.verifyCommitted;
                            if (wanted == null || wanted) cfg.verify(v);
                        }
                    }
                }
                if (Boolean.TRUE.equals(s.verifyCommitted) && !has(cfg, "total_committed"))
                    cfg.verify(BenchmarkWorkload.committedMatchesAcks());
                if (Boolean.TRUE.equals(s.verifyBalance) && !has(cfg, "total_balance"))
                    cfg.verify(BenchmarkWorkload.balanceUnchanged());
                if (s.verifyQuery != null)
                    cfg.verify(queryCheck(schema, s.verifyQuery, s.verifyArgsJson, s.verifyExpectJson));
                if (s.throughputQuery != null) {
                    var q = query(schema, s.throughputQuery);
                    var args = typed(schema, q.arguments(), s.throughputQueryArgsJson);
                    cfg.measureRate(s.throughputQuery, Probe.query(module, s.throughputQuery, args));
                }
                if (s.cpuOfPid > 0) {
                    cfg.measureRate("cpu_ms_of_process", Probe.processCpuMs(s.cpuOfPid));
                    cfg.note("cpu_of_process", s.cpuOfPid);
                }
                cfg.note("node", ref.label() + " at " + ref.address());
                cfg.note("transport", "TCP, node protocol, " + s.inflight + " request(s) in flight per connection");
                if (s.command != null) cfg.note("command", s.command);
                if (s.inflight > 64)
                    cfg.note(
                            "inflight_warning",
                            "the node admits at most its max in-flight (default 64) per connection");
                LoadResult r;
                try {
                    r = new LoadDriver(err).run(connector, cfg);
                } finally {
                    prepared.finish(control);
                }
                report(s, r);
                return r;
            }
        }
    }

    private static boolean has(LoadConfig cfg, String name) {
        return cfg.verifications().stream().anyMatch(v -> v.name().equals(name));
    }

    private void report(RunSpec s, LoadResult r) throws Exception {
        out.println(Reports.summary(r));
        if (s.output != null) {
            Reports.writeJson(r, s.output);
            out.println("wrote " + s.output);
        }
        Path html = htmlPath(s);
        if (html != null) {
            Reports.writeHtml(r, html);
            out.println("wrote " + html);
        }
        out.flush();
    }

    /** Where a run's HTML report goes: --html, else beside --output (FILE.html), none with --no-html. */
    static Path htmlPath(RunSpec s) {
        if (s.noHtml) return null;
        if (s.html != null || s.output == null) return s.html;
        String f = s.output.getFileName().toString();
        return s.output.resolveSibling((f.endsWith(".json") ? f.substring(0, f.length() - 5) : f) + ".html");
    }

    private static QuerySchema query(ModuleSchema schema, String name) {
        return schema.query(name)
                .orElseThrow(() -> new IllegalArgumentException("module '" + schema.name() + "' has no query '" + name
                        + "'; its queries: "
                        + schema.queries().stream().map(QuerySchema::name).toList()));
    }

    private static List<IntersticeValue> typed(ModuleSchema schema, List<FieldDef> params, String json) {
        return ArgTemplate.parse(json, params, schema.typeDefinitions()).next(BLANK);
    }

    /** Placeholders mean nothing outside a run: they evaluate as zero / empty. */
    private static final TemplateContext BLANK = new TemplateContext(0, 0, 0, "", 0, 0, "", 0);

    /**
     * The verify query of upstream's scenarios: run after the run (its arguments may use $max_seq / $max_client); with
     * an expected value, its answer must equal it.
     */
    static Verification queryCheck(ModuleSchema schema, String name, String argsJson, String expectJson) {
        QuerySchema q = query(schema, name);
        ArgTemplate args = ArgTemplate.parse(argsJson, q.arguments(), schema.typeDefinitions());
        IntersticeValue expected = expectJson == null
                ? null
                : typed(schema, List.of(new FieldDef("expected", q.returnType())), "[" + expectJson + "]")
                        .getFirst();
        return Verification.after("query " + name, (control, counts, after) -> {
            IntersticeValue v =
                    control.query(schema.name(), name, args.next(after)).get(1, TimeUnit.MINUTES);
            if (expected == null) return new Verification.Check("query " + name, true, 0, 0, 0, "answered " + show(v));
            boolean ok = expected.equals(v);
            return new Verification.Check(
                    "query " + name,
                    ok,
                    0,
                    0,
                    0,
                    ok ? "answered the expected " + show(v) : "answered " + show(v) + ", expected " + show(expected));
        });
    }

    /** A value for a report line: numbers, strings, booleans, lists and structs much as JSON shows them. */
    static String show(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.U8 x -> Integer.toString(x.value());
            case IntersticeValue.U32 x -> Long.toString(x.value());
            case IntersticeValue.U64 x -> Long.toUnsignedString(x.value());
            case IntersticeValue.I32 x -> Integer.toString(x.value());
            case IntersticeValue.I64 x -> Long.toString(x.value());
            case IntersticeValue.F32 x -> Float.toString(x.value());
            case IntersticeValue.F64 x -> Double.toString(x.value());
            case IntersticeValue.Bool x -> Boolean.toString(x.value());
            case IntersticeValue.Str x -> '"' + x.value() + '"';
            case IntersticeValue.Option x -> x.value() == null ? "null" : show(x.value());
            case IntersticeValue.Vec x ->
                x.items().stream().map(NetworkRun::show).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
            case IntersticeValue.Tuple x ->
                x.items().stream().map(NetworkRun::show).collect(java.util.stream.Collectors.joining(", ", "(", ")"));
            case IntersticeValue.Struct x ->
                x.fields().stream()
                        .map(f -> f.name() + ": " + show(f.value()))
                        .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
            default -> v.toString();
        };
    }
}
