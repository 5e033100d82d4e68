package dev.interstice.console;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Where a node's console listens and how long its sessions live.
 *
 * @param address where to listen (port 0: any free one); loopback unless the operator names another address
 * @param sessionIdle a session unused this long is over (the page asks for the token again)
 * @param maxSessions sessions at most at once: a new login beyond ends the least recently used one
 * @param maxStreams live-update streams (table changes, metrics) open at most at once
 * @param maxUploadBytes largest module a publish may upload
 */
public record ConsoleConfig(
        InetSocketAddress address, Duration sessionIdle, int maxSessions, int maxStreams, int maxUploadBytes) {
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(30);

    public ConsoleConfig {
        if (sessionIdle.isNegative() || sessionIdle.isZero())
            throw new IllegalArgumentException("a session's idle time must be positive");
        if (maxSessions < 1 || maxStreams < 1 || maxUploadBytes < 1)
            throw new IllegalArgumentException("the console's limits must be positive");
    }

    /** The defaults, listening on {@code host:port}. */
    public static ConsoleConfig at(String host, int port) {
        return new ConsoleConfig(new InetSocketAddress(host, port), DEFAULT_SESSION_IDLE, 16, 32, 64 << 20);
    }

    public ConsoleConfig withSessionIdle(Duration idle) {
        return new ConsoleConfig(address, idle, maxSessions, maxStreams, maxUploadBytes);
    }
}
