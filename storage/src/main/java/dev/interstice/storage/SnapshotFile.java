package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.storage.Bytes.FormatException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshot files: {@code snapshot-<20-digit LSN>.snap}, the state of every table as of that LSN (rows of LOGGED
 * tables; STATEFUL tables are listed but their rows are their row files).
 *
 * <pre>
 * file    := magic:u32 "ISNP" version:u32 block*
 * block   := crc:u32 len:u32 payload[len]          crc = CRC32C(len, payload); entries never span blocks
 * entries := HEADER TABLE* CHAIN* (SECTION ROW*)* END     in that order
 * HEADER  := 0 lsn:u64 lastTxId:u64 nextTableNo:varint tableCount:varint
 * TABLE   := 1 tableNo:varint mode:u8 module:str table:str   (ascending tableNo)
 * CHAIN   := 5 module:str link:32                            (version 2: each module's newest audit chain link)
 * SECTION := 2 tableNo:varint                                  (LOGGED tables only, ascending tableNo)
 * ROW     := 3 key:lenbytes row:lenbytes                       (ascending unsigned key order)
 * END     := 4 tableCount:varint rowCount:varlong              (must be the last bytes of the file)
 * </pre>
 */
final class SnapshotFile {
    private SnapshotFile() {}

    static final int MAGIC = 0x504E5349; // "ISNP" little endian
    /** Version 2 added CHAIN entries; version 1 files (none) are still read. */
    static final int VERSION = 2;

    static final int BLOCK_TARGET = 64 << 10;

    static final int E_HEADER = 0;
    static final int E_TABLE = 1;
    static final int E_SECTION = 2;
    static final int E_ROW = 3;
    static final int E_END = 4;
    static final int E_CHAIN = 5;

    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");

    record OnDisk(Path path, long lsn) {}

    static String name(long lsn) {
        return String.format("snapshot-%020d.snap", lsn);
    }

    static List<OnDisk> list(Path dir) throws IOException {
        List<OnDisk> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) out.add(new OnDisk(p, Long.parseLong(m.group(1))));
            }
        }
        out.sort(Comparator.comparingLong(OnDisk::lsn));
        return out;
    }

    // ------------------------------------------------------------------------------------------------- writer

    static final class Writer implements Closeable {
        private final FileChannel ch;
        private final Bytes.Sink block = new Bytes.Sink(BLOCK_TARGET + 1024);
        private final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        private long written;
        private long rows;
        private int tables;

        Writer(FileChannel ch) throws IOException {
            this.ch = ch;
            block.u32(0).u32(0); // block header placeholder
            out.putInt(MAGIC).putInt(VERSION);
        }

        void header(
                long lsn, long lastTxId, int nextTableNo, List<Registry.Meta> tables, Map<String, byte[]> chainHeads)
                throws IOException {
            block.u8(E_HEADER).u64(lsn).u64(lastTxId).varint(nextTableNo).varint(tables.size());
            for (Registry.Meta m : tables) {
                block.u8(E_TABLE)
                        .varint(m.no())
                        .u8(m.mode().ordinal())
                        .string(m.id().module())
                        .string(m.id().table());
                this.tables++;
                maybeFlush();
            }
            for (var h : new TreeMap<>(chainHeads).entrySet()) {
                block.u8(E_CHAIN).string(h.getKey()).bytes(h.getValue());
                maybeFlush();
            }
        }

        void section(int tableNo) throws IOException {
            block.u8(E_SECTION).varint(tableNo);
            maybeFlush();
        }

        void row(byte[] key, byte[] row) throws IOException {
            row(key, 0, key.length, row, 0, row.length);
        }

        void row(byte[] kb, int keyOff, int keyLen, byte[] rb, int rowOff, int rowLen) throws IOException {
            block.u8(E_ROW).lenBytes(kb, keyOff, keyLen).lenBytes(rb, rowOff, rowLen);
            rows++;
            maybeFlush();
        }

        /** Writes END and flushes; returns the file size. The caller fsyncs. */
        long finish() throws IOException {
            block.u8(E_END).varint(tables).varint(rows);
            flushBlock();
            drain();
            return written;
        }

        long rows() {
            return rows;
        }

        private void maybeFlush() throws IOException {
            if (block.len >= BLOCK_TARGET) flushBlock();
        }

        private void flushBlock() throws IOException {
            int len = block.len - 8;
            if (len == 0) return;
            Bytes.putInt(block.buf, 4, len);
            Bytes.putInt(block.buf, 0, Bytes.crc32c(block.buf, 4, len + 4));
            int off = 0;
            while (off < block.len) {
                if (!out.hasRemaining()) drain();
                int n = Math.min(out.remaining(), block.len - off);
                out.put(block.buf, off, n);
                off += n;
            }
            block.reset();
            block.u32(0).u32(0);
        }

        private void drain() throws IOException {
            out.flip();
            while (out.hasRemaining()) written += ch.write(out);
            out.clear();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    // ------------------------------------------------------------------------------------------------- reader

    /**
     * Where a section's rows start: the block holding the entry after its SECTION entry and the entry's position in
     * that block (recovery reads a LOGGED table's rows from there again when the runtime loads them).
     */
    record Section(long blockOffset, int pos) {}

    /**
     * Streaming reader: header and table list up front, then sections of rows via {@link #nextSection}/{@link
     * #nextRow}. It reads at explicit positions, so readers may share a channel.
     */
    static final class Reader implements Closeable {
        final Path path;
        private final FileChannel ch;
        private final boolean ownsChannel;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        private long fileOffset; // offset of in.position() within the file
        private long readAt; // offset of the next byte read into in
        private final long size;
        private byte[] blockBuf = new byte[BLOCK_TARGET + 1024];
        private Bytes.Source src = new Bytes.Source(blockBuf, 0, 0);
        private long blockOffset;
        private boolean ended;
        private int peeked = -1;

        long lsn;
        long lastTxId;
        int nextTableNo;
        final List<Registry.Meta> tables = new ArrayList<>();
        /** Each module's newest audit chain link as of {@link #lsn} (none in a version 1 file). */
        final Map<String, byte[]> chainHeads = new HashMap<>();

        private long rowsSeen;

        // the current row, inside src.buf
        private int keyOff;
        private int keyLen;
        private int rowOff;
        private int rowLen;

        Reader(Path path) throws IOException {
            this(path, FileChannel.open(path, StandardOpenOption.READ), true);
        }

        /** Reads the snapshot open on {@code ch}; closes the channel at {@link #close} only if {@code owns}. */
        Reader(Path path, FileChannel ch, boolean owns) throws IOException {
            this.path = path;
            this.ch = ch;
            this.ownsChannel = owns;
            try {
                this.size = ch.size();
                in.limit(0);
                if (size < 8) throw corrupt(0, "file too short (" + size + " bytes)");
                ensure(8);
                int magic = in.getInt();
                int version = in.getInt();
                fileOffset += 8;
                if (magic != MAGIC) throw corrupt(0, "not a snapshot file (bad magic)");
                if (version != 1 && version != VERSION) throw corrupt(4, "unsupported snapshot version " + version);
                if (nextEntry() != E_HEADER) throw corrupt(blockOffset, "missing snapshot header");
                lsn = src.u64();
                lastTxId = src.u64();
                nextTableNo = src.varint(WalFormat.MAX_TABLE_NO + 1);
                int n = src.varint(Integer.MAX_VALUE);
                int prev = 0;
                for (int i = 0; i < n; i++) {
                    if (nextEntry() != E_TABLE) throw corrupt(blockOffset, "missing table entry");
                    int no = src.varint(WalFormat.MAX_TABLE_NO);
                    int mode = src.u8();
                    if (mode > Persistence.STATEFUL.ordinal())
                        throw corrupt(blockOffset, "bad persistence mode " + mode); // ephemeral tables are never stored
                    String module = src.string();
                    String table = src.string();
                    if (no <= prev) throw corrupt(blockOffset, "table numbers not ascending");
                    prev = no;
                    tables.add(new Registry.Meta(no, new TableId(module, table), Persistence.values()[mode]));
                }
                int e;
                while ((e = nextEntry()) == E_CHAIN) {
                    String module = src.string();
                    int at = src.pos;
                    src.skip(AuditChain.HASH_BYTES);
                    chainHeads.put(module, copy(src.buf, at, AuditChain.HASH_BYTES));
                }
                peeked = e;
            } catch (FormatException e) {
                close();
                throw corrupt(blockOffset, e.getMessage());
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /**
         * Reads the rows of the section at {@code at} (a {@link #section()} of an earlier reader of the same file) with
         * {@link #nextRow}, until that section ends; every block read is CRC-checked again. Does not close {@code ch}.
         */
        Reader(Path path, FileChannel ch, Section at) throws IOException {
            this.path = path;
            this.ch = ch;
            this.ownsChannel = false;
            this.size = ch.size();
            in.limit(0);
            fileOffset = at.blockOffset();
            readAt = at.blockOffset();
            readBlock();
            if (at.pos() < src.pos || at.pos() > src.limit) throw corrupt(at.blockOffset(), "bad section position");
            src.pos = at.pos();
        }

        /** Where the rows of the section {@link #nextSection} just returned start. */
        Section section() {
            return new Section(blockOffset, src.pos);
        }

        /** Advances to the next section (skipping rows); returns its table number, or -1 at the end of the file. */
        int nextSection() throws IOException {
            try {
                while (true) {
                    int e = peeked >= 0 ? takePeek() : nextEntry();
                    switch (e) {
                        case E_ROW -> skipRow();
                        case E_SECTION -> {
                            return src.varint(WalFormat.MAX_TABLE_NO);
                        }
                        case E_END -> {
                            finishEnd();
                            return -1;
                        }
                        default -> throw corrupt(blockOffset, "unexpected entry " + e);
                    }
                }
            } catch (FormatException e) {
                throw corrupt(blockOffset, e.getMessage());
            }
        }

        /** Reads the next row of the current section into {@link #key()}/{@link #row()}; false at the section's end. */
        boolean nextRow() throws IOException {
            try {
                int e = peeked >= 0 ? takePeek() : nextEntry();
                if (e == E_ROW) {
                    keyOff = src.lenBytes();
                    keyLen = src.lastLen;
                    rowOff = src.lenBytes();
                    rowLen = src.lastLen;
                    rowsSeen++;
                    return true;
                }
                if (e != E_SECTION && e != E_END) throw corrupt(blockOffset, "unexpected entry " + e);
                peeked = e;
                return false;
            } catch (FormatException e) {
                throw corrupt(blockOffset, e.getMessage());
            }
        }

        /** A copy of the current row's key. */
        byte[] key() {
            return Arrays.copyOfRange(src.buf, keyOff, keyOff + keyLen);
        }

        /** A copy of the current row. */
        byte[] row() {
            return Arrays.copyOfRange(src.buf, rowOff, rowOff + rowLen);
        }

        /** The current row without copying: key and row are ranges of this array, valid until the next read. */
        byte[] buf() {
            return src.buf;
        }

        int keyOff() {
            return keyOff;
        }

        int keyLen() {
            return keyLen;
        }

        int rowOff() {
            return rowOff;
        }

        int rowLen() {
            return rowLen;
        }

        private int takePeek() {
            int e = peeked;
            peeked = -1;
            return e;
        }

        private void skipRow() throws FormatException {
            src.lenBytes();
            src.lenBytes();
            rowsSeen++;
        }

        private void finishEnd() throws IOException, FormatException {
            src.varint(Integer.MAX_VALUE);
            long rows = src.varlong();
            if (rows != rowsSeen) throw corrupt(blockOffset, "row count " + rowsSeen + " does not match END " + rows);
            if (src.hasMore() || fileOffset != size) throw corrupt(blockOffset, "data after the end of the snapshot");
            ended = true;
        }

        private int nextEntry() throws IOException, FormatException {
            if (ended) throw new FormatException("read past END");
            while (!src.hasMore()) readBlock();
            return src.u8();
        }

        private void readBlock() throws IOException {
            long off = fileOffset;
            if (off >= size) throw corrupt(off, "snapshot truncated (no END entry)");
            ensure(8);
            int crc = in.getInt();
            int len = in.getInt();
            fileOffset += 8;
            if (len <= 0 || len > size - fileOffset) throw corrupt(off, "bad block length " + len);
            if (blockBuf.length < len + 4) blockBuf = new byte[len + 4];
            Bytes.putInt(blockBuf, 0, len);
            int got = 0;
            while (got < len) {
                ensure(1);
                int n = Math.min(in.remaining(), len - got);
                in.get(blockBuf, 4 + got, n);
                got += n;
                fileOffset += n;
            }
            if (Bytes.crc32c(blockBuf, 0, len + 4) != crc) throw corrupt(off, "block CRC mismatch");
            blockOffset = off;
            src = new Bytes.Source(blockBuf, 4, 4 + len);
        }

        /** Makes at least n bytes available in {@code in} (n <= capacity). */
        private void ensure(int n) throws IOException {
            if (in.remaining() >= n) return;
            in.compact();
            while (in.position() < n) {
                int r = ch.read(in, readAt);
                if (r < 0) {
                    in.flip();
                    throw corrupt(fileOffset, "unexpected end of file", new EOFException());
                }
                readAt += r;
            }
            in.flip();
        }

        private StorageCorruptionException corrupt(long offset, String msg) {
            return new StorageCorruptionException(path, offset, msg);
        }

        private StorageCorruptionException corrupt(long offset, String msg, Throwable cause) {
            StorageCorruptionException e = corrupt(offset, msg);
            e.initCause(cause);
            return e;
        }

        @Override
        public void close() throws IOException {
            if (ownsChannel) ch.close();
        }
    }

    static byte[] copy(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }
}
