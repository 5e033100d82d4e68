package dev.interstice.runtime.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Content by its SHA-256: written once (deduplicated), verified by re-hashing on every read, so a damaged copy is an
 * error and never wrong bytes. {@link FileBlobs} keeps them in files, {@link MemoryBlobs} for in-memory nodes.
 */
public abstract class Blobs {
    /** The lower-case hex SHA-256 of {@code content}: its content ref. */
    public static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code s} is a well-formed content ref (64 lower-case hex digits). */
    public static boolean isHash(String s) {
        if (s.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /** Stores {@code content} durably (no-op when a copy of that length is there) and returns its hash. */
    public synchronized String put(byte[] content) {
        String h = hash(content);
        if (length(h) != content.length) write(h, content);
        return h;
    }

    /** Writes {@code content} again whatever copy is there: a verified copy replacing a damaged one. */
    public synchronized void rewrite(byte[] content) {
        write(hash(content), content);
    }

    /**
     * The content of {@code hash}, verified.
     *
     * @throws StoreException when it is missing or its bytes no longer hash to {@code hash}
     */
    public byte[] get(String hash) {
        byte[] b = read(hash);
        if (b == null) throw new StoreException("content " + hash + " is missing from the node's content store");
        if (!hash(b).equals(hash))
            throw new StoreException(
                    "content " + hash + " is damaged on this node (its bytes no longer match their hash)");
        return b;
    }

    /** The stored length of {@code hash}, or -1 when absent. */
    protected abstract long length(String hash);

    /** Writes the content durably before returning (a commit that names it may follow at once). */
    protected abstract void write(String hash, byte[] content);

    /** The stored bytes (unverified), or null. */
    protected abstract byte[] read(String hash);

    public abstract void delete(String hash);

    /** Every hash held. */
    public abstract Set<String> all();
}
