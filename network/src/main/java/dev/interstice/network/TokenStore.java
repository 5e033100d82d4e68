package dev.interstice.network;

import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's scoped tokens. Kept in {@code <data dir>/tokens} (mode 600, beside {@code admin.token}), rewritten whole on
 * every change, not in a system table: the node needs each secret to check proofs, and a revoked secret must be gone,
 * whereas the log and its snapshots keep what a table held long after (and modules could read system tables). A node
 * without a data directory keeps its tokens in memory. When each was last used is kept in memory only (since the node
 * started): writing the file at every authentication would cost more than it tells.
 *
 * <p>File format, one token a line: {@code <id> <secret> <created ms> <expires ms, or -> <grant>,<grant>...}; lines
 * starting with {@code #} are comments.
 */
public final class TokenStore {
    public static final String FILE = "tokens";
    /** Tokens a node holds at most: the file is rewritten whole and listed whole. */
    public static final int MAX_TOKENS = 1000;
    /** Grants one token holds at most. */
    public static final int MAX_GRANTS = 64;

    /** A token as listed: never with its secret. */
    public record Listed(String id, List<Grant> grants, Instant expiresAt, Instant createdAt, Instant lastUsed) {}

    /** Whether a connection's token still holds. */
    public enum Status {
        VALID,
        EXPIRED,
        REVOKED
    }

    private final Path file; // null: in memory
    private final InstantSource clock;
    private final Map<String, ScopedToken> tokens = new LinkedHashMap<>();
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    private TokenStore(Path file, InstantSource clock) {
        this.file = file;
        this.clock = clock;
    }

    public static TokenStore inMemory() {
        return inMemory(InstantSource.system());
    }

    /** In memory, with expiries judged by {@code clock} (tests). */
    public static TokenStore inMemory(InstantSource clock) {
        return new TokenStore(null, clock);
    }

    /** The tokens in {@code dir/tokens} (none if the file is absent; it is created at the first token). */
    public static TokenStore open(Path dir) {
        var store = new TokenStore(dir.resolve(FILE), InstantSource.system());
        try {
            if (Files.exists(store.file)) {
                int n = 0;
                for (String line : Files.readAllLines(store.file, StandardCharsets.UTF_8)) {
                    n++;
                    if (line.isBlank() || line.startsWith("#")) continue;
                    ScopedToken t = parse(line, n);
                    store.tokens.put(t.id(), t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokens file " + store.file + ": " + e.getMessage(), e);
        }
        return store;
    }

    private static ScopedToken parse(String line, int n) {
        String[] f = line.strip().split(" ");
        try {
            if (f.length != 5) throw new IllegalArgumentException("expected 5 fields, found " + f.length);
            var grants = Arrays.stream(f[4].split(",")).map(Grant::parse).toList();
            return new ScopedToken(
                    TokenCredential.of(f[0], f[1]),
                    grants,
                    f[3].equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(f[3])),
                    Instant.ofEpochMilli(Long.parseLong(f[2])));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the tokens file has a bad line " + n + " (" + e.getMessage()
                            + "); fix or delete that line (revoking that token)",
                    e);
        }
    }

    /** Makes a token allowing {@code grants} until {@code expiresAt} (null: no expiry), and saves it. */
    public synchronized ScopedToken create(List<Grant> grants, Instant expiresAt) {
        Instant now = now();
        if (grants.isEmpty())
            throw new NetworkException(ErrorKind.BAD_ARGUMENTS, "a token needs at least one permission");
        if (grants.size() > MAX_GRANTS)
            throw new NetworkException(
                    ErrorKind.BAD_ARGUMENTS,
                    "a token holds at most " + MAX_GRANTS + " permissions, not " + grants.size());
        if (expiresAt != null && !expiresAt.isAfter(now))
            throw new NetworkException(ErrorKind.BAD_ARGUMENTS, "the expiry " + expiresAt + " has already passed");
        if (tokens.size() >= MAX_TOKENS)
            throw new NetworkException(
                    ErrorKind.REFUSED, "the node holds " + MAX_TOKENS + " tokens, its maximum; revoke some first");
        TokenCredential c;
        do c = TokenCredential.random();
        while (tokens.containsKey(c.id()) || revoked.contains(c.id()));
        var t = new ScopedToken(c, List.copyOf(new java.util.LinkedHashSet<>(grants)), expiresAt, now);
        tokens.put(t.id(), t);
        try {
            save();
        } catch (RuntimeException e) {
            tokens.remove(t.id());
            throw e;
        }
        return t;
    }

    /** Revokes a token (its secret is erased from the file); false if there is none with that id. */
    public synchronized boolean revoke(String id) {
        if (tokens.remove(id) == null) return false;
        revoked.add(id);
        lastUsed.remove(id);
        save();
        return true;
    }

    public synchronized List<Listed> list() {
        var out = new ArrayList<Listed>();
        for (ScopedToken t : tokens.values())
            out.add(new Listed(t.id(), t.grants(), t.expiresAt(), t.createdAt(), lastUsed.get(t.id())));
        return out;
    }

    /** The token with this id, if the node holds it. */
    public synchronized Optional<ScopedToken> find(String id) {
        return Optional.ofNullable(tokens.get(id));
    }

    /** Whether {@code t} (which a connection proved) still holds at {@code now}. */
    public Status status(ScopedToken t, Instant now) {
        if (revoked.contains(t.id())) return Status.REVOKED;
        return t.expired(now) ? Status.EXPIRED : Status.VALID;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Notes that a connection proved {@code t} at {@code now}. */
    void used(ScopedToken t, Instant now) {
        lastUsed.put(t.id(), now);
    }

    private void save() {
        if (file == null) return;
        var text = new StringBuilder(
                "# Interstice scoped tokens (secrets: keep private). id secret created expires grants\n");
        for (ScopedToken t : tokens.values())
            text.append(t.id())
                    .append(' ')
                    .append(t.credential().secret())
                    .append(' ')
                    .append(t.createdAt().toEpochMilli())
                    .append(' ')
                    .append(
                            t.expiresAt() == null
                                    ? "-"
                                    : String.valueOf(t.expiresAt().toEpochMilli()))
                    .append(' ')
                    .append(String.join(
                            ",", t.grants().stream().map(Grant::toString).toList()))
                    .append('\n');
        Path dir = file.getParent();
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            PrivateFiles.createDirectories(dir);
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) { // not a POSIX file system
                Files.createFile(tmp);
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true); // a revocation must survive a crash
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokens file " + file + ": " + e.getMessage(), e);
        }
    }
}
