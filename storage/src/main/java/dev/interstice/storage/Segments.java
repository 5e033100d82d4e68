package dev.interstice.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Log segment files: {@code wal/<20-digit first LSN>.log}. */
final class Segments {
    private Segments() {}

    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.log");

    /** A sealed (complete, fsynced, immutable) segment. */
    record Sealed(Path path, long firstLsn, long lastLsn, long bytes) {}

    record OnDisk(Path path, long firstLsn) {}

    static String name(long firstLsn) {
        return String.format("%020d.log", firstLsn);
    }

    static List<OnDisk> list(Path walDir) throws IOException {
        List<OnDisk> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) out.add(new OnDisk(p, Long.parseLong(m.group(1))));
            }
        }
        out.sort(Comparator.comparingLong(OnDisk::firstLsn));
        return out;
    }

    /** Result of reading the frames of one segment from its start; validEnd excludes a zero-filled tail. */
    record Scan(int validEnd, long nextLsn, String badReason, boolean certainCorruption) {
        boolean clean() {
            return badReason == null;
        }
    }

    /**
     * Walks the frames of {@code data[0, size)}, expecting consecutive LSNs from {@code firstLsn}. For every good frame
     * it runs {@code check} (which may reject it) and then {@code apply}. Stops at the first bad frame.
     */
    static Scan scan(byte[] data, int size, long firstLsn, WalFormat.Visitor check, WalFormat.Visitor apply) {
        int pos = 0;
        long expected = firstLsn;
        while (pos < size) {
            int n = WalFormat.check(data, pos, size);
            if (n < 0) {
                // Zeros after the last record: the unused part of a preallocated segment (a clean end).
                if (Bytes.allZero(data, pos, size)) return new Scan(pos, expected, null, false);
                return new Scan(pos, expected, WalFormat.whyBad(data, pos, size), false);
            }
            long lsn = WalFormat.lsn(data, pos);
            if (lsn != expected)
                return new Scan(
                        pos, expected, "record has LSN " + lsn + " but LSN " + expected + " was expected", true);
            try {
                WalFormat.decode(data, pos, null);
                if (check != null) WalFormat.decode(data, pos, check);
            } catch (Bytes.FormatException e) {
                return new Scan(pos, expected, "malformed record LSN " + lsn + ": " + e.getMessage(), true);
            }
            try {
                if (apply != null) WalFormat.decode(data, pos, apply);
            } catch (Bytes.FormatException e) {
                throw new IllegalStateException("record passed validation but failed to apply", e);
            }
            pos += n;
            expected++;
        }
        return new Scan(pos, expected, null, false);
    }

    /** Valid frames found after a bad one. */
    record Later(int count, long maxLsn, boolean writtenAfterBadWasDurable) {}

    /**
     * Looks at every offset after {@code from} for complete frames with a matching CRC and an LSN >= badLsn. A frame
     * whose syncedLsn >= badLsn was written after the bad record had been fsynced, which proves the bad record is
     * damage of durable data rather than a torn write.
     */
    static Later scanLater(byte[] data, int from, int size, long badLsn) {
        int count = 0;
        long maxLsn = badLsn - 1;
        boolean durable = false;
        int q = from + 1;
        while (q <= size - WalFormat.HEADER) {
            if (data[q + 8] == 0) {
                // A candidate's LSN field (>= 1) holds a non-zero byte: jump to 15 bytes before the next non-zero byte.
                int z = Bytes.nextNonZero(data, q + 8, size);
                if (z < 0) break;
                if (z - 15 > q) {
                    q = z - 15;
                    continue;
                }
            }
            long lsn = WalFormat.lsn(data, q);
            if (lsn >= badLsn && lsn - badLsn < (1L << 32)) {
                int n = WalFormat.check(data, q, size);
                if (n > 0) {
                    count++;
                    maxLsn = Math.max(maxLsn, lsn);
                    if (WalFormat.syncedLsn(data, q) >= badLsn) durable = true;
                    q += n;
                    continue;
                }
            }
            q++;
        }
        return new Later(count, maxLsn, durable);
    }
}
