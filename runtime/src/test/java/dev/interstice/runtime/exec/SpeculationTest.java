package dev.interstice.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The policy and locking of optimistic execution's shared state (docs/parallel-execution.md). */
class SpeculationTest {
    private final Speculation s = new Speculation(2);
    private final Object module = new Object();

    @Test
    void aReducerThatConflictsOftenRunsSeriallyForAWhile() {
        Speculation.Of hot = s.of(module, "transfer");
        for (int i = 0; i < Speculation.WINDOW; i++) {
            assertThat(s.backingOff(hot)).isFalse();
            if (i <= Speculation.MAX_CONFLICTS) s.reexecuted(hot); // one conflict more than a window allows
            else s.committed(hot);
        }
        for (int i = 0; i < Speculation.BACK_OFF; i++)
            assertThat(s.backingOff(hot)).isTrue();
        assertThat(s.backingOff(hot)).isFalse();
        assertThat(s.stats().serial()).isEqualTo(Speculation.BACK_OFF);
    }

    @Test
    void aFewConflictsInAWindowDoNotStopSpeculating() {
        Speculation.Of warm = s.of(module, "transfer");
        for (int i = 0; i < 3 * Speculation.WINDOW; i++) {
            if (i % Speculation.WINDOW < Speculation.MAX_CONFLICTS) s.reexecuted(warm);
            else s.committed(warm);
            assertThat(s.backingOff(warm)).isFalse();
        }
    }

    @Test
    void theRecordOfAReducerIsOnePerModuleAndName() {
        assertThat(s.of(module, "a")).isSameAs(s.of(module, "a")).isNotSameAs(s.of(module, "b"));
        Speculation.Of before = s.of(module, "a");
        s.changedEverything(); // modules may have changed: records start afresh
        assertThat(s.of(module, "a")).isNotSameAs(before);
    }

    @Test
    void theExclusiveSideNestsAndKeepsReadersOutUntilTheOutermostUnlock() throws Exception {
        s.lockExclusive();
        s.lockExclusive(); // e.g. a module install inside Executor.exclusive
        s.applied(List.of(), () -> {}); // a commit meanwhile applies without taking it again
        s.unlockExclusive();
        assertThat(readerGetsIn()).isFalse();
        s.unlockExclusive();
        assertThat(readerGetsIn()).isTrue();
        assertThat(s.commits()).isEqualTo(1);
    }

    private boolean readerGetsIn() throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    boolean in = s.shared().tryLock();
                    if (in) s.shared().unlock();
                    return in;
                })
                .get();
    }
}
