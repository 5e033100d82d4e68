package dev.interstice.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit chain (Theater's event chain): each module's committed transactions form a hash chain. A transaction
 * record that changes tables of modules M1..Mk carries one link per module, in module-name order:
 *
 * <pre>
 * link(M) = SHA-256( previous link(M) || lsn:u64 little endian || payload up to the links )
 * </pre>
 *
 * where the previous link of a module's first transaction is 32 zero bytes, and "payload up to the links" is the
 * record's payload from its flags byte (flag 4 set) to the end of its operations. A link so covers the record's
 * content, its place in the log and everything the module committed before. The newest link of every module is kept
 * in snapshots, so chains continue through compaction and across restarts. Not thread-safe: the log stamps links under
 * its append lock, in LSN order.
 */
final class AuditChain {
    static final int HASH_BYTES = 32;
    static final byte[] GENESIS = new byte[HASH_BYTES];

    private final Map<String, byte[]> heads;
    private final MessageDigest sha = sha256();
    /** Module names' UTF-8 bytes: the stamp allocates nothing but a module's first head and name. */
    private final Map<String, byte[]> names = new HashMap<>();

    AuditChain(Map<String, byte[]> heads) {
        this.heads = new HashMap<>();
        heads.forEach((m, h) -> this.heads.put(m, h.clone())); // advanced in place
    }

    /** The newest link of every module (copies). */
    Map<String, byte[]> heads() {
        Map<String, byte[]> out = new HashMap<>();
        heads.forEach((m, h) -> out.put(m, h.clone()));
        return out;
    }

    /**
     * Appends the links of {@code modules} (sorted, distinct) to {@code payload}, whose flags byte already has
     * {@link WalFormat#FLAG_CHAIN} set, for the record that gets {@code lsn}; advances those modules' heads.
     */
    void stamp(Bytes.Sink payload, long lsn, List<String> modules) {
        int hashed = payload.len;
        long size = hashed + 5L;
        for (String m : modules) size += 5 + 3L * m.length() + HASH_BYTES;
        // refused before any head moves: a record the log then refused would leave the chain a link it never wrote
        if (size > WalFormat.MAX_PAYLOAD)
            throw new IllegalArgumentException("record too large: about " + size + " bytes with its chain links (max "
                    + WalFormat.MAX_PAYLOAD + ")");
        payload.varint(modules.size());
        for (String m : modules) {
            payload.lenBytes(names.computeIfAbsent(m, n -> n.getBytes(StandardCharsets.UTF_8)));
            byte[] head = heads.computeIfAbsent(m, n -> GENESIS.clone());
            payload.ensure(HASH_BYTES);
            linkInto(sha, head, lsn, payload.buf, 0, hashed, payload.buf, payload.len);
            System.arraycopy(payload.buf, payload.len, head, 0, HASH_BYTES);
            payload.len += HASH_BYTES;
        }
    }

    /** The link that follows {@code prev} for the record at {@code lsn} whose hashed payload is {@code buf[off, off+len)}. */
    static byte[] link(MessageDigest sha, byte[] prev, long lsn, byte[] buf, int off, int len) {
        byte[] out = new byte[HASH_BYTES];
        linkInto(sha, prev, lsn, buf, off, len, out, 0);
        return out;
    }

    /** {@link #link}, written to {@code out[outOff, outOff+32)} without allocating. */
    private static void linkInto(
            MessageDigest sha, byte[] prev, long lsn, byte[] buf, int off, int len, byte[] out, int outOff) {
        sha.update(prev);
        for (int i = 0; i < 8; i++) sha.update((byte) (lsn >>> (8 * i))); // little-endian
        sha.update(buf, off, len);
        try {
            sha.digest(out, outOff, HASH_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 gave no 32-byte digest", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
