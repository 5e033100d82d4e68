package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.Children;
import dev.interstice.runtime.authority.audio.AudioSettings;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.storage.Change;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Replay verification ({@code interstice replay --verify}), the determinism checker: a stopped node's log re-executed
 * on a scratch node with the same identity (so the same random seeds), each transaction at its logged id and time and
 * each module at the version that ran, and the scratch node's log compared with the original byte for byte.
 *
 * <p>Direct calls, publishes, schedules' runs and rewinds are re-executed; their subscribers then run on the scratch
 * node as they did. What cannot be re-executed here (a peer's replica sync: its input is the other node's state; a
 * remote answer; a restart's load hooks: the replay makes no restart, so they would not see what they saw) is applied
 * as logged (state transfer). The scratch node is never started, so no timer fires on its own. When the kept
 * log no longer reaches the node's first transaction, the scratch node starts from the oldest snapshot the log
 * continues ({@link TxLog#replayStart}) and the records after it are replayed.
 */
public final class Replay {
    private Replay() {}

    private static final int PAGE = 10_000;

    /** A local table subscriber's trigger ({@code module.table.event}): the scratch node runs those itself. */
    /** The triggers of the records an unload and a remove log (no changes: the record says it happened, and when). */
    private static final java.util.Set<String> LIFECYCLE = java.util.Set.of("unload", "remove");

    /** Deliveries re-executed with their logged arguments; what their handlers read of the world is logged too. */
    private static final java.util.Set<String> REDELIVERED =
            java.util.Set.of("file event", "network", "audio_output", "audio_input");

    private static final Pattern SUBSCRIBER = Pattern.compile("[^.]+\\.[^.]+\\.(insert|update|delete)");

    /** Where the replay first differed from the log: the transaction, what ran, and the first differing change. */
    public record Divergence(long txId, String what, String detail) {
        @Override
        public String toString() {
            return "tx " + txId + " (" + what + "): " + detail;
        }
    }

    /**
     * What a replay did: transactions re-executed, applied as logged, and produced by the scratch node itself
     * (subscribers), after {@code fromTx} (the snapshot it started from; 0: the empty node) up to {@code lastTx};
     * {@code divergence} null when the replay matched the log byte for byte.
     */
    public record Report(long fromTx, long lastTx, int reExecuted, int applied, int compared, Divergence divergence) {
        public boolean clean() {
            return divergence == null;
        }
    }

    /**
     * Replays the stopped node's log in {@code dataDir} up to transaction {@code toTx} on a scratch node laid out in
     * {@code scratch} (an empty directory the caller deletes afterwards), from the node's first transaction or, when the
     * kept log no longer reaches it, from the oldest snapshot the log continues. Refused when the node is running or
     * there is neither.
     */
    public static Report verify(Path dataDir, long toTx, Path scratch) {
        Path storage = NodeLog.storageDir(dataDir);
        if (!Files.isDirectory(storage))
            throw new UncheckedIOException(new IOException(dataDir + " holds no node storage"));
        if (NodeLog.running(dataDir))
            throw new dev.interstice.storage.StorageLockedException(
                    "the node whose data directory is " + dataDir + " is running: stop it to replay its log");
        TxLog.Start start;
        try {
            start = TxLog.reachesStart(storage) ? null : TxLog.replayStart(storage);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the snapshots in " + storage + ": " + e.getMessage(), e);
        }
        long fromTx = start == null ? 0 : start.lastTxId();
        List<TxLog.Entry> log = read(storage, toTx).stream()
                .filter(e -> e.record().txId() > fromTx)
                .toList();
        Map<Long, Long> times = new HashMap<>();
        Map<Long, List<byte[]>> inputs = new HashMap<>();
        for (TxLog.Entry e : log) {
            times.put(e.record().txId(), e.record().timestampMs());
            if (!e.record().inputs().isEmpty())
                inputs.put(e.record().txId(), e.record().inputs());
        }
        try {
            if (start == null && !TxLog.reachesStart(storage))
                throw new CallException(
                        CallException.Kind.NOT_FOUND,
                        "the kept history of " + dataDir + " no longer reaches its first transaction, and it keeps no"
                                + " snapshot that its log continues: nothing to replay from");
            if (start != null && toTx <= fromTx)
                throw new CallException(
                        CallException.Kind.NOT_FOUND,
                        "the kept history of " + dataDir + " is replayed from its snapshot as of tx " + fromTx
                                + " (the oldest its log continues): give a later --to-tx");
            Files.createDirectories(scratch);
            Files.copy(dataDir.resolve("node.key"), scratch.resolve("node.key"));
            if (start != null) layOutAt(dataDir, storage, start, scratch, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the scratch node in " + scratch + ": " + e.getMessage(), e);
        }
        var node = new AtomicReference<Node>();
        long[] lastTime = {log.isEmpty() ? 0 : log.getFirst().record().timestampMs()};
        // each transaction's logged time; between transactions (e.g. an instance's start) the next one's
        java.util.function.LongSupplier clock = () -> {
            Node n = node.get();
            Long t = n == null ? null : times.get(n.lastTxId() + 1);
            if (t != null) lastTime[0] = t;
            return lastTime[0];
        };
        int reExecuted = 0;
        int applied = 0;
        Divergence failed = null;
        try (Node n = Node.openDeferred(NodeConfig.at(scratch)
                .withClock(clock)
                .withAck(Ack.FAST)
                .withLogSink((m, line) -> {})
                .withLogRetention(dev.interstice.storage.LogRetention.DEFAULT)
                // Audio and Gpu offered with nothing behind them (no sound device, no window, no GPU device): their
                // calls are answered from the log; Input's events are re-delivered as logged
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(java.util.EnumSet.allOf(dev.interstice.abi.schema.Authority.class))
                        .withAudio(AudioSettings.silentOnes())))) {
            node.set(n);
            n.markReplaying(inputs::get);
            for (TxLog.Entry e : log) {
                TxRecord r = e.record();
                if (r.txId() <= n.lastTxId()) continue; // the scratch node ran it already (a subscriber)
                TxOrigin o = r.origin();
                try {
                    long madeSchedule = madeSchedule(r);
                    if (madeSchedule != 0) n.nextScheduleSeq(madeSchedule); // as the node numbered it
                    if (o != null && o.trigger().isEmpty()) {
                        n.advanceTo(r.txId());
                        // with its logged cause: the schedules it makes keep it (byte for byte)
                        n.call(o.module(), o.reducer(), args(o), caller(n, o), Ack.FAST, parent(r));
                        reExecuted++;
                    } else if (o != null && o.trigger().equals("publish") && code(r, o.module()) != null) {
                        byte[] wasm = version(dataDir, code(r, o.module()));
                        if (wasm == null) {
                            failed = new Divergence(
                                    r.txId(),
                                    what(o),
                                    "the code it published ("
                                            + HexFormat.of().formatHex(code(r, o.module())) + ") is not kept in "
                                            + dataDir.resolve("modules"));
                            break;
                        }
                        n.advanceTo(r.txId());
                        Children.Child child = child(r, o.module());
                        if (child == null) n.publish(o.module() + ".wasm", wasm, false);
                        else n.spawnChild(wasm, child.parent(), child.grant(), child.stopWithParent());
                        reExecuted++;
                    } else if (o != null && o.reducer().isEmpty() && LIFECYCLE.contains(o.trigger())) {
                        n.advanceTo(r.txId());
                        if (o.trigger().equals("unload")) n.unload(o.module());
                        else n.remove(o.module());
                        reExecuted++;
                    } else if (o != null && ranAgain(n, r, o)) {
                        reExecuted++;
                    } else if (o != null && SUBSCRIBER.matcher(o.trigger()).matches()) {
                        failed = new Divergence(r.txId(), what(o), "the replay did not run this subscriber");
                        break;
                    } else {
                        n.applyLogged(r.txId(), r.changes());
                        applied++;
                    }
                } catch (RuntimeException x) {
                    failed = new Divergence(r.txId(), what(o), "the replay failed: " + x.getMessage());
                    break;
                }
            }
        }
        if (failed != null) return new Report(fromTx, toTx, reExecuted, applied, 0, failed);
        List<TxLog.Entry> got = read(NodeLog.storageDir(scratch), toTx);
        return compare(fromTx, log, got, reExecuted, applied);
    }

    private static byte[] version(Path dataDir, byte[] hash) {
        try {
            return NodeMetadata.version(dataDir, hash);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the modules' code in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static List<TxLog.Entry> read(Path storage, long toTx) {
        try {
            var out = new java.util.ArrayList<TxLog.Entry>();
            long from = 0;
            while (true) {
                List<TxLog.Entry> page = TxLog.read(storage, from, PAGE, Long.MAX_VALUE, r -> r.txId() <= toTx);
                out.addAll(page);
                if (page.size() < PAGE) return out;
                from = page.getLast().record().txId() + 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log in " + storage + ": " + e.getMessage(), e);
        }
    }

    private static Report compare(
            long fromTx, List<TxLog.Entry> want, List<TxLog.Entry> got, int reExecuted, int applied) {
        var expected = new TreeMap<Long, TxRecord>();
        var actual = new TreeMap<Long, TxRecord>();
        for (TxLog.Entry e : want) expected.put(e.record().txId(), e.record());
        for (TxLog.Entry e : got)
            if (e.record().txId() > fromTx) actual.put(e.record().txId(), e.record());
        var ids = new TreeSet<Long>(expected.keySet());
        ids.addAll(actual.keySet());
        long last = 0;
        for (long id : ids) {
            TxRecord x = expected.get(id);
            TxRecord y = actual.get(id);
            String what = what(x != null ? x.origin() : y.origin());
            if (x == null)
                return report(
                        fromTx,
                        reExecuted,
                        applied,
                        new Divergence(
                                id, what, "the replay committed a transaction the log does not have: " + y.changes()));
            if (y == null)
                return report(
                        fromTx,
                        reExecuted,
                        applied,
                        new Divergence(
                                id,
                                what,
                                "the replay committed nothing at this transaction (the log has "
                                        + x.changes().size() + " change(s))"));
            String d = difference(x.changes(), y.changes());
            if (d == null && x.timestampMs() != y.timestampMs())
                d = "its time is " + y.timestampMs() + ", not " + x.timestampMs();
            if (d != null) return report(fromTx, reExecuted, applied, new Divergence(id, what, d));
            last = id;
        }
        return new Report(fromTx, last, reExecuted, applied, ids.size(), null);
    }

    private static Report report(long fromTx, int reExecuted, int applied, Divergence d) {
        return new Report(fromTx, d.txId(), reExecuted, applied, 0, d);
    }

    /**
     * Lays out the scratch node as the stopped node was at {@code start}: the snapshot (tables, sequences, schedules,
     * code hashes, audit chain heads) and, for the live one, its STATEFUL tables' row files; the content store's
     * blobs; each module the snapshot names with the code of the hash it names, in the node's load order.
     */
    private static void layOutAt(Path dataDir, Path storage, TxLog.Start start, Path scratch, List<TxLog.Entry> log)
            throws IOException {
        var hashes = new java.util.TreeMap<String, byte[]>();
        var state = dev.interstice.storage.TableHistory.asOf(
                storage, java.util.Set.of(SystemTables.CODE), start.lastTxId(), Long.MAX_VALUE);
        for (var e :
                state.tables().getOrDefault(SystemTables.CODE, new TreeMap<>()).entrySet())
            hashes.put(new String(e.getKey().bytes(), StandardCharsets.UTF_8), e.getValue());
        var unloaded = new java.util.HashSet<String>();
        var order = new java.util.LinkedHashSet<>(NodeMetadata.loadOrder(dataDir, unloaded));
        unloaded.removeAll(unloadedSince(log)); // loaded at the start: the replay unloads them where the log says
        order.retainAll(hashes.keySet());
        order.addAll(hashes.keySet()); // modules removed since: after the others, by name
        var code = new java.util.LinkedHashMap<String, byte[]>();
        for (String m : order) {
            byte[] wasm = NodeMetadata.version(dataDir, hashes.get(m));
            if (wasm == null)
                throw new CallException(
                        CallException.Kind.NOT_FOUND,
                        "module '" + m + "' ran code " + HexFormat.of().formatHex(hashes.get(m)) + " at tx "
                                + start.lastTxId() + ", which is not kept in " + dataDir.resolve("modules"));
            code.put(m, wasm);
        }
        NodeMetadata.layOut(scratch, code, unloaded);
        Path to = NodeLog.storageDir(scratch);
        Files.createDirectories(to);
        Files.copy(start.snapshot(), to.resolve(start.snapshot().getFileName()));
        if (start.live()) copyTree(storage.resolve("rows"), to.resolve("rows"));
        copyTree(storage.resolve("content"), to.resolve("content"));
    }

    /**
     * The modules whose first lifecycle record in {@code log} (publish, unload, remove) is an unload: they were loaded
     * at its start (a log written before unloads were logged names none).
     */
    private static java.util.Set<String> unloadedSince(List<TxLog.Entry> log) {
        var first = new HashMap<String, String>();
        for (TxLog.Entry e : log) {
            TxOrigin o = e.record().origin();
            if (o != null && (o.trigger().equals("publish") || LIFECYCLE.contains(o.trigger())))
                first.putIfAbsent(o.module(), o.trigger());
        }
        var out = new java.util.HashSet<String>();
        first.forEach((m, t) -> {
            if (t.equals("unload")) out.add(m);
        });
        return out;
    }

    /** Copies a directory tree (files hard-linked where the file system allows: they are never changed in place). */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) return;
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else if (!p.getFileName().toString().endsWith(".tmp")) {
                    try {
                        Files.createLink(q, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, q);
                    }
                }
            }
        }
    }

    /** The first difference between two records' changes, with the table, key and rows, or null. */
    private static String difference(List<Change> want, List<Change> got) {
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            Change a = i < want.size() ? want.get(i) : null;
            Change b = i < got.size() ? got.get(i) : null;
            if (a != null && a.equals(b)) continue;
            Change c = a != null ? a : b;
            return "table " + c.table().module() + "." + c.table().table() + ", key " + key(c) + ": expected " + show(a)
                    + ", got " + show(b);
        }
        return null;
    }

    private static String key(Change c) {
        return switch (c) {
            case Change.Put p -> decodedKey(p.table().module(), p.key());
            case Change.Delete d -> decodedKey(d.table().module(), d.key());
            case Change.Clear x -> "(all)";
        };
    }

    private static String decodedKey(String module, byte[] key) {
        if (module.equals(SystemTables.CODE.module())) return new String(key, StandardCharsets.UTF_8);
        try {
            return Abi.readIndexKey(new dev.interstice.abi.codec.PostcardReader(key))
                    .toString();
        } catch (RuntimeException e) {
            return HexFormat.of().formatHex(key);
        }
    }

    private static String show(Change c) {
        if (c == null) return "nothing";
        return switch (c) {
            case Change.Put p -> "put " + row(p);
            case Change.Delete d -> "delete";
            case Change.Clear x -> "clear";
        };
    }

    private static String row(Change.Put p) {
        if (p.table().module().equals(SystemTables.CODE.module()))
            return HexFormat.of().formatHex(p.row());
        try {
            return Abi.decodeRow(p.row()).toString();
        } catch (RuntimeException e) {
            return HexFormat.of().formatHex(p.row());
        }
    }

    private static String what(TxOrigin o) {
        if (o == null) return "no origin logged";
        return o.module()
                + (o.reducer().isEmpty() ? "" : "." + o.reducer())
                + (o.trigger().isEmpty() ? "" : " [" + o.trigger() + "]");
    }

    private static List<IntersticeValue> args(TxOrigin o) {
        return ((IntersticeValue.Vec) Abi.decodeValue(o.args())).items();
    }

    private static dev.interstice.storage.TxTrace.Parent parent(TxRecord r) {
        return r.trace() == null ? null : r.trace().parent();
    }

    private static CallContext caller(Node n, TxOrigin o) {
        return new CallContext(o.callerNode().isEmpty() ? n.id() : o.callerNode(), o.callerModule());
    }

    /**
     * Runs a record the node's own machinery started again, as that machinery did: a delivery from outside (input, a
     * frame, a file, network or audio event), a schedule's run, a rewind. False when it is none of these (or a rewind
     * this replay's log cannot make again): the caller goes on.
     */
    private static boolean ranAgain(Node n, TxRecord r, TxOrigin o) {
        String t = o.trigger();
        if (t.equals("input"))
            n.redeliverInput(r.txId(), args(o)); // the batch's events, every handler, one transaction
        else if (t.equals("render")) n.rerender(r.txId()); // its Gpu calls are answered from the log
        else if (REDELIVERED.contains(t)) n.redeliver(r.txId(), o.module(), o.reducer(), args(o), caller(n, o), t);
        else if (t.equals("schedule") && firedSchedule(r) != 0)
            n.refire(r.txId(), o.module(), o.reducer(), firedSchedule(r), parent(r));
        else return t.equals("rewind") && n.rewindAgain(r.txId(), o.module(), rewoundTo(o));
        return true;
    }

    /** The first schedule a record makes (its sequence number), or 0. */
    private static long madeSchedule(TxRecord r) {
        long first = 0;
        for (Change c : r.changes())
            if (c instanceof Change.Put p && p.table().equals(SystemTables.SCHEDULES)) {
                long seq = SystemTables.longOf(p.key());
                if (first == 0 || seq < first) first = seq;
            }
        return first;
    }

    /** The pending schedule a schedule's run removed in its record (its seq), or 0. */
    private static long firedSchedule(TxRecord r) {
        for (Change c : r.changes())
            if (c instanceof Change.Delete d && d.table().equals(SystemTables.SCHEDULES))
                return SystemTables.longOf(d.key());
        return 0;
    }

    /** The transaction a rewind's record made its module's tables as of again (its one argument). */
    private static long rewoundTo(TxOrigin o) {
        return ((IntersticeValue.U64) args(o).getFirst()).value();
    }

    /** The child record a child's install (a spawn) logs for {@code module} with its code, or null (a publish). */
    private static Children.Child child(TxRecord r, String module) {
        byte[] key = module.getBytes(StandardCharsets.UTF_8);
        for (Change c : r.changes())
            if (c instanceof Change.Put p && p.table().equals(SystemTables.CHILDREN) && Arrays.equals(p.key(), key))
                return Children.decode(module, p.row());
        return null;
    }

    /** The code hash a publish record stores for {@code module}, or null. */
    private static byte[] code(TxRecord r, String module) {
        byte[] key = module.getBytes(StandardCharsets.UTF_8);
        for (Change c : r.changes())
            if (c instanceof Change.Put p && p.table().equals(SystemTables.CODE) && Arrays.equals(p.key(), key))
                return p.row();
        return null;
    }
}
