package dev.interstice.cli.bench;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.cli.Cli;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The built-in load profiles against the {@code benchmark-workload} module: which reducer, with which arguments,
 * which setup (accounts, the tick chain) and which checks afterwards. Shared by {@code interstice benchmark profile}
 * (over the network) and {@code InProcessBench} (a node in the same process), so both run exactly the same workload.
 */
public final class Profiles {

    /**
     * A profile. {@code ack}: its acknowledgement mode unless the command line says otherwise ("durable" or "fast").
     * {@code transactionsPerCall}: transactions one acknowledged call commits (0 where the count is not fixed, e.g. the
     * tick chain commits in the background), for runners that can count the node's transactions.
     */
    public record Profile(String name, String description, String ack, int transactionsPerCall) {}

    public static final List<Profile> ALL = List.of(
            new Profile("noop", "empty reducer (noop): the cost of a call and an empty transaction", "durable", 1),
            new Profile(
                    "insert-ephemeral",
                    "tx_insert_ephemeral: one in-memory row + its progress row per call",
                    "durable",
                    1),
            new Profile(
                    "insert-stateful",
                    "tx_insert_stateful: one stateful row + progress row, durable acknowledgement",
                    "durable",
                    1),
            new Profile(
                    "insert-logged-durable",
                    "tx_insert_logged: one logged row + progress row, acknowledged after fsync",
                    "durable",
                    1),
            new Profile(
                    "insert-logged-fast",
                    "tx_insert_logged: acknowledged after the in-memory commit (fsync within ~10 ms)",
                    "fast",
                    1),
            new Profile(
                    "fanout",
                    "emit_event: one insert, " + BenchmarkWorkload.FANOUT + " subscriber transactions per call",
                    "durable",
                    1 + BenchmarkWorkload.FANOUT),
            new Profile(
                    "scheduler", "tx_insert_ephemeral calls while tick reschedules itself with delay 0", "durable", 0),
            new Profile(
                    "transfer-uniform",
                    "transfer between 2 of N logged accounts drawn uniformly, durable",
                    "durable",
                    1),
            new Profile(
                    "transfer-skewed",
                    "transfer between 2 of N logged accounts drawn from Zipf(alpha), durable",
                    "durable",
                    1),
            new Profile(
                    "custom",
                    "--reducer R --args-json '[...]' (placeholders $seq $worker $op $client $now_ms ...)",
                    "durable",
                    1));

    private Profiles() {}

    public static Optional<Profile> find(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static Profile require(String name) {
        return find(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown profile '" + name + "'; profiles: "
                        + String.join(", ", ALL.stream().map(Profile::name).toList())));
    }

    /** The workload's parameters (defaults as documented in docs/benchmarks.md). */
    public static final class Workload {
        public int payloadBytes = 64;
        public int accounts = 100_000;
        public long initialBalance = 1_000_000;
        public long maxAmount = 100;
        public double zipfAlpha = 1.5;
        public long seed = 42;
        /** custom profile (or a profile's call replaced): reducer and JSON argument template */
        public String reducer;

        public String argsJson;
    }

    /** What a prepared profile needs after the run. */
    public interface Prepared {
        /** Undoes the profile's setup that must not outlive the run (stops the tick chain). */
        void finish(CallTarget control) throws Exception;
    }

