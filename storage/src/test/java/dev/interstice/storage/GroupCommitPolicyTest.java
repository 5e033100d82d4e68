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

    final GroupCommitPolicy policy = new GroupCommitPolicy(FAST);

    /** {@code records} small records pending since time 0. */
    static State pending(int records, boolean durableWaiter, boolean flushing) {
        return new State(records * 100, records, 0, durableWaiter, flushing, false);
    }

    @Test
    void fastAppendsWaitForTheFastFlushIntervalOfTheOldestRecord() {
        assertThat(policy.waitNanos(pending(3, false, false), 0)).isEqualTo(FAST);
        assertThat(policy.waitNanos(pending(3, false, false), 4 * MS)).isEqualTo(6 * MS);
        assertThat(policy.waitNanos(pending(3, false, false), FAST)).isEqualTo(FLUSH);
        assertThat(policy.waitNanos(pending(3, false, false), FAST + 1)).isEqualTo(FLUSH);
    }

    @Test
    void aDurabilityWaiterIsFlushedAtOnceWhateverCameBefore() {
        assertThat(policy.waitNanos(pending(1, true, false), 1)).isEqualTo(FLUSH);
        assertThat(policy.wakeWriter(pending(1, true, false))).isTrue();
    }

    @Test
    void closingOrARollAndAMegabyteOfPendingDataFlushAtOnce() {
        assertThat(policy.waitNanos(new State(100, 1, 0, false, false, true), 1))
                .isEqualTo(FLUSH);
        assertThat(policy.waitNanos(new State(EAGER_BYTES, 5000, 0, false, false, false), 1))
                .isEqualTo(FLUSH);
    }

    @Test
    void nothingIsFlushedWhileABatchIsBeingFlushed() {
        assertThat(policy.waitNanos(pending(5, true, true), FAST * 2)).isEqualTo(UNTIL_SIGNALLED);
        assertThat(policy.waitNanos(new State(EAGER_BYTES, 5000, 0, true, true, true), 1))
                .isEqualTo(UNTIL_SIGNALLED);
        assertThat(policy.wakeWriter(pending(5, true, true))).isFalse();
    }

    @Test
    void afterAGroupTheNextBatchWaitsForItsCallersBackAtMostAnFsync() {
        // an fsync of 400 us released 2 waiters at t = 1 ms; 2 records were appended meanwhile
        policy.fsyncCompleted(MS, 400_000, 2, 2);
        long ewma = 200_000 + (400_000 - 200_000) / 8;
        assertThat(policy.waitNanos(pending(2, true, false), MS)).isEqualTo(ewma);
        assertThat(policy.wakeWriter(pending(3, true, false)))
                .as("woken all the same: it may sleep on its idle tick")
                .isTrue();
        assertThat(policy.waitNanos(pending(4, true, false), MS + 1000)).isEqualTo(FLUSH);
        assertThat(policy.waitNanos(pending(2, true, false), MS + ewma))
                .as("linger over")
                .isEqualTo(FLUSH);
        policy.batchTaken();
        assertThat(policy.waitNanos(pending(1, true, false), MS))
                .as("a batch ends it")
                .isEqualTo(FLUSH);
    }

    @Test
    void twoCallersInTurnMergeIntoOneGroup() {
        // one waiter released while the other caller's record was appended: they alternate unless the next batch
        // waits for the first one to be back (measured: a median batch of one record, ~3 fsyncs per answer)
        policy.fsyncCompleted(MS, 200_000, 1, 1);
        assertThat(policy.waitNanos(pending(1, true, false), MS)).isEqualTo(200_000);
        assertThat(policy.waitNanos(pending(2, true, false), MS + 50_000)).isEqualTo(FLUSH);
    }

    @Test
    void aLoneCallerNeverLingers() {
        policy.fsyncCompleted(MS, 400_000, 1, 0);
        assertThat(policy.waitNanos(pending(1, true, false), MS)).isEqualTo(FLUSH);
        policy.fsyncCompleted(MS, 400_000, 0, 3);
        assertThat(policy.waitNanos(pending(3, true, false), MS))
                .as("nobody released: nobody to wait for")
                .isEqualTo(FLUSH);
        for (int i = 0; i < 50; i++) policy.fsyncCompleted(0, 100 * MS, 4, 0);
        assertThat(policy.waitNanos(pending(1, true, false), 0)).isEqualTo(GroupCommitPolicy.MAX_LINGER_NANOS);
    }

    @Test
    void anIdleWriterTicksAtHalfTheFastFlushInterval() {
        assertThat(policy.waitNanos(new State(0, 0, 0, true, false, true), 1)).isEqualTo(FAST / 2);
    }

    @Test
    void anAppendDoesNotWakeTheWriterUnlessItMustFlushNow() {
        assertThat(policy.wakeWriter(pending(1, false, false)))
                .as("first record: the idle tick finds it")
                .isFalse();
        assertThat(policy.wakeWriter(new State(EAGER_BYTES, 10, 0, false, false, false)))
                .isTrue();
    }

    /** Whatever the state: no record waits past its fast-flush deadline, and a wake-up is never idle. */
    @Property(tries = 2000)
    void neverLateAndNeverWokenForNothing(
            @ForAll @IntRange(min = 0, max = 2 * EAGER_BYTES) int bytes,
            @ForAll @IntRange(min = 0, max = 60) int records,
            @ForAll @LongRange(min = 0, max = 30 * MS) long age,
            @ForAll boolean durableWaiter,
            @ForAll boolean flushing,
            @ForAll boolean urgent) {
        long now = 100 * MS;
        State s = new State(bytes, bytes == 0 ? 0 : Math.max(1, records), now - age, durableWaiter, flushing, urgent);
        long wait = policy.waitNanos(s, now);
        if (flushing) {
            assertThat(wait).isEqualTo(UNTIL_SIGNALLED);
            assertThat(policy.wakeWriter(s)).isFalse();
            return;
        }
        assertThat(wait).isBetween(0L, FAST);
        if (bytes > 0)
            assertThat(now + wait)
                    .as("fast-flush deadline")
                    .isLessThanOrEqualTo(Math.max(now, s.pendingSinceNanos() + FAST));
        if (durableWaiter && bytes > 0)
            assertThat(wait).as("no linger without a released group").isEqualTo(FLUSH);
        if (policy.wakeWriter(s))
            assertThat(wait).as("a woken writer flushes or lingers briefly").isLessThanOrEqualTo(MAX_LINGER_NANOS);
    }
}
