package dev.interstice.cli.bench;

import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads one number from the node through the control connection (a query, or a runtime counter in process). */
@FunctionalInterface
public interface Probe {
    long read(CallTarget control) throws Exception;

    /** A query returning an integer (u8/u32/u64/i32/i64). */
    static Probe query(String module, String query, List<IntersticeValue> args) {
        return control -> asLong(control.query(module, query, args).get(60, TimeUnit.SECONDS), module + "." + query);
    }

    /** A query returning a struct; the integer field {@code field} of it. */
    static Probe queryField(String module, String query, List<IntersticeValue> args, String field) {
        return control -> {
            var v = control.query(module, query, args).get(60, TimeUnit.SECONDS);
            if (!(v instanceof IntersticeValue.Struct s))
                throw new IllegalStateException(module + "." + query + " did not return a struct: " + v);
            var f = s.fields().stream()
                    .filter(x -> x.name().equals(field))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(module + "." + query + " has no field " + field));
            return asLong(f.value(), module + "." + query + "." + field);
        };
    }

    /**
     * The CPU time (ms, user + system) a local process has used, e.g. the node under test on this machine: the run
     * reports it per second of the measured window, so the CPU one call costs the node can be read beside the
     * client's own.
     */
    static Probe processCpuMs(long pid) {
        return control -> ProcessHandle.of(pid)
                .flatMap(h -> h.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time readable for process " + pid))
                .toMillis();
    }

    static long asLong(IntersticeValue v, String what) {
        return switch (v) {
            case IntersticeValue.U8 x -> x.value();
            case IntersticeValue.U32 x -> x.value();
            case IntersticeValue.U64 x -> x.value();
            case IntersticeValue.I32 x -> x.value();
            case IntersticeValue.I64 x -> x.value();
            default -> throw new IllegalStateException(what + " returned " + v + ", not an integer");
        };
    }
}
