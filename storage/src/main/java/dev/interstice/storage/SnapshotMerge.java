package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Streams the base snapshot merged with a compaction's sorted deltas into a new snapshot file: per LOGGED table its
 * base rows (from the base snapshot, or from its row files after a STATEFUL -> LOGGED switch) and its changes, both
 * in unsigned key order (changes win, tombstones drop).
 */
final class SnapshotMerge {
    private final SnapshotFile.Writer out;
    private final Compaction.Collected c;
    private final BaseSections base;
    private final RowFileWriter rowFiles;
    private final CompactionAbort abort;

    private SnapshotMerge(
            SnapshotFile.Writer out,
            Compaction.Collected c,
            BaseSections base,
            RowFileWriter rowFiles,
            CompactionAbort abort) {
        this.out = out;
        this.c = c;
        this.base = base;
        this.rowFiles = rowFiles;
        this.abort = abort;
    }

    /** Writes and fsyncs the snapshot as of {@code c.newLsn()} to {@code tmp}; returns its size. */
    static long write(
            Path tmp,
            SnapshotFile.OnDisk baseFile,
            Compaction.Collected c,
            RowFileWriter rowFiles,
            IoHooks hooks,
            CompactionAbort abort)
            throws IOException {
        try (SnapshotFile.Reader baseReader = baseFile == null ? null : new SnapshotFile.Reader(baseFile.path());
                FileChannel ch = PrivateFiles.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            SnapshotFile.Writer w = new SnapshotFile.Writer(ch);
            w.header(
                    c.newLsn(),
                    c.lastTxId(),
                    c.registry().nextNo(),
                    List.copyOf(c.registry().all()),
                    c.chainHeads());
            hooks.compactionPoint("snapshot-started");
            SnapshotMerge merge = new SnapshotMerge(w, c, new BaseSections(baseReader), rowFiles, abort);
            for (Registry.Meta m : c.registry().all()) {
                if (m.mode() != Persistence.LOGGED) continue;
                abort.check();
                w.section(m.no());
                merge.section(m);
            }
            long size = w.finish();
            ch.force(true);
            return size;
        }
    }

    /** Writes LOGGED table {@code m}'s rows. */
    private void section(Registry.Meta m) throws IOException {
        Registry.Meta old = c.oldRegistry().byNo(m.no());
        Delta d = c.deltas().get(m.no());
        boolean useBase = old != null && (d == null || !d.baseDiscarded);
        Delta.Entry[] changes = d == null ? Delta.NONE : d.sorted();
        if (useBase && old.mode() == Persistence.LOGGED) {
            if (base.seek(m.no())) {
                mergeStream(changes);
                base.next();
                return;
            }
            useBase = false;
        }
        int next = 0;
        if (useBase) {
            // A STATEFUL -> LOGGED switch: the base is the table's row files.
            for (Map.Entry<ByteKey, byte[]> e : rowFiles.read(m.id()).entrySet()) {
                byte[] k = e.getKey().bytes();
                byte[] r = e.getValue();
                next = mergeRow(changes, next, k, 0, k.length, r, 0, r.length);
            }
        }
        writeChanges(changes, next);
    }

    /** Merges the base snapshot's current section (sorted) with sorted changes. */
    private void mergeStream(Delta.Entry[] changes) throws IOException {
        SnapshotFile.Reader r = base.reader;
        int next = 0;
        long n = 0;
        while (r.nextRow()) {
            if ((++n & 0xFFF) == 0) abort.check();
            byte[] b = r.buf();
            next = mergeRow(changes, next, b, r.keyOff(), r.keyLen(), b, r.rowOff(), r.rowLen());
        }
        writeChanges(changes, next);
    }

    /**
     * Writes the base row {@code kb[keyOff, +keyLen) -> rb[rowOff, +rowLen)} merged with {@code changes[next..]}:
     * first the changes of smaller keys, then the row itself or the change of its key. Returns the next change.
     */
    private int mergeRow(
            Delta.Entry[] changes, int next, byte[] kb, int keyOff, int keyLen, byte[] rb, int rowOff, int rowLen)
            throws IOException {
        long prefix = Delta.prefix(kb, keyOff, keyLen);
        int cmp = 1;
        while (next < changes.length && (cmp = changes[next].compareTo(kb, keyOff, keyLen, prefix)) < 0)
            write(changes[next++]);
        if (next < changes.length && cmp == 0) write(changes[next++]);
        else out.row(kb, keyOff, keyLen, rb, rowOff, rowLen);
        return next;
    }

    private void writeChanges(Delta.Entry[] changes, int from) throws IOException {
        for (int i = from; i < changes.length; i++) write(changes[i]);
    }

    private void write(Delta.Entry e) throws IOException {
        if (!e.tombstone()) out.row(e.buf, e.keyOff, e.keyLen, e.buf, e.rowOff, e.rowLen);
    }

    /** The base snapshot's sections, read forward once (they are in table-number order). */
    private static final class BaseSections {
        final SnapshotFile.Reader reader; // null: no base snapshot
        private int current;

        BaseSections(SnapshotFile.Reader reader) throws IOException {
            this.reader = reader;
            this.current = reader == null ? -1 : reader.nextSection();
        }

        /** Moves forward to table {@code no}'s section; false if the base has none. */
        boolean seek(int no) throws IOException {
            while (current >= 0 && current < no) current = reader.nextSection();
            return current == no;
        }

        /** Past the current section. */
        void next() throws IOException {
            current = reader.nextSection();
        }
    }
}
