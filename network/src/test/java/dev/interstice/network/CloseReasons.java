package dev.interstice.network;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The node's last debug lines about its connections (NodeServer, ServerSession), a bounded number of them: why the node
 * closed a connection, for a test to tell a refusal from a failure without keeping a long run's every line.
 */
final class CloseReasons extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final int KEPT = 256;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    /** Lines appended so far (a mark for {@link #since}). */
    private long appended;

    private final List<Logger> loggers = List.of(
            (Logger) LoggerFactory.getLogger(NodeServer.class), (Logger) LoggerFactory.getLogger(ServerSession.class));
    private final List<Level> before;

    CloseReasons() {
        before = loggers.stream().map(Logger::getLevel).toList();
        start();
        for (Logger l : loggers) {
            l.setLevel(Level.DEBUG);
            l.setAdditive(false); // the debug lines stay here; warnings are still printed (append)
            l.addAppender(this);
        }
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        if (lines.size() == KEPT) lines.removeFirst();
        lines.addLast(e.getFormattedMessage());
        appended++;
        if (e.getLevel().isGreaterOrEqual(Level.WARN))
            System.out.println(e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage());
    }

    /** A mark: {@link #since} returns the lines appended after it. */
    synchronized long mark() {
        return appended;
    }

    /** The kept lines appended after {@code mark}. */
    synchronized List<String> since(long mark) {
        int n = (int) Math.min(lines.size(), appended - mark);
        return List.copyOf(lines).subList(lines.size() - n, lines.size());
    }

    /** The kept lines that name the connection from local port {@code port} (as the node sees it: ":port"). */
    synchronized List<String> about(int port) {
        String from = ":" + port;
        return lines.stream()
                .filter(l -> l.contains(from + " ") || l.contains(from + ":") || l.endsWith(from))
                .toList();
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(this);
            loggers.get(i).setAdditive(true);
            loggers.get(i).setLevel(before.get(i));
        }
        stop();
    }
}
