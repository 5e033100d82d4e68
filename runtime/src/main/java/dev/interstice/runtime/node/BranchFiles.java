package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.storage.AtomicFiles;
import dev.interstice.storage.Change;
import dev.interstice.storage.PrivateFiles;
import dev.interstice.storage.TableId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A persistent node's branches on disk (docs/time-travel.md, "What is kept for how long"): {@code branches/<module>/
 * b-<name>/} holds {@code base} (written once at the fork: the transaction that forked it, the fork point and time,
 * the module's code then and its stored tables then, checked by a CRC) and {@code calls} (the reducer calls made in
 * it, appended as their transactions commit, one CRC-checked frame each, tagged with that transaction). A discard or
 * merge renames the directory to {@code gone-<tx>-<name>}. Files are written as the transaction commits, before its log
 * record is durable, so {@link #restore} drops what the recovered log does not hold: a fork, calls or a discard of a
 * transaction a crash cut off. A file it cannot read is set aside ({@code bad-...}) with a warning; the node starts.
 */
final class BranchFiles {
    private static final int MAGIC = 0x49425231; // "IBR1"
    private static final String LIVE = "b-";
    private static final String GONE = "gone-";

    /** A branch read back: its record as {@link Branch} takes it, and the transaction that forked it. */
    record Restored(
            String module,
            String name,
            long forkTx,
            long fromTx,
            long forkTimeMs,
            byte[] wasm,
            List<Change> base,
            List<Branch.Recorded> calls) {}

    private final Path root;

    BranchFiles(Path root) {
        this.root = root;
    }

    private Path dir(String module, String name) {
        return root.resolve(module).resolve(LIVE + name);
    }

    /**
     * Brings the branch's files up to its record as committed by transaction {@code tx}: its base and every call when
     * it has none on disk yet, else the calls made since ({@code onDisk}: how many calls the files hold). Returns how
     * many they hold now.
     */
    int sync(Branch b, List<Branch.Recorded> calls, int onDisk, long tx) {
        try {
            Path d = dir(b.module, b.name);
            if (onDisk < 0) {
                PrivateFiles.createDirectories(d);
                Files.deleteIfExists(d.resolve("calls"));
                AtomicFiles.write(d.resolve("base"), base(b, tx));
                onDisk = 0;
            }
            if (calls.size() > onDisk) append(d.resolve("calls"), calls.subList(onDisk, calls.size()), tx);
            return calls.size();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write branch '" + b.name + "' of module '" + b.module + "': " + e.getMessage(), e);
        }
    }

    /**
     * The branch was discarded or merged by transaction {@code tx} (0: by a person, outside any transaction): its
     * files go ({@code gone-<tx>-<name>} until the log holds {@code tx}, see {@link #restore}).
     */
    void gone(String module, String name, long tx) {
        Path d = dir(module, name);
        try {
            if (!Files.isDirectory(d)) return;
            if (tx == 0) deleteTree(d);
            else {
                Path gone = d.resolveSibling(GONE + tx + "-" + name);
                deleteTree(gone); // the same name forked and discarded again by the same transaction
                Files.move(d, gone);
            }
            AtomicFiles.fsyncDirectory(d.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot remove branch '" + name + "' of module '" + module + "': " + e.getMessage(), e);
        }
    }

    /**
     * The branches kept on disk as of the recovered log's last transaction {@code lastTxId}, in fork order per module.
     * What that log does not hold is dropped (a fork or calls) or undone (a discard); {@code warn} hears what was set
     * aside.
     */
    List<Restored> restore(long lastTxId, Consumer<String> warn) {
        var out = new ArrayList<Restored>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.sorted().toList()) {
                if (!Files.isDirectory(m)) continue;
                undoLostDiscards(m, lastTxId, warn);
                for (Path d : list(m)) if (d.getFileName().toString().startsWith(LIVE)) read(d, lastTxId, warn, out);
            }
        } catch (IOException e) {
            warn.accept("cannot read the branches in " + root + ": " + e.getMessage() + "; none restored");
            return List.of();
        }
        out.sort(Comparator.comparingLong(Restored::forkTx));
        return out;
    }

    /** Discards of transactions the log holds are final; one it lost (a crash) gives the branch back. */
    private void undoLostDiscards(Path module, long lastTxId, Consumer<String> warn) throws IOException {
        for (Path d : list(module)) {
            String f = d.getFileName().toString();
            if (!f.startsWith(GONE)) continue;
            int dash = f.indexOf('-', GONE.length());
            long tx = dash < 0 ? 0 : parse(f.substring(GONE.length(), dash));
            Path live = module.resolve(LIVE + f.substring(dash + 1));
            if (tx > lastTxId && tx > 0 && !Files.exists(live)) {
                Files.move(d, live);
                warn.accept("branch '" + f.substring(dash + 1) + "' of module '" + module.getFileName()
                        + "' is back: the transaction that discarded it (tx " + tx + ") is not in the log");
            } else deleteTree(d);
        }
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void read(Path d, long lastTxId, Consumer<String> warn, List<Restored> out) throws IOException {
        String module = d.getParent().getFileName().toString();
        String name = d.getFileName().toString().substring(LIVE.length());
        Restored r;
        try {
            r = readBase(Files.readAllBytes(d.resolve("base")), module, name);
        } catch (IOException | RuntimeException e) {
            Path aside = d.resolveSibling("bad-" + System.currentTimeMillis() + "-" + name);
            Files.move(d, aside);
            warn.accept("branch '" + name + "' of module '" + module + "' cannot be read (" + e.getMessage()
                    + "): it is not restored and was set aside as " + aside);
            return;
        }
        if (r.forkTx() > lastTxId) { // the fork's transaction is not in the log
            deleteTree(d);
            return;
        }
        Path callsFile = d.resolve("calls");
        var calls = new ArrayList<Branch.Recorded>();
        long kept = readCalls(
                callsFile,
                lastTxId,
                calls,
                what -> warn.accept("branch '" + name + "' of module '" + module + "': " + what + "; it keeps the "
                        + calls.size() + " calls before it"));
        if (Files.exists(callsFile) && kept < Files.size(callsFile))
            try (FileChannel ch = FileChannel.open(callsFile, StandardOpenOption.WRITE)) {
                ch.truncate(kept);
                ch.force(true);
            }
        out.add(new Restored(module, name, r.forkTx(), r.fromTx(), r.forkTimeMs(), r.wasm(), r.base(), calls));
    }

    // ---- formats ----

    private static byte[] base(Branch b, long tx) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeLong(tx);
        out.writeLong(b.fromTx);
        out.writeLong(b.forkTimeMs());
        bytesOut(out, b.wasm());
        out.writeInt(b.base().size());
        for (Change c : b.base()) {
            out.writeByte(c instanceof Change.Put ? 1 : 0);
            out.writeUTF(c.table().module());
            out.writeUTF(c.table().table());
            if (c instanceof Change.Put p) {
                bytesOut(out, p.key());
                bytesOut(out, p.row());
            } else if (!(c instanceof Change.Clear)) throw new IllegalArgumentException("a branch base holds " + c);
        }
        out.flush();
        return withCrc(bytes.toByteArray());
    }

    private static Restored readBase(byte[] file, String module, String name) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(checkCrc(file, "base")));
        if (in.readInt() != MAGIC) throw new IOException("not a branch file");
        long forkTx = in.readLong();
        long fromTx = in.readLong();
        long forkTimeMs = in.readLong();
        byte[] wasm = bytesIn(in);
        int n = in.readInt();
        var base = new ArrayList<Change>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
            int kind = in.readByte();
            var table = new TableId(in.readUTF(), in.readUTF());
            base.add(kind == 1 ? new Change.Put(table, bytesIn(in), bytesIn(in)) : new Change.Clear(table));
        }
        return new Restored(module, name, forkTx, fromTx, forkTimeMs, wasm, base, List.of());
    }

    private static void append(Path file, List<Branch.Recorded> calls, long tx) throws IOException {
        var bytes = new ByteArrayOutputStream();
        for (Branch.Recorded r : calls) {
            var frame = new ByteArrayOutputStream();
            var out = new DataOutputStream(frame);
            out.writeLong(tx);
            out.writeUTF(r.reducer());
            out.writeUTF(r.caller().callerNodeId());
            out.writeUTF(r.caller().callerModuleName());
            out.writeLong(r.timeMs());
            bytesOut(out, Abi.encodeValue(new IntersticeValue.Vec(r.args())));
            out.flush();
            byte[] f = withCrc(frame.toByteArray());
            new DataOutputStream(bytes).writeInt(f.length);
            bytes.write(f);
        }
        try (FileChannel ch = PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(false);
        }
    }

    /**
     * Reads the calls of transactions up to {@code lastTxId} into {@code out}; returns the length of the file's
     * prefix that holds them. A torn or damaged frame ends the read ({@code warn} says so).
     */
    private static long readCalls(Path file, long lastTxId, List<Branch.Recorded> out, Consumer<String> warn)
            throws IOException {
        if (!Files.exists(file)) return 0;
        byte[] all = Files.readAllBytes(file);
        var in = new DataInputStream(new ByteArrayInputStream(all));
        long at = 0;
        while (at < all.length) {
            try {
                int len = in.readInt();
                if (len < 4 || len > all.length - at - 4) throw new EOFException("a call's frame is cut off");
                byte[] f = new byte[len];
                in.readFully(f);
                var c = new DataInputStream(new ByteArrayInputStream(checkCrc(f, "call")));
                long tx = c.readLong();
                if (tx > lastTxId) break; // its transaction is not in the log: nor is anything after it
                String reducer = c.readUTF();
                var caller = new CallContext(c.readUTF(), c.readUTF());
                long timeMs = c.readLong();
                var args = ((IntersticeValue.Vec) Abi.decodeValue(bytesIn(c))).items();
                out.add(new Branch.Recorded(reducer, List.copyOf(args), caller, timeMs));
                at += 4 + len;
            } catch (IOException | RuntimeException e) {
                warn.accept("its calls file is damaged at byte " + at + " (" + e.getMessage() + ")");
                break;
            }
        }
        return at;
    }

    private static void bytesOut(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytesIn(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) throw new EOFException("a length of " + n + " runs past the end");
        return in.readNBytes(n);
    }

    private static byte[] withCrc(byte[] body) {
        var crc = new CRC32();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 4)
                .put(body)
                .putInt((int) crc.getValue())
                .array();
    }

    private static byte[] checkCrc(byte[] file, String what) throws IOException {
        if (file.length < 4) throw new EOFException("the " + what + " is cut off");
        var crc = new CRC32();
        crc.update(file, 0, file.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(file, file.length - 4, 4).getInt())
            throw new IOException("the " + what + " fails its checksum (torn or damaged)");
        return java.util.Arrays.copyOf(file, file.length - 4);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) return;
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