    /**
     * Sets the profile's reducer, arguments, checks and notes on {@code cfg} and runs its setup through
     * {@code control} (seeding accounts, starting the tick chain). {@code schema}: the benchmark-workload module as
     * the node describes it (types the argument templates). Setup messages go to {@code log}.
     */
    public static Prepared prepare(
            Profile profile, Workload w, ModuleSchema schema, CallTarget control, LoadConfig cfg, Consumer<String> log)
            throws Exception {
        requireWorkload(profile, w, schema);
        cfg.name(profile.name()).module(BenchmarkWorkload.MODULE);
        Prepared nothing = c -> {};
        Prepared prepared = nothing;
        switch (profile.name()) {
            case "noop" -> cfg.reducer("noop");
            case "insert-ephemeral", "insert-stateful", "insert-logged-durable", "insert-logged-fast" -> {
                String mode = profile.name().split("-")[1];
                template(cfg, schema, "tx_insert_" + mode, BenchmarkWorkload.workloadArgs(w.payloadBytes));
                cfg.verify(BenchmarkWorkload.committedMatchesAcks());
                cfg.note("payload_bytes", w.payloadBytes);
            }
            case "fanout" -> {
                template(cfg, schema, "emit_event", BenchmarkWorkload.workloadArgs(w.payloadBytes));
                cfg.verify(BenchmarkWorkload.committedMatchesAcks());
                cfg.verify(BenchmarkWorkload.fanoutMatchesAcks());
                cfg.measureRate("subscriber_transactions", BenchmarkWorkload.fanoutSeen());
                cfg.note("fanout_subscribers", BenchmarkWorkload.FANOUT);
                cfg.note("payload_bytes", w.payloadBytes);
            }
            case "scheduler" -> {
                template(cfg, schema, "tx_insert_ephemeral", BenchmarkWorkload.workloadArgs(w.payloadBytes));
                cfg.verify(BenchmarkWorkload.committedMatchesAcks());
                cfg.measureRate("ticks", BenchmarkWorkload.tickCount());
                cfg.note("tick_ms", 0);
                BenchmarkWorkload.call(control, "start_tick", BenchmarkWorkload.tickArg(0));
                prepared = c -> BenchmarkWorkload.call(c, "stop_tick");
            }
            case "transfer-uniform", "transfer-skewed" -> {
                long t = System.nanoTime();
                int calls = BenchmarkWorkload.seedAccounts(control, w.accounts, w.initialBalance);
                long seedMs = (System.nanoTime() - t) / 1_000_000;
                log.accept(String.format(
                        Locale.ROOT,
                        "seeded %,d accounts in %,d ms (%d seed_accounts transactions)",
                        w.accounts,
                        seedMs,
                        calls));
                var args = profile.name().equals("transfer-uniform")
                        ? TransferArgs.uniform(w.accounts, w.maxAmount, w.seed)
                        : TransferArgs.zipf(w.accounts, w.zipfAlpha, w.maxAmount, w.seed);
                cfg.reducer("transfer").args(args, args.describe());
                cfg.verify(BenchmarkWorkload.balanceUnchanged());
                cfg.note("accounts", w.accounts);
                cfg.note("initial_balance", w.initialBalance);
                cfg.note("seed_ms", seedMs);
                cfg.note("seed_transactions", calls);
                cfg.note(
                        "insufficient_funds",
                        "a refused transfer commits as an empty transaction (counted as acknowledged)");
            }
            case "custom" -> {
                if (w.reducer == null)
                    throw new IllegalArgumentException("the custom profile needs --reducer (and --args-json)");
                template(cfg, schema, w.reducer, w.argsJson == null ? "[]" : w.argsJson);
            }
            default -> throw new IllegalArgumentException("unknown profile " + profile.name());
        }
        if (w.reducer != null && !profile.name().equals("custom")) {
            if (w.argsJson == null)
                throw new IllegalArgumentException("--reducer on a built-in profile needs --args-json too");
            template(cfg, schema, w.reducer, w.argsJson);
        }
        cfg.note("profile", profile.description());
        return prepared;
    }

    /** The reducers and queries a profile calls (setup, load, checks); custom profiles name their own reducer. */
    record Needs(List<String> reducers, List<String> queries) {}

    static Needs needs(Profile profile, Workload w) {
        return switch (profile.name()) {
            case "noop" -> new Needs(List.of("noop"), List.of());
            case "insert-ephemeral", "insert-stateful", "insert-logged-durable", "insert-logged-fast" ->
                new Needs(List.of("tx_insert_" + profile.name().split("-")[1]), List.of("total_committed"));
            case "fanout" -> new Needs(List.of("emit_event"), List.of("total_committed", "fanout_seen"));
            case "scheduler" ->
                new Needs(
                        List.of("tx_insert_ephemeral", "start_tick", "stop_tick"),
                        List.of("total_committed", "tick_count"));
            case "transfer-uniform", "transfer-skewed" ->
                new Needs(List.of("seed_accounts", "transfer"), List.of("account_count", "total_balance"));
            default -> new Needs(w.reducer == null ? List.of() : List.of(w.reducer), List.of());
        };
    }

    /**
     * Fails before any call is sent when the module lacks what the profile calls. Upstream's benchmark-workload module
     * has the reducers of noop, insert-*, fanout and scheduler and the query total_committed, but not our fanout_seen,
     * tick_count, seed_accounts, transfer and their queries: those profiles need this project's module.
     */
    static void requireWorkload(Profile profile, Workload w, ModuleSchema schema) {
        Needs needs = needs(profile, w);
        var missing = new java.util.ArrayList<String>();
        for (String r : needs.reducers())
            if (schema.reducer(r).isEmpty() && !profile.name().equals("custom")) missing.add("reducer '" + r + "'");
        for (String q : needs.queries()) if (schema.query(q).isEmpty()) missing.add("query '" + q + "'");
        if (missing.isEmpty()) return;
        throw new IllegalArgumentException(
                "profile '" + profile.name() + "' cannot run against module '" + schema.name() + "': it has no "
                        + String.join(", no ", missing)
                        + "; nothing was sent. The built-in profiles drive this project's benchmark-workload module "
                        + "(serve it with: " + Cli.command("example benchmark")
                        + "); upstream's benchmark-workload module serves noop and the insert-* profiles"
                        + " only; its reducers: "
                        + schema.reducers().stream().map(ReducerSchema::name).toList());
    }

    /** Types {@code json} by the reducer's parameters and makes it the call of {@code cfg}. */
    public static void template(LoadConfig cfg, ModuleSchema schema, String reducer, String json) {
        ReducerSchema r = schema.reducer(reducer)
                .orElseThrow(() -> new IllegalArgumentException("module " + schema.name() + " has no reducer '"
                        + reducer + "'; its reducers: "
                        + schema.reducers().stream().map(ReducerSchema::name).toList()));
        cfg.reducer(reducer).args(ArgTemplate.parse(json, r.arguments(), schema.typeDefinitions()), json);
    }
}
