package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node-wide and per-connection limits of the buffer budget. */
@Timeout(30)
class MemoryBudgetTest {
    static final Duration WAIT = Duration.ofMillis(200);

    static CompletableFuture<MemoryBudget.Grant> reserveLater(MemoryBudget.Account a, long n, Duration wait) {
        var f = new CompletableFuture<MemoryBudget.Grant>();
        Thread.startVirtualThread(() -> {
            try {
                f.complete(a.reserve(n, wait));
            } catch (InterruptedException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    @Test
    void aNodeShortOfRoomRefusesAfterTheWait() throws Exception {
        var budget = new MemoryBudget(100, 80);
        var a = budget.open();
        var b = budget.open();
        assertThat(a.reserve(60, WAIT)).isEqualTo(MemoryBudget.Grant.GRANTED);
        assertThat(b.reserve(50, WAIT)).as("over the node's total").isEqualTo(MemoryBudget.Grant.NODE_SHORT);
        assertThat(budget.used()).isEqualTo(60);
        var waiting = reserveLater(b, 50, Duration.ofSeconds(10));
        a.release(60);
        assertThat(waiting.get(5, TimeUnit.SECONDS))
                .as("granted once room is freed")
                .isEqualTo(MemoryBudget.Grant.GRANTED);
        assertThat(budget.used()).isEqualTo(50);
    }

    @Test
    void aConnectionWaitsForItsOwnShareWithoutADeadlineAndOneLargeItemPassesAlone() throws Exception {
        var budget = new MemoryBudget(1000, 100);
        var a = budget.open();
        assertThat(a.reserve(500, WAIT))
                .as("larger than the share, but the connection holds nothing")
                .isEqualTo(MemoryBudget.Grant.GRANTED);
        var waiting = reserveLater(a, 10, Duration.ZERO);
        Thread.sleep(100);
        assertThat(waiting)
                .as("its own share is full: it waits, however short the node wait")
                .isNotDone();
        a.release(500);
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(MemoryBudget.Grant.GRANTED);
        assertThat(a.tryTake(95)).as("events are refused past the share").isFalse();
        assertThat(a.tryTake(90)).isTrue();
    }

    @Test
    void closingGivesEverythingBackAndWakesWaiters() throws Exception {
        var budget = new MemoryBudget(1000, 100);
        var a = budget.open();
        a.take(80);
        assertThat(a.reserve(10, WAIT)).isEqualTo(MemoryBudget.Grant.GRANTED);
        var waiting = reserveLater(a, 50, Duration.ofSeconds(10));
        a.close();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(MemoryBudget.Grant.CLOSED);
        assertThat(budget.used()).isZero();
        a.release(10); // late releases of a closed connection change nothing
        a.take(10);
        assertThat(budget.used()).isZero();
    }
}
