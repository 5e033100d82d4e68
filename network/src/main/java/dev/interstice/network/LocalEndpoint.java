package dev.interstice.network;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's local socket (docs/security.md, "Local socket"): a Unix-domain socket in the node's private data
 * directory, mode 600, whose connections skip TLS (only this user can open the file) but go through the same
 * handshake and credential checks as TCP. Where the system tells the peer's user (Linux, macOS), a connection from
 * another user is closed at once (only root could open the file anyway).
 */
final class LocalEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalEndpoint.class);
    /** sun_path holds 108 bytes with the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private final Path path;
    private final ServerSocketChannel channel;
    /** The node's user (the socket file's owner); null where peers' users cannot be told. */
    private final UserPrincipal owner;

    private LocalEndpoint(Path path, ServerSocketChannel channel, UserPrincipal owner) {
        this.path = path;
        this.channel = channel;
        this.owner = owner;
    }

    /**
     * Listens at {@code path}, replacing a stale socket file a crashed node left; null (logged) when the path is too
     * long for a Unix-domain socket, another process serves it, or it cannot be bound: TCP serves everything then.
     */
    static LocalEndpoint open(Path path) {
        Path p = path.toAbsolutePath();
        int bytes = (p + ".new").getBytes(StandardCharsets.UTF_8).length; // also the name it is bound under first
        if (bytes > MAX_PATH_BYTES) {
            log.warn(
                    "no local socket: its path {} is {} bytes long, more than the {} a Unix-domain socket allows;"
                            + " local commands use TCP and TLS (a shorter data directory path avoids this)",
                    p,
                    bytes,
                    MAX_PATH_BYTES);
            return null;
        }
        try {
            if (!removeStale(p)) return null;
            // bound under a temporary name, made private, then renamed: the socket is never reachable with a wider mode
            Path fresh = p.resolveSibling(p.getFileName() + ".new");
            Files.deleteIfExists(fresh);
            var ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.bind(UnixDomainSocketAddress.of(fresh), 64);
                boolean posix = p.getFileSystem().supportedFileAttributeViews().contains("posix");
                if (posix) Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-------"));
                Files.move(fresh, p, StandardCopyOption.ATOMIC_MOVE);
                return new LocalEndpoint(p, ch, posix ? Files.getOwner(p, LinkOption.NOFOLLOW_LINKS) : null);
            } catch (IOException | RuntimeException e) {
                ch.close();
                Files.deleteIfExists(fresh);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            log.warn("no local socket at {}: {}; local commands use TCP and TLS", p, e.toString());
            return null;
        }
    }

    /**
     * Removes what a crashed node left at {@code p} (a socket nobody answers on, or any other file); false (logged)
     * when a live process serves that socket or {@code p} is a directory.
     */
    private static boolean removeStale(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return true;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            log.warn("no local socket: {} is a directory; local commands use TCP and TLS", p);
            return false;
        }
        try (var probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(p));
            log.warn(
                    "no local socket: another process serves {} (another node on this data directory?); local"
                            + " commands use TCP and TLS",
                    p);
            return false;
        } catch (IOException stale) {
            log.info("removing the stale local socket {} (left by a node that did not stop cleanly)", p);
            Files.delete(p);
            return true;
        }
    }

    Path path() {
        return path;
    }

    /**
     * The next connection; null when it came from another user (closed, logged). Throws once the endpoint is closed.
     */
    LocalSocket accept() throws IOException {
        SocketChannel ch = channel.accept();
        try {
            String stranger = stranger(ch);
            if (stranger != null) {
                log.warn(
                        "refusing a local-socket connection from user {}: only the node's user {} may use {}",
                        stranger,
                        owner.getName(),
                        path);
                ch.close();
                return null;
            }
            return new LocalSocket(ch, path);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The peer's user when it is not the node's; null when it is, or when the system does not tell. */
    private String stranger(SocketChannel ch) throws IOException {
        if (owner == null) return null;
        UnixDomainPrincipal peer;
        try {
            peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (UnsupportedOperationException
                | LinkageError notHere) { // no SO_PEERCRED here, or a runtime without jdk.net
            return null;
        }
        return peer == null || peer.user().equals(owner) ? null : peer.user().getName();
    }

    /** Stops listening and deletes the socket file. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("could not delete the local socket {}: {}", path, e.toString());
        }
    }
}
