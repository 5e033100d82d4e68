package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Rows packed in pages behave as a TreeMap of keys to bytes: gets, puts (same length in place, other lengths moved,
 * large rows in pages of their own), removes, ordered reads from a key; and churn gives dead pages back.
 */
class PagedRowsTest {

    private static IndexKey key(long k) {
        return new IndexKey(IntersticeValue.i64(k));
    }

    private static PagedRows rows() {
        return (PagedRows) RowStore.forType(IntersticeType.I64);
    }

    /** A row whose bytes say which key and version wrote it, {@code length} long (at least 9). */
    private static byte[] row(long k, int version, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) (k * 31 + version + i);
        return b;
    }

    private static List<String> read(Iterator<StoredRow> it) {
        var out = new ArrayList<String>();
        it.forEachRemaining(s -> out.add(s.pk() + "=" + java.util.Arrays.toString(s.encoded())));
        return out;
    }

    private static List<String> read(Map<Long, byte[]> model) {
        var out = new ArrayList<String>();
        model.forEach((k, v) -> out.add(key(k) + "=" + java.util.Arrays.toString(v)));
        return out;
    }

    private static void same(PagedRows rows, TreeMap<Long, byte[]> model, Random r, long keyRange) {
        assertThat(rows.size()).isEqualTo(model.size());
        assertThat(read(rows.all())).isEqualTo(read(model));
        for (int i = 0; i < 20; i++) {
            long k = r.nextLong(keyRange + 2) - keyRange / 2 - 1;
            assertThat(rows.get(key(k))).isEqualTo(model.get(k));
            boolean inclusive = r.nextBoolean();
            assertThat(read(rows.from(key(k), inclusive))).isEqualTo(read(model.tailMap(k, inclusive)));
        }
    }

    /**
     * Random puts (lengths 9 to past a page of its own) and removes over keys revisited often, against a TreeMap; with
     * {@code bulk}, as one bulk load (the key order built at its end), lookups checked along the way.
     */
    @Property(tries = 60)
    void behavesAsATreeMapOfBytes(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 20_000) int ops,
            @ForAll @LongRange(min = 1, max = 5_000) long keyRange,
            @ForAll @IntRange(min = 0, max = 100) int removePercent,
            @ForAll boolean bulk) {
        var r = new Random(seed);
        var rows = rows();
        var model = new TreeMap<Long, byte[]>();
        if (bulk) rows.beginLoad(ops / 2);
        for (int i = 0; i < ops; i++) {
            if (bulk && i % 97 == 0) {
                long k = r.nextLong(keyRange) - keyRange / 2;
                assertThat(rows.get(key(k))).isEqualTo(model.get(k));
            }
            long k = r.nextLong(keyRange) - keyRange / 2; // negative keys too
            if (r.nextInt(100) < removePercent) {
                rows.remove(key(k));
                model.remove(k);
            } else {
                int length = r.nextInt(200) == 0
                        ? RowPages.LARGE + r.nextInt(3000)
                        : 9 + r.nextInt(r.nextBoolean() ? 4 : 300);
                byte[] b = row(k, i, length);
                rows.put(key(k), b);
                model.put(k, b.clone());
            }
        }
        if (bulk) rows.endLoad();
        same(rows, model, r, keyRange);
    }

    @Test
    void aRowReadIsACopyThatLaterWritesDoNotChange() {
        var rows = rows();
        rows.put(key(1), row(1, 0, 20));
        byte[] read = rows.get(key(1));
        StoredRow scanned = rows.all().next();
        rows.put(key(1), row(1, 1, 20)); // same length: rewritten in place
        assertThat(read).isEqualTo(row(1, 0, 20));
        assertThat(scanned.encoded()).isEqualTo(row(1, 0, 20));
        assertThat(rows.get(key(1))).isEqualTo(row(1, 1, 20));
    }

    @Test
    void churnOfEveryLengthKeepsThePagesNearTheLiveRows() {
        var rows = rows();
        var r = new Random(1);
        int n = 20_000;
        for (int k = 0; k < n; k++) rows.put(key(k), row(k, 0, 60));
        long filled = rows.pageBytes();
        for (int i = 1; i <= 200_000; i++) {
            int k = r.nextInt(n);
            rows.put(key(k), row(k, i, 50 + r.nextInt(20))); // mostly another length: the row moves
        }
        // the live rows take about what they took after the fill; dead records are at most half of each page
        assertThat(rows.pageBytes()).isLessThan(2 * filled + 2L * RowPages.PAGE);
        for (int k = 0; k < n; k++) rows.remove(key(k));
        assertThat(rows.size()).isZero();
        assertThat(rows.pageBytes()).isLessThanOrEqualTo(RowPages.PAGE);
    }

    @Test
    void aKeyOfAnotherVariantIsAbsentAndOrdersAsIndexKeysDo() {
        var rows = rows();
        rows.put(key(5), row(5, 0, 10));
        var other = new IndexKey(IntersticeValue.u8(5));
        assertThat(rows.get(other)).isNull();
        rows.remove(other);
        assertThat(rows.size()).isEqualTo(1);
        int c = other.compareTo(key(0));
        assertThat(rows.from(other, true).hasNext()).isEqualTo(c < 0);
    }
}
