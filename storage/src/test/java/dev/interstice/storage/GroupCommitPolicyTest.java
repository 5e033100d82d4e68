package dev.interstice.storage;

import static dev.interstice.storage.GroupCommitPolicy.EAGER_BYTES;
import static dev.interstice.storage.GroupCommitPolicy.FLUSH;
import static dev.interstice.storage.GroupCommitPolicy.MAX_LINGER_NANOS;
import static dev.interstice.storage.GroupCommitPolicy.UNTIL_SIGNALLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.storage.GroupCommitPolicy.State;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The group-commit decision with explicit times and states (no threads, no clock). */
class GroupCommitPolicyTest {
    static final long MS = 1_000_000;
    static final long FAST = 10 * MS;

    final GroupCommitPolicy policy = new GroupCommitPolicy(FAST, 1);

    /** {@code records} small records pending since time 0, one fsync slot. */
    static State pending(int records, boolean durableWaiter, int syncsInFlight) {
        return new State(records * 100, records, 0, durableWaiter, syncsInFlight, false);
    }

    @Test
    void fastAppendsWaitForTheFastFlushIntervalOfTheOldestRecord() {
        assertThat(policy.waitNanos(pending(3, false, 0), 0)).isEqualTo(FAST);
        assertThat(policy.waitNanos(pending(3, false, 0), 4 * MS)).isEqualTo(6 * MS);
        assertThat(policy.waitNanos(pending(3, false, 0), FAST)).isEqualTo(FLUSH);
        assertThat(policy.waitNanos(pending(3, false, 0), FAST + 1)).isEqualTo(FLUSH);
    }

    @Test
    void aDurabilityWaiterIsFlushedAtOnce() {
        assertThat(policy.waitNanos(pending(1, true, 0), 1)).isEqualTo(FLUSH);
    }

    @Test
    void closingOrARollAndAMegabyteOfPendingDataFlushAtOnce() {
        assertThat(policy.waitNanos(new State(100, 1, 0, false, 0, true), 1)).isEqualTo(FLUSH);
        assertThat(policy.waitNanos(new State(EAGER_BYTES, 5000, 0, false, 0, false), 1))
                .isEqualTo(FLUSH);
    }

    @Test
    void nothingIsFlushedWhileEveryFsyncSlotIsBusyOrNothingIsPending() {
        assertThat(policy.waitNanos(pending(5, true, 1), FAST * 2)).isEqualTo(UNTIL_SIGNALLED);
        assertThat(policy.waitNanos(new State(EAGER_BYTES, 5000, 0, true, 1, true), 1))
                .isEqualTo(UNTIL_SIGNALLED);
        assertThat(policy.waitNanos(new State(0, 0, 0, true, 0, true), 1)).isEqualTo(UNTIL_SIGNALLED);
        GroupCommitPolicy two = new GroupCommitPolicy(FAST, 2);
        assertThat(two.waitNanos(pending(5, true, 1), 1)).isEqualTo(FLUSH);
    }

    @Test
    void afterALargeGroupTheNextBatchLingersForTheSameCommitters() {
        // an fsync of 400 us released 10 waiters at t = 1 ms; 2 records arrived meanwhile
        policy.fsyncCompleted(MS, 400_000, 10, 10, 2);
        long ewma = 200_000 + (400_000 - 200_000) / 8;
        long deadline = MS + ewma / 2;
        assertThat(policy.waitNanos(pending(5, true, 0), MS)).isEqualTo(ewma / 2);
        assertThat(policy.waitNanos(pending(11, true, 0), MS + 1000)).isEqualTo(deadline - MS - 1000);
        assertThat(policy.waitNanos(pending(12, true, 0), MS + 1000))
                .as("all 10 + 2 back")
                .isEqualTo(FLUSH);
        assertThat(policy.waitNanos(pending(5, true, 0), deadline))
                .as("linger over")
                .isEqualTo(FLUSH);
        // a linger never holds back fast appends beyond their interval, nor applies without a waiter
        assertThat(policy.waitNanos(new State(500, 5, -FAST + 100, true, 0, false), MS))
                .isEqualTo(FLUSH);
        assertThat(policy.waitNanos(pending(5, false, 0), MS)).isEqualTo(FAST - MS);
        policy.batchTaken();
        assertThat(policy.waitNanos(pending(1, true, 0), MS))
                .as("a batch ends the linger")
                .isEqualTo(FLUSH);
    }

