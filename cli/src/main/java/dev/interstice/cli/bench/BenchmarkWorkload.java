package dev.interstice.cli.bench;

import static dev.interstice.abi.value.IntersticeValue.i64;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.value.IntersticeValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code benchmark-workload} module (modules/benchmark-workload, packaged in interstice-example-modules as
 * {@code modules/benchmark-workload.wasm}): its name, its setup calls and the verifications the load driver runs
 * with it. Everything goes through a {@link CallTarget}, so the same code works in process and over the network.
 */
public final class BenchmarkWorkload {
    public static final String MODULE = "benchmark-workload";
    public static final String RESOURCE = "/modules/benchmark-workload.wasm";
    /** Subscribers of benchevent inserts: one emit_event runs 1 + FANOUT transactions. */
    public static final int FANOUT = 4;

    private BenchmarkWorkload() {}

    /** The module's code from the classpath. */
    public static byte[] wasm() {
        try (InputStream in = BenchmarkWorkload.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IllegalStateException(
                        RESOURCE + " is not on the classpath (build modules/: ./mvnw -pl modules package)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates accounts 0 .. count-1 (those missing) with {@code initialBalance}, calling seed_accounts until
     * account_count reaches count (each call inserts at most 25,000 accounts in one transaction).
     * Returns the number of seed_accounts calls made.
     */
    public static int seedAccounts(CallTarget control, int count, long initialBalance) throws Exception {
        int calls = 0;
        while (accountCount(control) < count) {
            control.call(MODULE, "seed_accounts", List.of(u32(count), i64(initialBalance)))
                    .get(5, TimeUnit.MINUTES);
            if (++calls > count / 1000 + 100) throw new IllegalStateException("seed_accounts makes no progress");
        }
        return calls;
    }

    public static long accountCount(CallTarget control) throws Exception {
        return Probe.query(MODULE, "account_count", List.of()).read(control);
    }

    public static void call(CallTarget control, String reducer, IntersticeValue... args) throws Exception {
        control.call(MODULE, reducer, List.of(args)).get(1, TimeUnit.MINUTES);
    }

    /** Workload transactions committed with track_progress = true (all clients). */
    public static Probe totalCommitted() {
        return Probe.query(MODULE, "total_committed", List.of());
    }

    public static Probe fanoutSeen() {
        return Probe.query(MODULE, "fanout_seen", List.of());
    }

    public static Probe tickCount() {
        return Probe.query(MODULE, "tick_count", List.of());
    }

    public static Probe totalBalance() {
        return Probe.query(MODULE, "total_balance", List.of());
    }

    /** total_committed grows by exactly the number of acknowledged calls. */
    public static Verification committedMatchesAcks() {
        return Verification.deltaEqualsAcks("total_committed", totalCommitted(), 1);
    }

    /** Every acknowledged emit_event ran its FANOUT subscribers. */
    public static Verification fanoutMatchesAcks() {
        return Verification.deltaEqualsAcks("fanout_seen", fanoutSeen(), FANOUT);
    }

    /** Transfers never create or destroy money. */
    public static Verification balanceUnchanged() {
        return Verification.unchanged("total_balance", totalBalance());
    }

    /** The upstream-style template of the insert/update/mix/emit workloads: client, seq, payload size, track progress. */
    public static String workloadArgs(int payloadBytes) {
        return "[\"$client\", \"$seq\", " + payloadBytes + ", true]";
    }

    static IntersticeValue tickArg(long ms) {
        return u64(ms);
    }

    /**
     * The checks a call of {@code reducer} of this module supports, judged from its argument template: transfer keeps
     * the total balance; a workload call whose {@code track_progress} argument is the literal {@code true} adds one to
     * total_committed (emit_event also runs its FANOUT subscribers). Empty for anything else.
     */
    public static List<Verification> checksFor(String reducer, List<FieldDef> params, String argsJson) {
        var out = new ArrayList<Verification>();
        if (reducer.equals("transfer")) out.add(balanceUnchanged());
        int track = -1;
        for (int i = 0; i < params.size(); i++) if (params.get(i).name().equals("track_progress")) track = i;
        if (track >= 0) {
            JsonNode args;
            try {
                args = new ObjectMapper().readTree(argsJson);
            } catch (IOException e) {
                return out; // the template's own parsing reports it
            }
            if (args != null
                    && args.isArray()
                    && args.size() == params.size()
                    && args.get(track).isBoolean()
                    && args.get(track).asBoolean()) {
                out.add(committedMatchesAcks());
                if (reducer.equals("emit_event")) out.add(fanoutMatchesAcks());
            }
        }
        return out;
    }
}
