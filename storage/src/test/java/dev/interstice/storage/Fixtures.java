package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared helpers for the storage tests. */
final class Fixtures {
    private Fixtures() {}

    static final TableId LOG = new TableId("mod", "logged");
    static final TableId STATE = new TableId("mod", "stateful");
    static final Map<TableId, Persistence> BOTH = Map.of(LOG, Persistence.LOGGED, STATE, Persistence.STATEFUL);

    static StorageConfig cfg(Path dir) {
        return new StorageConfig(dir, 64 << 10, Duration.ofMillis(5), false);
    }

    /** For tests that inspect the exact segment layout: no background compaction, no preallocated segments. */
    static StorageConfig exactLayout(StorageConfig c) {
        return c.withAutoCompaction(false).withPreallocateSegments(false);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static Change put(TableId t, String k, String v) {
        return new Change.Put(t, b(k), b(v));
    }

    static Change del(TableId t, String k) {
        return new Change.Delete(t, b(k));
    }

    static TxRecord tx(long id, Change... changes) {
        return new TxRecord(id, System.currentTimeMillis(), List.of(changes));
    }

    /** Rows as a sorted String map, for readable assertions. */
    static TreeMap<String, String> strings(Map<ByteKey, byte[]> rows) {
        TreeMap<String, String> out = new TreeMap<>();
        rows.forEach((k, v) -> out.put(s(k.bytes()), s(v)));
        return out;
    }

    static TreeMap<String, String> rows(Storage s, TableId t) {
        return strings(s.recovered().rows(t));
    }

    static List<Path> segments(Path dir) {
        try (Stream<Path> st = Files.list(dir.resolve("wal"))) {
            return st.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path lastSegment(Path dir) {
        return segments(dir).getLast();
    }

    static List<Path> rowFiles(Path dir, TableId t) {
        Path d = RowFiles.tableDir(dir.resolve("rows"), t);
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> st = Files.list(d)) {
            return st.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Total size of the files under dir (tolerates files deleted concurrently by a running compaction). */
    static long dirBytes(Path dir) {
        for (int attempt = 0; ; attempt++) {
            try (Stream<Path> st = Files.walk(dir)) {
                return st.filter(Files::isRegularFile)
                        .mapToLong(p -> {
                            try {
                                return Files.size(p);
                            } catch (IOException e) {
                                return 0;
                            }
                        })
                        .sum();
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 20) throw new IllegalStateException(e);
            }
        }
    }

    /** Recursively copies a directory (a "disk image" of a storage). */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> st = Files.walk(from)) {
            for (Path p : st.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> st = Files.walk(root)) {
            for (Path p : st.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path p, byte[] data) {
        try {
            Files.write(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(List<Path> paths) {
        List<String> out = new ArrayList<>();
        for (Path p : paths) out.add(p.getFileName().toString());
        return out;
    }

    static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    static long toLong(byte[] b) {
        long v = 0;
        for (byte x : b) v = (v << 8) | (x & 0xFF);
        return v;
    }

    static byte[] flip(byte[] data, int offset, int bit) {
        byte[] c = Arrays.copyOf(data, data.length);
        c[offset] ^= (byte) (1 << bit);
        return c;
    }
}
