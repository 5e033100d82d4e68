package dev.interstice.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
 * in snapshots, so chains continue through compaction and across restarts. A committing thread only reserves a record's
 * links; the thread that writes the record's batch computes them (the SHA-256 work stays off the execution path).
 */
final class AuditChain {
    static final int HASH_BYTES = 32;
    static final byte[] GENESIS = new byte[HASH_BYTES];

    private final Map<String, byte[]> heads;
    private final MessageDigest sha = sha256();

    AuditChain(Map<String, byte[]> heads) {
        this.heads = new HashMap<>();
        heads.forEach((m, h) -> this.heads.put(m, h.clone())); // advanced in place
    }

    /** The newest link of every module whose records were written (copies). */
    synchronized Map<String, byte[]> heads() {
        Map<String, byte[]> out = new HashMap<>();
        heads.forEach((m, h) -> out.put(m, h.clone()));
        return out;
    }

    /**
     * Appends room for the links of {@code modules} (sorted, distinct) to {@code payload}, whose flags byte already has
     * {@link WalFormat#FLAG_CHAIN} set: each module's name and 32 zero bytes, which {@link #stampBatch} fills once the
     * record has its place in the log. Called by the committing thread; touches no head.
     */
    static void reserve(Bytes.Sink payload, List<String> modules) {
        long size = payload.len + 5L;
        for (String m : modules) size += 5 + 3L * m.length() + HASH_BYTES;
        if (size > WalFormat.MAX_PAYLOAD)
            throw new IllegalArgumentException("record too large: about " + size + " bytes with its chain links (max "
                    + WalFormat.MAX_PAYLOAD + ")");
        payload.varint(modules.size());
        for (String m : modules) {
            payload.lenBytes(m.getBytes(StandardCharsets.UTF_8));
            payload.ensure(HASH_BYTES);
            Arrays.fill(payload.buf, payload.len, payload.len + HASH_BYTES, (byte) 0);
            payload.len += HASH_BYTES;
        }
    }

    /**
     * Fills the links of every chained record in {@code batch[0, len)} (whole frames, in LSN order) and advances their
     * modules' heads. Run by whoever writes the batch, once per batch and before its checksums: the hashing happens off
     * the committing thread, and batches are written one at a time in LSN order, so heads advance in LSN order.
     */
    synchronized void stampBatch(byte[] batch, int len) {
        for (int pos = 0; pos < len; pos += WalFormat.HEADER + WalFormat.payloadLen(batch, pos)) {
            if ((batch[pos + WalFormat.HEADER] & WalFormat.FLAG_CHAIN) == 0) continue;
            long lsn = WalFormat.lsn(batch, pos);
            try {
                WalFormat.decode(batch, pos, new WalFormat.Skipping() {
                    @Override
                    public void begin(long l, boolean userTx, long txId, long timestampMs) {}

                    @Override
                    public void link(String module, byte[] buf, int hashOff, int payloadOff, int hashedLen) {
                        byte[] head = heads.computeIfAbsent(module, n -> GENESIS.clone());
                        linkInto(sha, head, lsn, buf, payloadOff, hashedLen, buf, hashOff);
                        System.arraycopy(buf, hashOff, head, 0, HASH_BYTES);
                    }
                });
            } catch (Bytes.FormatException e) {
                throw new IllegalStateException("a record this log encoded does not decode: " + e.getMessage(), e);
            }
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