    @Test
    void smallGroupsDoNotLinger() {
        policy.fsyncCompleted(MS, 400_000, 3, 10, 0);
        assertThat(policy.waitNanos(pending(1, true, 0), MS)).isEqualTo(FLUSH);
        policy.fsyncCompleted(MS, 400_000, 10, 3, 0);
        assertThat(policy.waitNanos(pending(1, true, 0), MS)).isEqualTo(FLUSH);
    }

    @Test
    void aLingerIsAtMostOneMillisecondWhateverTheFsyncLatency() {
        for (int i = 0; i < 50; i++) policy.fsyncCompleted(0, 100 * MS, 10, 10, 0);
        assertThat(policy.waitNanos(pending(1, true, 0), 0)).isEqualTo(MAX_LINGER_NANOS);
    }

    @Test
    void theWriterIsWokenOnlyWhenItCouldStartABatch() {
        assertThat(policy.wakeWriter(pending(1, false, 0), true))
                .as("first record: start the timer")
                .isTrue();
        assertThat(policy.wakeWriter(pending(2, false, 0), false)).isFalse();
        assertThat(policy.wakeWriter(pending(2, true, 0), false)).isTrue();
        assertThat(policy.wakeWriter(pending(2, true, 1), false))
                .as("fsync slot busy")
                .isFalse();
        assertThat(policy.wakeWriter(pending(1, false, 1), true)).isFalse();
        assertThat(policy.wakeWriter(new State(EAGER_BYTES, 10, 0, false, 0, false), false))
                .isTrue();
        policy.fsyncCompleted(0, 400_000, 10, 10, 0);
        assertThat(policy.wakeWriter(pending(9, true, 0), false))
                .as("lingering")
                .isFalse();
        assertThat(policy.wakeWriter(pending(10, true, 0), false)).isTrue();
    }

    /** Whatever the history and state: no record waits past its fast-flush deadline, and a wake-up is never idle. */
    @Property(tries = 2000)
    void neverLateAndNeverWokenForNothing(
            @ForAll @IntRange(min = 0, max = 40) int released,
            @ForAll @IntRange(min = 0, max = 40) int batch,
            @ForAll @LongRange(min = 0, max = 50 * MS) long fsyncLatency,
            @ForAll boolean takenSince,
            @ForAll @IntRange(min = 0, max = 2 * EAGER_BYTES) int bytes,
            @ForAll @IntRange(min = 0, max = 60) int records,
            @ForAll @LongRange(min = 0, max = 30 * MS) long age,
            @ForAll @LongRange(min = 0, max = 30 * MS) long sinceFsync,
            @ForAll boolean durableWaiter,
            @ForAll @IntRange(min = 0, max = 2) int inFlight,
            @ForAll boolean urgent,
            @ForAll boolean firstPending) {
        GroupCommitPolicy p = new GroupCommitPolicy(FAST, 2);
        long fsyncAt = 100 * MS;
        p.fsyncCompleted(fsyncAt, fsyncLatency, released, batch, 0);
        if (takenSince) p.batchTaken();
        long now = fsyncAt + sinceFsync;
        State s = new State(bytes, bytes == 0 ? 0 : Math.max(1, records), now - age, durableWaiter, inFlight, urgent);
        long wait = p.waitNanos(s, now);
        if (bytes == 0 || inFlight >= 2) {
            assertThat(wait).isEqualTo(UNTIL_SIGNALLED);
            assertThat(p.wakeWriter(s, firstPending)).isFalse();
            return;
        }
        assertThat(wait).isBetween(0L, FAST);
        assertThat(now + wait)
                .as("fast-flush deadline")
                .isLessThanOrEqualTo(Math.max(now, s.pendingSinceNanos() + FAST));
        if (durableWaiter) assertThat(wait).as("linger bound").isLessThanOrEqualTo(MAX_LINGER_NANOS);
        if (p.wakeWriter(s, false)) assertThat(wait).as("woken writer flushes").isEqualTo(FLUSH);
    }
}
