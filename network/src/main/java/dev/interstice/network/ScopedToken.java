package dev.interstice.network;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A token a node holds besides its admin credential: its credential (id and secret), what it allows, when it expires
 * ({@code null}: never) and when it was made. {@link #toString} never shows the secret.
 */
public record ScopedToken(TokenCredential credential, List<Grant> grants, Instant expiresAt, Instant createdAt) {
    public ScopedToken {
        Objects.requireNonNull(credential);
        grants = List.copyOf(grants);
        Objects.requireNonNull(createdAt);
    }

    public String id() {
        return credential.id();
    }

    public boolean allows(Action action, String module) {
        for (Grant g : grants) if (g.covers(action, module)) return true;
        return false;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "ScopedToken[" + id() + ": " + Grant.describe(grants) + "]";
    }
}
