package dev.interstice.storage;

import java.nio.file.Path;

/**
 * Damage found on disk that recovery will not repair on its own (anything other than a torn last record):
 * names the file and the byte offset. Reopen with {@link StorageConfig#salvage()} to truncate at the last good
 * transaction instead.
 */
public class StorageCorruptionException extends StorageException {
    private final Path file;
    private final long offset;

    public StorageCorruptionException(Path file, long offset, String message) {
        super("corrupt storage file " + file + " at offset " + offset + ": " + message);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    /** Byte offset of the damage within {@link #file()}. */
    public long offset() {
        return offset;
    }
}
