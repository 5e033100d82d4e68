package dev.interstice.storage;

/** An I/O failure of the storage layer (disk full, fsync failure, ...), or use of a storage that refuses work. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
