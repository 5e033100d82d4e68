package dev.interstice.storage;

/** The storage directory is already open: by another process (a running node) or elsewhere in this JVM. */
public class StorageLockedException extends StorageException {
    public StorageLockedException(String message) {
        super(message);
    }
}
