package dev.interstice.network;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.node.Node;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connection may do, by the credential it proved (docs/protocol.md, "Scoped tokens"): without one, what is
 * public; with a scoped token, that plus exactly the token's actions on its modules (public or private); with the
 * admin token, everything. Every refusal names the permission that is missing.
 */
final class Permissions {
    private static final Logger log = LoggerFactory.getLogger(Permissions.class);

    /** Who a connection proved to be. */
    sealed interface Credential {}

    record Anonymous() implements Credential {}

    record Admin() implements Credential {}

    record Token(ScopedToken token) implements Credential {}

    static final Credential ANONYMOUS = new Anonymous();
    static final Credential ADMIN = new Admin();

    private final String nodeName;
    private final TokenStore tokens;
    private final Node node;

    Permissions(String nodeName, TokenStore tokens, Node node) {
        this.nodeName = nodeName;
        this.tokens = tokens;
        this.node = node;
    }

    TokenStore tokens() {
        return tokens;
    }

    Instant now() {
        return tokens.now();
    }

    /** Whether {@code c} allows {@code action} on {@code module} beyond what is public. */
    boolean allows(Credential c, Action action, String module) {
        return switch (c) {
            case Admin a -> true;
            case Token t -> t.token().allows(action, module);
            case Anonymous a -> false;
        };
    }

    /** Whether {@code c} allows anything at all on {@code module} (it then sees the module's full schema). */
    boolean coversAny(Credential c, String module) {
        for (Action a : Action.values()) if (allows(c, a, module)) return true;
        return false;
    }

    /** Why a token credential no longer holds (revoked, expired), or empty. */
    Optional<String> dead(Credential c) {
        if (!(c instanceof Token t)) return Optional.empty();
        return switch (tokens.status(t.token(), now())) {
            case VALID -> Optional.empty();
            case REVOKED ->
                Optional.of("permission denied: this connection's token '"
                        + t.token().id() + "' was revoked; connect again with another credential");
            case EXPIRED ->
                Optional.of("permission denied: this connection's token '"
                        + t.token().id() + "' expired at " + t.token().expiresAt()
                        + "; connect again with another credential");
        };
    }

    /** The refusal of {@code action} on {@code module} ({@code what}: e.g. "publishing a module") to {@code c}. */
    NetworkException denied(Credential c, Action action, String module, String what) {
        String on = module == null ? "the module" : "module '" + module + "'";
        return new NetworkException(
                ErrorKind.UNAUTHORIZED,
                switch (c) {
                    case Token t ->
                        "permission denied: this connection's token '"
                                + t.token().id() + "' does not allow '"
                                + action + "' on " + (module == null ? "any module" : on) + " (it allows: "
                                + Grant.describe(t.token().grants()) + ")";
                    default ->
                        "permission denied: " + what + " needs the admin credential of node '" + nodeName
                                + "' (its admin.token file) or a token allowing '" + action + "' on " + on
                                + "; this connection did not authenticate";
                });
    }

    /** Throws unless {@code c} is the admin credential ({@code what}: e.g. "managing tokens"). */
    void requireAdmin(Credential c, String what) {
        switch (c) {
            case Admin a -> {}
            case Token t ->
                throw new NetworkException(
                        ErrorKind.UNAUTHORIZED,
                        "permission denied: " + what + " needs the admin credential of node '" + nodeName
                                + "'; this connection's token '" + t.token().id() + "' allows only: "
                                + Grant.describe(t.token().grants()));
            case Anonymous a ->
                throw new NetworkException(
                        ErrorKind.UNAUTHORIZED,
                        "permission denied: " + what + " needs the admin credential of node '" + nodeName
                                + "'; this connection did not authenticate with the node's admin token (its admin.token file)");
        }
    }

    /**
     * Runs the public path of a request; when it answers NOT_FOUND because the thing asked for is private (and not
     * missing), a token connection is told which permission it lacks instead. An anonymous connection keeps the
     * NOT_FOUND (a private module or table answers as a missing one: its existence does not leak).
     */
    <T> T orDenied(Credential c, Action action, String module, String table, Supplier<T> publicPath) {
        try {
            return publicPath.get();
        } catch (IntersticeException e) {
            if (c instanceof Token
                    && !allows(c, action, module) // with the permission, a NOT_FOUND means missing
                    && ErrorKind.of(e.kind()) == ErrorKind.NOT_FOUND
                    && hiddenFromPublic(module, table)) throw denied(c, action, module, "");
            throw e;
        }
    }

    /** CreateToken (admin only): the token and, this once, its credential. Logged without the secret. */
    Message.Reply created(Message.CreateToken r) {
        ScopedToken t = tokens.create(r.grants(), r.expiresAtMs() == 0 ? null : Instant.ofEpochMilli(r.expiresAtMs()));
        log.info(
                "created token {} allowing {}{}",
                t.id(),
                Grant.describe(t.grants()),
                t.expiresAt() == null ? "" : " until " + t.expiresAt());
        return new Message.TokenCreated(
                r.id(),
                info(new TokenStore.Listed(t.id(), t.grants(), t.expiresAt(), t.createdAt(), null)),
                t.credential().value());
    }

    /** ListTokens (admin only): ids, grants and times, never secrets. */
    Message.Reply listed(Message.ListTokens r) {
        return new Message.Tokens(
                r.id(), tokens.list().stream().map(Permissions::info).toList());
    }

    /** RevokeToken (admin only): connections using it are refused at their next request and closed by the sweep. */
    Message.Reply revoked(Message.RevokeToken r) {
        if (!tokens.revoke(r.tokenId()))
            throw new NetworkException(
                    ErrorKind.NOT_FOUND,
                    "node '" + nodeName + "' has no token '" + clip(r.tokenId())
                            + "' (interstice token list shows its tokens)");
        log.info("revoked token {}", r.tokenId());
        return new Message.Ok(r.id());
    }

    private static Message.TokenInfo info(TokenStore.Listed t) {
        return new Message.TokenInfo(
                t.id(),
                t.grants(),
                t.expiresAt() == null ? 0 : t.expiresAt().toEpochMilli(),
                t.createdAt().toEpochMilli(),
                t.lastUsed() == null ? 0 : t.lastUsed().toEpochMilli());
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The module is private, or its table {@code table} (null: none asked for) exists and is private. */
    private boolean hiddenFromPublic(String module, String table) {
        ModuleSchema m = node.schema(module).orElse(null);
        if (m == null) return false;
        if (m.visibility() != Visibility.PUBLIC) return true;
        if (table == null) return false;
        return m.table(table).map(TableSchema::visibility).orElse(Visibility.PUBLIC) != Visibility.PUBLIC;
    }
}
