package dev.interstice.runtime.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Blobs of an in-memory node: gone with it, like its tables. */
public final class MemoryBlobs extends Blobs {
    private final ConcurrentHashMap<String, byte[]> blobs = new ConcurrentHashMap<>();

    @Override
    protected long length(String hash) {
        byte[] b = blobs.get(hash);
        return b == null ? -1 : b.length;
    }

    @Override
    protected void write(String hash, byte[] content) {
        blobs.put(hash, content.clone());
    }

    @Override
    protected byte[] read(String hash) {
        byte[] b = blobs.get(hash);
        return b == null ? null : b.clone();
    }

    @Override
    public void delete(String hash) {
        blobs.remove(hash);
    }

    @Override
    public Set<String> all() {
        return Set.copyOf(blobs.keySet());
    }
}
