package dev.interstice.network;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Changes to valid bytes (a frame, a module) for the fuzz tests: bit flips, cuts, overwrites, insertions. */
final class Mutations {
    private Mutations() {}

    /** One change to a byte string. */
    interface Mutation {
        byte[] apply(byte[] bytes);
    }

    /** A few changes, mostly one (none now and then, so valid input is exercised too). */
    static Arbitrary<List<Mutation>> some() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<byte[]> junk =
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8);
        Arbitrary<Mutation> flip =
                Combinators.combine(at, Arbitraries.integers().between(0, 7)).as((i, bit) -> b -> flip(b, i, bit));
        Arbitrary<Mutation> truncate = Arbitraries.doubles().between(0, 1).map(keep -> b -> truncate(b, keep));
        Arbitrary<Mutation> overwrite = Combinators.combine(at, junk).as((i, with) -> b -> overwrite(b, i, with));
        Arbitrary<Mutation> insert = Combinators.combine(at, junk).as((i, with) -> b -> insert(b, i, with));
        Arbitrary<Mutation> none = Arbitraries.just(b -> b);
        return Arbitraries.frequencyOf(
                        Tuple.of(1, none),
                        Tuple.of(3, flip),
                        Tuple.of(2, truncate),
                        Tuple.of(3, overwrite),
                        Tuple.of(2, insert))
                .list()
                .ofMinSize(1)
                .ofMaxSize(6);
    }

    static byte[] applyAll(List<Mutation> mutations, byte[] bytes) {
        for (Mutation m : mutations) bytes = m.apply(bytes);
        return bytes;
    }

    private static byte[] flip(byte[] b, int at, int bit) {
        if (b.length == 0) return b;
        byte[] c = b.clone();
        c[at % c.length] ^= (byte) (1 << bit);
        return c;
    }

    private static byte[] truncate(byte[] b, double keep) {
        return Arrays.copyOf(b, (int) (b.length * keep));
    }

    private static byte[] overwrite(byte[] b, int at, byte[] with) {
        if (b.length == 0) return with;
        byte[] c = b.clone();
        int from = at % c.length;
        for (int i = 0; i < with.length && from + i < c.length; i++) c[from + i] = with[i];
        return c;
    }

    private static byte[] insert(byte[] b, int at, byte[] with) {
        int from = at % (b.length + 1);
        byte[] c = new byte[b.length + with.length];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(with, 0, c, from, with.length);
        System.arraycopy(b, from, c, from + with.length, b.length - from);
        return c;
    }
}
