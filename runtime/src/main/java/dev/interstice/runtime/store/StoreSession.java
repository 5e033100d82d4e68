package dev.interstice.runtime.store;

import static dev.interstice.runtime.exec.SystemTables.STORES;
import static dev.interstice.runtime.exec.SystemTables.STORE_LABELS;
import static dev.interstice.runtime.exec.SystemTables.STORE_REFS;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.store.ContentStore.Ref;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fourteen store operations of one module inside one transaction. A module names only its own stores, and a store
 * answers only for content it holds: a hash another module stored reads as absent here. Refusals throw {@link
 * StoreException} and change nothing.
 */
public final class StoreSession {
    private final ContentStore store;
    private final StoreIndex index;
    private final Invocation inv;
    private final String module;
    private final boolean readOnly;

    StoreSession(ContentStore store, StoreIndex index, Invocation inv, String module, boolean readOnly) {
        this.store = store;
        this.index = index;
        this.inv = inv;
        this.module = module;
        this.readOnly = readOnly;
    }

    /** Makes a store; its id is the module's count of stores, so ids are the same on every replay. */
    public String newStore() {
        writable();
        int n = index.under(inv, STORES, module).size();
        if (n >= store.limits().maxStores())
            throw new StoreException("module '" + module + "' has " + n + " stores, the most one module may make");
        String id = String.valueOf(n + 1);
        index.put(inv, STORES, StoreIndex.key(module, id), new byte[0]);
        return id;
    }

    public String store(String id, byte[] content) {
        requireStore(id);
        writable();
        if (content.length > store.limits().maxBlobBytes())
            throw new StoreException("content of " + content.length + " bytes is larger than the "
                    + store.limits().maxBlobBytes() + " bytes one content may have");
        String hash = Blobs.hash(content);
        String key = StoreIndex.key(module, id, hash);
        if (index.get(inv, STORE_REFS, key) != null) {
            store.blobs().put(content); // a copy lost or damaged on disk is written again
            return hash;
        }
        long total = moduleBytes() + content.length;
        if (total > store.limits().maxModuleBytes())
            throw new StoreException("module '" + module + "' would hold " + total + " bytes of content, more than its "
                    + store.limits().maxModuleBytes() + " bytes; remove labels to let content go");
        store.blobs().put(content);
        index.put(inv, STORE_REFS, key, new Ref(content.length, inv.tx().timestampMs()).encode());
        setModuleBytes(total);
        return hash;
    }

    public byte[] get(String id, String hash) {
        requireHeld(id, hash);
        return store.blobs().get(hash);
    }

    public boolean exists(String id, String hash) {
        requireStore(id);
        return Blobs.isHash(hash) && index.get(inv, STORE_REFS, StoreIndex.key(module, id, hash)) != null;
    }

    /** Adds {@code hash} to the label as its most recent ref (moved to the end if the label held it already). */
    public void label(String id, String label, String hash) {
        requireHeld(id, hash);
        writable();
        var refs = refs(id, label);
        refs.remove(hash);
        refs.add(hash);
        if (refs.size() > store.limits().maxRefsPerLabel())
            throw new StoreException("label '" + label + "' would hold more than "
                    + store.limits().maxRefsPerLabel() + " content refs");
        setRefs(id, label, refs);
    }

    /** The label's most recently added ref, or null. */
    public String getByLabel(String id, String label) {
        requireStore(id);
        var refs = refs(id, label);
        return refs.isEmpty() ? null : refs.getLast();
    }

    public void removeLabel(String id, String label) {
        requireStore(id);
        writable();
        setRefs(id, label, List.of());
    }

    public void removeFromLabel(String id, String label, String hash) {
        requireStore(id);
        writable();
        var refs = refs(id, label);
        if (refs.remove(hash)) setRefs(id, label, refs);
    }

    public String storeAtLabel(String id, String label, byte[] content) {
        checkLabel(label);
        String hash = store(id, content);
        label(id, label, hash);
        return hash;
    }

    public String replaceContentAtLabel(String id, String label, byte[] content) {
        checkLabel(label);
        String hash = store(id, content);
        replaceAtLabel(id, label, hash);
        return hash;
    }

    public void replaceAtLabel(String id, String label, String hash) {
        requireHeld(id, hash);
        writable();
        setRefs(id, label, List.of(hash));
    }

    public List<String> listLabels(String id) {
        requireStore(id);
        return lastParts(
                index.under(inv, STORE_LABELS, StoreIndex.key(module, id)).keySet());
    }

    public List<String> listAllContent(String id) {
        requireStore(id);
        return lastParts(
                index.under(inv, STORE_REFS, StoreIndex.key(module, id)).keySet());
    }

    /** The bytes of the distinct content the store holds. */
    public long totalSize(String id) {
        requireStore(id);
        long total = 0;
        for (byte[] r : index.under(inv, STORE_REFS, StoreIndex.key(module, id)).values())
            total += Ref.decode(r).size();
        return total;
    }

    /** The collector's removal of a ref no label names ({@code key}: module, store, hash). */
    void forget(String key, Ref ref) {
        index.delete(inv, STORE_REFS, key);
        setModuleBytes(moduleBytes() - ref.size());
    }

    // ---- checks and rows ----

    private void writable() {
        if (readOnly) throw new StoreException("a query cannot change the content store");
    }

    private void requireStore(String id) {
        if (id.indexOf(StoreIndex.SEP) >= 0 || index.get(inv, STORES, StoreIndex.key(module, id)) == null)
            throw new StoreException("module '" + module + "' has no store '" + id + "' (make one with new)");
    }

    private void requireHeld(String id, String hash) {
        requireStore(id);
        if (!Blobs.isHash(hash))
            throw new StoreException("'" + hash + "' is not a content ref (64 lower-case hex digits of a SHA-256)");
        if (index.get(inv, STORE_REFS, StoreIndex.key(module, id, hash)) == null)
            throw new StoreException("store '" + id + "' holds no content " + hash);
    }

    private void checkLabel(String label) {
        int n = label.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0 || n > store.limits().maxLabelBytes() || label.indexOf(StoreIndex.SEP) >= 0)
            throw new StoreException("a label must be 1 to " + store.limits().maxLabelBytes()
                    + " bytes of UTF-8 without NUL characters");
    }

    private List<String> refs(String id, String label) {
        checkLabel(label);
        byte[] b = index.get(inv, STORE_LABELS, StoreIndex.key(module, id, label));
        return b == null ? new ArrayList<>() : ContentStore.decodeRefs(b);
    }

    private void setRefs(String id, String label, List<String> refs) {
        String key = StoreIndex.key(module, id, label);
        if (refs.isEmpty()) {
            if (index.get(inv, STORE_LABELS, key) != null) index.delete(inv, STORE_LABELS, key);
        } else index.put(inv, STORE_LABELS, key, ContentStore.encodeRefs(refs));
    }

    /** The module's total lives in the stores table under the module's name alone (outside every store's prefix). */
    private long moduleBytes() {
        byte[] b = index.get(inv, STORES, module);
        return b == null ? 0 : new PostcardReader(b).readVarU64();
    }

    private void setModuleBytes(long total) {
        var w = new PostcardWriter(10);
        w.writeVarU64(total);
        index.put(inv, STORES, module, w.toByteArray());
    }

    private static List<String> lastParts(java.util.Set<String> keys) {
        var out = new ArrayList<String>(keys.size());
        for (String k : keys) out.add(k.substring(k.lastIndexOf(StoreIndex.SEP) + 1));
        return out;
    }
}
