package dev.interstice.runtime.store;

import dev.interstice.storage.AtomicFiles;
import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Blobs as files {@code <root>/<first 2 hex>/<other 62 hex>}: written to a temporary file, fsynced, renamed into place
 * and the directory fsynced, so a blob is whole and durable before the transaction that names it can commit.
 */
public final class FileBlobs extends Blobs {
    private final Path root;

    public FileBlobs(Path root) {
        this.root = root;
        try {
            PrivateFiles.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the content store " + root + ": " + e.getMessage(), e);
        }
    }

    /** The file holding {@code hash}. */
    public Path file(String hash) {
        return root.resolve(hash.substring(0, 2)).resolve(hash.substring(2));
    }

    @Override
    protected long length(String hash) {
        try {
            return Files.size(file(hash));
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    protected void write(String hash, byte[] content) {
        Path target = file(hash);
        Path dir = target.getParent();
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            if (!Files.isDirectory(dir)) {
                PrivateFiles.createDirectories(dir);
                AtomicFiles.fsyncDirectory(root);
            }
            try (FileChannel ch = PrivateFiles.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                var buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StoreException("the node could not write content " + hash + ": " + e.getMessage());
        }
    }

    @Override
    protected byte[] read(String hash) {
        try {
            return Files.readAllBytes(file(hash));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StoreException("the node could not read content " + hash + ": " + e.getMessage());
        }
    }

    @Override
    public void delete(String hash) {
        try {
            Files.deleteIfExists(file(hash));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every blob file's hash; left-over temporary files are removed. */
    @Override
    public Set<String> all() {
        var out = new HashSet<String>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!Files.isDirectory(d)) continue;
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String name = d.getFileName() + f.getFileName().toString();
                        if (name.endsWith(".tmp")) Files.deleteIfExists(f);
                        else if (isHash(name)) out.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
