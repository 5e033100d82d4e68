package dev.interstice.abi.host;

/**
 * A request to the File authority (upstream {@code FileCall}, ABI 6). Discriminants: ReadFile 0, WriteFile 1,
 * ListDir 2, Metadata 3, CreateDir 4, RemoveFile 5, RemoveDir 6, Rename 7, Copy 8. Paths are as the guest wrote
 * them; the node resolves them inside its file root.
 */
public sealed interface FileCall {
    record ReadFile(String path) implements FileCall {}

    /** {@code data} is owned by the record (the decoder hands over a fresh copy). */
    record WriteFile(String path, byte[] data, boolean append) implements FileCall {}

    record ListDir(String path) implements FileCall {}

    record Metadata(String path) implements FileCall {}

    record CreateDir(String path, boolean recursive) implements FileCall {}

    record RemoveFile(String path) implements FileCall {}

    record RemoveDir(String path, boolean recursive) implements FileCall {}

    record Rename(String from, String to) implements FileCall {}

    record Copy(String from, String to, boolean recursive) implements FileCall {}

    /** Upstream {@code FileType}: File 0, Directory 1, Symlink 2, Other 3. */
    enum FileType {
        FILE,
        DIRECTORY,
        SYMLINK,
        OTHER
    }

    /** One entry of a {@code ListDir} answer. */
    record DirEntry(String name, String path, FileType type) {}

    /** A {@code Metadata} answer; times are unix seconds (as upstream) when the file system knows them. */
    record FileMetadata(
            FileType type,
            long length,
            boolean readonly,
            java.util.OptionalLong createdMs,
            java.util.OptionalLong modifiedMs) {}
}
