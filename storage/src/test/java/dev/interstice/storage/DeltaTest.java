package dev.interstice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compactor's delta against a TreeMap of ByteKey (whose order is the snapshot's order). */
class DeltaTest {
    static final byte[] TOMBSTONE = new byte[0];

    /** Keys that stress the prefix comparison: 0-20 bytes, zero and 0xFF bytes, common prefixes, u64s. */
    static byte[] key(SplittableRandom r, int kind) {
        return switch (kind) {
            case 0 -> { // u64 little endian: the low (first) bytes vary
                byte[] b = new byte[8];
                Bytes.putLong(b, 0, r.nextInt(1 << 20));
                yield b;
            }
            case 1 -> { // u64 big endian: the high (first) bytes are equal
                byte[] b = new byte[8];
                Bytes.putLong(b, 0, Long.reverseBytes(r.nextInt(1 << 20)));
                yield b;
            }
            case 2 -> { // an 8-byte prefix shared by every key, then a short tail
                byte[] b = new byte[8 + r.nextInt(4)];
                Arrays.fill(b, 0, 8, (byte) 'p');
                for (int i = 8; i < b.length; i++) b[i] = (byte) (r.nextInt(3) - 1);
                yield b;
            }
            default -> { // short keys from a tiny alphabet: many are prefixes of others, zero-padding ties
                byte[] b = new byte[r.nextInt(kind == 3 ? 10 : 21)];
                byte[] alphabet = {0, 1, (byte) 0x80, (byte) 0xFF};
                for (int i = 0; i < b.length; i++) b[i] = alphabet[r.nextInt(alphabet.length)];
                yield b;
            }
        };
    }

    @ParameterizedTest
    @CsvSource({"0, 40", "0, 5000", "1, 5000", "2, 3000", "3, 60", "3, 3000", "4, 5000", "-1, 20000"})
    void sortedIsUnsignedKeyOrderWithTheLastChangePerKey(int kind, int ops) {
        SplittableRandom r = new SplittableRandom(kind * 31L + ops);
        Delta d = new Delta();
        TreeMap<ByteKey, byte[]> model = new TreeMap<>();
        // Like a segment: every change's bytes live in one shared array at some offset.
        byte[] seg = new byte[ops * 80];
        int pos = 0;
        for (int i = 0; i < ops; i++) {
            byte[] k = key(r, kind < 0 ? r.nextInt(5) : kind);
            System.arraycopy(k, 0, seg, pos, k.length);
            int keyOff = pos;
            pos += k.length;
            int op = r.nextInt(100);
            if (op < 2 && i < ops - ops / 10) {
                d.clear();
                model.clear();
            } else if (op < 25) {
                d.delete(seg, keyOff, k.length);
                model.put(new ByteKey(k), TOMBSTONE);
            } else {
                byte[] row = new byte[r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(40)]; // empty rows are not tombstones
                r.nextBytes(row);
                System.arraycopy(row, 0, seg, pos, row.length);
                d.put(seg, keyOff, k.length, pos, row.length);
                pos += row.length;
                model.put(new ByteKey(k), row);
            }
        }
        assertThat(d.size()).isEqualTo(model.size());
        List<String> expected = new ArrayList<>();
        for (Map.Entry<ByteKey, byte[]> e : model.entrySet())
            expected.add(e.getKey()
                    + (e.getValue() == TOMBSTONE
                            ? " deleted"
                            : " = " + HexFormat.of().formatHex(e.getValue())));
        List<String> actual = new ArrayList<>();
        for (Delta.Entry e : d.sorted())
            actual.add(HexFormat.of().formatHex(e.key())
                    + (e.tombstone() ? " deleted" : " = " + HexFormat.of().formatHex(e.row())));
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "2", "3", "4"})
    void compareToMatchesUnsignedByteOrder(int kind) {
        SplittableRandom r = new SplittableRandom(kind);
        for (int i = 0; i < 20_000; i++) {
            byte[] a = key(r, kind);
            byte[] b = r.nextInt(8) == 0 ? a.clone() : key(r, r.nextBoolean() ? kind : r.nextInt(5));
            Delta d = new Delta();
            d.put(a, 0, a.length, 0, 0);
            int c = d.get(0).compareTo(b, 0, b.length, Delta.prefix(b, 0, b.length));
            assertThat(Integer.signum(c))
                    .as("%s vs %s", new ByteKey(a), new ByteKey(b))
                    .isEqualTo(Integer.signum(Arrays.compareUnsigned(a, b)));
        }
    }
}
