package dev.interstice.runtime.authority.file;

/**
 * Bounds of the File authority, each per call: what one module may make the node read, write, list or copy in one
 * request, and how many watch events may wait for the holder's handlers.
 *
 * @param maxReadBytes a ReadFile answer (the file is refused when larger)
 * @param maxWriteBytes the data of one WriteFile
 * @param maxListEntries the entries of one ListDir answer
 * @param maxCopyBytes what one Copy (a file, or a whole tree) may write
 * @param maxPendingEvents watch events waiting for delivery; identical ones are coalesced, further ones dropped
 */
public record FileLimits(
        int maxReadBytes, int maxWriteBytes, int maxListEntries, long maxCopyBytes, int maxPendingEvents) {

    public FileLimits {
        if (maxReadBytes < 1 || maxWriteBytes < 1 || maxListEntries < 1 || maxCopyBytes < 1 || maxPendingEvents < 1)
            throw new IllegalArgumentException("file limits must be positive");
    }

    /** 16 MiB reads and writes, 10,000 entries a listing, 256 MiB a copy, 1,024 pending events. */
    public static FileLimits defaults() {
        return new FileLimits(16 << 20, 16 << 20, 10_000, 256L << 20, 1024);
    }
}
