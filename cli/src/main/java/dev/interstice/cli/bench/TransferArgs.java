package dev.interstice.cli.bench;

import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Arguments of {@code transfer(from: u32, to: u32, amount: i64)}: accounts {@code 0 .. accounts-1} drawn uniformly or
 * from a {@link Zipf} law (account 0 the hottest), {@code to != from} (if the draw repeats {@code from}, {@code to}
 * becomes {@code (to + 1) % accounts}: the rule scripts/bench/postgres-transfer.sh uses too), amount uniform in
 * {@code 1 .. maxAmount}. Each connection's sender thread draws from its own generator, seeded from {@code seed} and the
 * connection index.
 */
public final class TransferArgs implements ArgSource {
    private final int accounts;
    private final Zipf zipf; // null: uniform
    private final long maxAmount;
    private final ThreadLocal<SplittableRandom> random;
    private final long seed;

    private TransferArgs(int accounts, Zipf zipf, long maxAmount, long seed) {
        if (accounts < 2) throw new IllegalArgumentException("a transfer needs at least 2 accounts");
        if (maxAmount < 1) throw new IllegalArgumentException("maxAmount must be >= 1");
        this.accounts = accounts;
        this.zipf = zipf;
        this.maxAmount = maxAmount;
        this.seed = seed;
        this.random = new ThreadLocal<>();
    }

    public static TransferArgs uniform(int accounts, long maxAmount, long seed) {
        return new TransferArgs(accounts, null, maxAmount, seed);
    }

    public static TransferArgs zipf(int accounts, double alpha, long maxAmount, long seed) {
        return new TransferArgs(accounts, new Zipf(accounts, alpha), maxAmount, seed);
    }

    public String describe() {
        return (zipf == null ? "uniform" : "zipf(alpha=" + zipf.alpha() + ")") + " over " + accounts
                + " accounts, amount 1.." + maxAmount;
    }

    private int draw(SplittableRandom r) {
        return zipf == null ? r.nextInt(accounts) : zipf.sample(r);
    }

    /** One draw of (from, to, amount), exposed for tests. */
    long[] draw3(SplittableRandom r) {
        int from = draw(r);
        int to = draw(r);
        if (to == from) to = (to + 1) % accounts;
        long amount = 1 + r.nextLong(maxAmount);
        return new long[] {from, to, amount};
    }

    @Override
    public List<IntersticeValue> next(TemplateContext ctx) {
        SplittableRandom r = random.get();
        if (r == null) {
            r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ctx.worker());
            random.set(r);
        }
        long[] d = draw3(r);
        return List.of(IntersticeValue.u32(d[0]), IntersticeValue.u32(d[1]), IntersticeValue.i64(d[2]));
    }
}
