package dev.interstice.runtime.store;

import static dev.interstice.runtime.exec.SystemTables.STORES;
import static dev.interstice.runtime.exec.SystemTables.STORE_LABELS;
import static dev.interstice.runtime.exec.SystemTables.STORE_REFS;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.storage.RecoveredState;
import dev.interstice.storage.TableId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's content store (docs/store.md): blobs by SHA-256, shared and deduplicated across the node, and per module
 * its stores, each with the content refs it holds and its labels. What a store holds and its labels are logged rows
 * that change with the calling transaction ({@link StoreIndex}); a blob is written and fsynced before the host call
 * returns, so before any commit that names it. Content no label references, and blobs no store holds, go at the next
 * {@link #collect collection}.
 */
public final class ContentStore {
    private static final Logger log = LoggerFactory.getLogger(ContentStore.class);

    private final Blobs blobs;
    private final StoreLimits limits;
    private final StoreIndex index = new StoreIndex();

    public ContentStore(Blobs blobs, StoreLimits limits) {
        this.blobs = blobs;
        this.limits = limits;
    }

    public Blobs blobs() {
        return blobs;
    }

    public StoreLimits limits() {
        return limits;
    }

    /** Loads the stores, refs and labels the log recovered. */
    public void recover(RecoveredState state) {
        index.recover(STORES, state.rows(STORES));
        index.recover(STORE_REFS, state.rows(STORE_REFS));
        index.recover(STORE_LABELS, state.rows(STORE_LABELS));
    }

    /** The operations of {@code module} inside transaction {@code inv}; {@code readOnly} for queries. */
    public StoreSession session(Invocation inv, String module, boolean readOnly) {
        return new StoreSession(this, index, inv, module, readOnly);
    }

    /**
     * Removes what nothing keeps: first, in one logged transaction, the content refs no label of their store names that
     * were stored more than {@code grace} ago (the limits' grace by default) and every row (store, ref, label) of a
     * module {@code modules} no longer names (removed: normally forgotten by {@link #forgetModule}, unless a crash came
     * between); once that is durable, under the execution lock (no transaction running, so none has written a blob it
     * is about to name), every blob no store holds and {@code pinned} (e.g. the modules' code) does not name. Returns
     * the number of blobs deleted.
     */
    public int collect(
            Executor executor,
            java.time.Duration grace,
            LongConsumer awaitDurable,
            Supplier<Set<String>> pinned,
            Supplier<Set<String>> modules) {
        // a transaction only when there is something to forget: an idle node's transaction ids stay as they were
        if (executor.exclusive(() -> !unlabelled(executor.services().clockMillis() - grace.toMillis())
                        .isEmpty()
                || !rowsOf(gone(modules.get())).isEmpty())) {
            var r = executor.runInternal("content store collection", inv -> {
                for (var e :
                        unlabelled(inv.tx().timestampMs() - grace.toMillis()).entrySet()) {
                    String key = e.getKey();
                    session(inv, moduleOf(key), false).forget(key, e.getValue());
                }
                for (var row : rowsOf(gone(modules.get()))) index.delete(inv, row.table(), row.key());
            });
            awaitDurable.accept(r.lsn());
        }
        return executor.exclusive(() -> {
            var live = new HashSet<String>(pinned.get());
            for (String key : index.committedRows(STORE_REFS).keySet())
                live.add(key.substring(key.lastIndexOf(StoreIndex.SEP) + 1));
            int deleted = 0;
            for (String h : blobs.all())
                if (!live.contains(h)) {
                    blobs.delete(h);
                    deleted++;
                }
            if (deleted > 0) log.info("content store: collected {} blob(s) nothing holds", deleted);
            return deleted;
        });
    }

    /**
     * A removed module's stores, refs and labels, forgotten in one logged transaction (none if it had none), so that a
     * module published later under the same name starts without them and the next collection deletes their blobs.
     */
    public void forgetModule(Executor executor, String module) {
        if (executor.exclusive(() -> rowsOf(module::equals).isEmpty())) return;
        executor.runInternal(module, "content store: module removed", List.of(), inv -> {
            for (var row : rowsOf(module::equals)) index.delete(inv, row.table(), row.key());
        });
    }

    private record Row(TableId table, String key) {}

    /** The committed rows of every module {@code which} accepts (no transaction runs while it reads). */
    private List<Row> rowsOf(Predicate<String> which) {
        var out = new ArrayList<Row>();
        for (TableId t : List.of(STORES, STORE_REFS, STORE_LABELS))
            for (String key : index.committedRows(t).keySet()) if (which.test(moduleOf(key))) out.add(new Row(t, key));
        return out;
    }

    private static Predicate<String> gone(Set<String> modules) {
        return m -> !modules.contains(m);
    }

    /** The module of a row's key: its first part (a module's byte total is keyed by its name alone). */
    private static String moduleOf(String key) {
        int sep = key.indexOf(StoreIndex.SEP);
        return sep < 0 ? key : key.substring(0, sep);
    }

    /** The committed refs (key: module, store, hash) no label of their store names, stored at or before {@code cutoff}. */
    private java.util.Map<String, Ref> unlabelled(long cutoffMs) {
        var labelled = new HashSet<String>();
        for (var e : index.committedRows(STORE_LABELS).entrySet()) {
            String store = storeOf(e.getKey());
            for (String h : decodeRefs(e.getValue())) labelled.add(store + StoreIndex.SEP + h);
        }
        var out = new java.util.LinkedHashMap<String, Ref>();
        for (var e : index.committedRows(STORE_REFS).entrySet()) {
            Ref ref = Ref.decode(e.getValue());
            if (ref.storedAtMs() <= cutoffMs && !labelled.contains(e.getKey())) out.put(e.getKey(), ref);
        }
        return out;
    }

    /** {@code module NUL store} of a label's or ref's key. */
    private static String storeOf(String key) {
        return key.substring(0, key.lastIndexOf(StoreIndex.SEP));
    }

    /** A store's hold on content: its size (counted in the module's total) and when it was stored. */
    record Ref(long size, long storedAtMs) {
        byte[] encode() {
            var w = new PostcardWriter(16);
            w.writeVarU64(size);
            w.writeVarU64(storedAtMs);
            return w.toByteArray();
        }

        static Ref decode(byte[] b) {
            var r = new PostcardReader(b);
            return new Ref(r.readVarU64(), r.readVarU64());
        }
    }

    static java.util.List<String> decodeRefs(byte[] b) {
        var r = new PostcardReader(b);
        int n = r.readVarUsize();
        var out = new java.util.ArrayList<String>(n);
        for (int i = 0; i < n; i++) out.add(r.readString());
        return out;
    }

    static byte[] encodeRefs(java.util.List<String> refs) {
        var w = new PostcardWriter(8 + 66 * refs.size());
        w.writeVarUsize(refs.size());
        for (String h : refs) w.writeString(h);
        return w.toByteArray();
    }
}
