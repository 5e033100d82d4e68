package dev.interstice.runtime.node;

import java.time.Duration;
import java.util.Locale;

/**
 * What the node does when a module's own transactions keep failing: a subscriber (of table or lifecycle events) or a
 * scheduled reducer whose runs trap. Failures are counted per handler (module and reducer) and reset by a success.
 *
 * <ul>
 *   <li>{@code RETRY}: the failed run is tried again after a back-off ({@code backoff}, doubling up to
 *       {@code maxBackoff}) until {@code maxFailures} failures in a row; then the node gives up on it (logged) and
 *       retries nothing of that handler until it succeeds once.
 *   <li>{@code DISABLE}: after {@code maxFailures} failures in a row the handler no longer runs (its events and
 *       schedules are dropped) until the module is published again.
 *   <li>{@code UNLOAD}: after {@code maxFailures} failures in a row the module is unloaded (its data kept).
 *   <li>{@code NOTIFY}: every {@code maxFailures} failures in a row, {@code notifyModule.notifyReducer(module: string,
 *       reducer: string, error: string, failures: u32)} runs: a supervising module decides.
 * </ul>
 */
public record SupervisionPolicy(
        Action action,
        int maxFailures,
        Duration backoff,
        Duration maxBackoff,
        String notifyModule,
        String notifyReducer) {

    public enum Action {
        RETRY,
        DISABLE,
        UNLOAD,
        NOTIFY
    }

    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);

    /** Retry with back-off, five failures in a row at most. */
    public static final SupervisionPolicy DEFAULT =
            new SupervisionPolicy(Action.RETRY, DEFAULT_MAX_FAILURES, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF, null, null);

    public SupervisionPolicy {
        if (maxFailures < 1) throw new IllegalArgumentException("the number of failures must be at least 1");
        if (action == Action.NOTIFY && (notifyModule == null || notifyReducer == null))
            throw new IllegalArgumentException(
                    "notify names a supervising module's reducer: notify:<module>.<reducer>");
    }

    /** The back-off before retry number {@code attempt} (1 = the first retry). */
    public Duration backoffBefore(int attempt) {
        long ms = backoff.toMillis() << Math.min(attempt - 1, 30);
        return Duration.ofMillis(Math.min(Math.max(ms, 0), maxBackoff.toMillis()));
    }

    /**
     * Parses {@code retry}, {@code disable}, {@code unload} or {@code notify:<module>.<reducer>}, each optionally
     * followed by {@code :<failures>} (default 5), e.g. {@code disable:3}, {@code notify:watchdog.on_failure:10}.
     */
    public static SupervisionPolicy parse(String text) {
        String[] parts = text.trim().split(":", -1);
        String name = parts[0].toLowerCase(Locale.ROOT);
        int rest = 1;
        String module = null;
        String reducer = null;
        Action action = switch (name) {
            case "retry" -> Action.RETRY;
            case "disable" -> Action.DISABLE;
            case "unload" -> Action.UNLOAD;
            case "notify" -> Action.NOTIFY;
            default ->
                throw new IllegalArgumentException("unknown supervision policy '" + parts[0]
                        + "': use retry, disable, unload or notify:<module>.<reducer>, each optionally :<failures>");
        };
        if (action == Action.NOTIFY) {
            String target = parts.length > 1 ? parts[1] : "";
            int dot = target.indexOf('.');
            if (dot <= 0 || dot == target.length() - 1)
                throw new IllegalArgumentException(
                        "notify names the supervising module's reducer: notify:<module>.<reducer>[:<failures>]");
            module = target.substring(0, dot);
            reducer = target.substring(dot + 1);
            rest = 2;
        }
        if (parts.length > rest + 1) throw new IllegalArgumentException("'" + text + "': too many ':' parts");
        int max = DEFAULT_MAX_FAILURES;
        if (parts.length == rest + 1) {
            try {
                max = Integer.parseInt(parts[rest]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + text + "': the number of failures must be a whole number, not '" + parts[rest] + "'");
            }
            if (max < 1)
                throw new IllegalArgumentException("'" + text + "': the number of failures must be at least 1");
        }
        return new SupervisionPolicy(action, max, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF, module, reducer);
    }

    /** As {@link #parse} reads it. */
    @Override
    public String toString() {
        String n = action.name().toLowerCase(Locale.ROOT);
        return (action == Action.NOTIFY ? n + ":" + notifyModule + "." + notifyReducer : n) + ":" + maxFailures;
    }
}
