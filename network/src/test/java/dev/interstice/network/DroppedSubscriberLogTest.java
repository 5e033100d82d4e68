package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interstice.runtime.node.NodeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** A subscriber that cannot keep up is dropped with one warning (and one summary), not one warning per buffered event. */
@Timeout(60)
class DroppedSubscriberLogTest {

    static long count(ListAppender<ILoggingEvent> log, Level level, String fragment) {
        return log.list.stream()
                .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(fragment))
                .count();
    }

    @Test
    void aFullDeliveryQueueIsLoggedOncePerConnectionAndTheRestIsCounted() {
        var logger = (Logger) LoggerFactory.getLogger(PeerLink.class);
        var log = new ListAppender<ILoggingEvent>();
        log.start();
        logger.addAppender(log);
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO); // to count the connections lost
        try (var bank = new NetNode("bank-node", NodeConfig.inMemory(), 0, c -> c.withResumeBufferEvents(16));
                var app = new NetNode("app-node", NodeConfig.inMemory(), 0, c -> c.withDeliveryQueueCapacity(1))) {
            bank.t.node.load(Fixtures.bank().build());
            app.t.node.load(Fixtures.caller(bank.address()));
            NetNode.await("subscription", () -> PeerTest.synced(app) == 1);
            bank.t.node.call("bank", "burst", List.of()); // 100 events arrive at once; one fits in the delivery queue
            NetNode.await("100 events", () -> PeerTest.received(app, "caller").size() >= 100);
            assertThat(PeerTest.received(app, "caller")).isEqualTo(PeerTest.range(0, 100));

            long drops = count(log, Level.INFO, "lost; reconnecting");
            long full = count(log, Level.WARN, "wait for delivery");
            assertThat(full).isPositive().isLessThanOrEqualTo(drops);
            assertThat(count(log, Level.WARN, "more received messages were dropped"))
                    .isLessThanOrEqualTo(drops);
            assertThat(log.list.stream().filter(e -> e.getLevel() == Level.WARN))
                    .hasSizeLessThanOrEqualTo((int) (2 * drops));
        } finally {
            logger.detachAppender(log);
            logger.setLevel(before);
        }
    }

    @Test
    void storageFallingBehindDisconnectsTheSubscribersWithOneWarningNotOnePerCommit() {
        var logger = (Logger) LoggerFactory.getLogger(TableStreams.class);
        var log = new ListAppender<ILoggingEvent>();
        log.start();
        logger.addAppender(log);
        try {
            var never = new java.util.concurrent.CompletableFuture<Void>(); // storage that never catches up
            var streams = new TableStreams(4, lsn -> never);
            var subscriber = new TableStreamsTest.Recorder();
            streams.subscribe(new TableStreams.Subscriber(subscriber, 1), "bank", "ledger", "", 0, () -> {}, List::of);
            for (long i = 1; i <= 6000; i++) // more than the 4096 changes a stream holds for durability
            streams.committed(
                        i,
                        i,
                        List.of(new dev.interstice.runtime.exec.CommitListener.RowEvent(
                                "bank", "ledger", null, TableStreamsTest.row(i, i))));
            assertThat(subscriber.slow).isTrue();
            assertThat(count(log, Level.WARN, "changes wait for durability")).isEqualTo(1);
        } finally {
            logger.detachAppender(log);
        }
    }
}
