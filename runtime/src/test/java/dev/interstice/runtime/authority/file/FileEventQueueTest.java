package dev.interstice.runtime.authority.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Watch events waiting for a slow holder: kept in order, repeats coalesced, the rest dropped and reported. */
class FileEventQueueTest {
    static FileEventQueue.Event created(String p) {
        return new FileEventQueue.Event("Created", p);
    }

    @Test
    void aHolderSlowerThanTheFileSystemLosesEventsPastTheBoundAndTheLossIsReported() throws InterruptedException {
        List<Long> reported = new CopyOnWriteArrayList<>();
        var q = new FileEventQueue(3, reported::add);
        for (int i = 0; i < 10; i++) q.offer(created("f" + i));
        var taken = new ArrayList<FileEventQueue.Event>();
        for (int i = 0; i < 3; i++) taken.add(q.take());
        assertThat(taken).containsExactly(created("f0"), created("f1"), created("f2"));
        assertThat(reported).isEmpty(); // reported once the holder has caught up
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                assertThat(q.take()).isNull();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (reported.isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(reported).containsExactly(7L);
        q.close();
        waiter.join(5_000);
        assertThat(waiter.isAlive()).isFalse();
    }

    @Test
    void aRepeatOfTheLastWaitingEventIsCoalescedButOrderIsKept() throws InterruptedException {
        var q = new FileEventQueue(10, n -> {});
        q.offer(created("a"));
        q.offer(new FileEventQueue.Event("Modified", "a"));
        q.offer(new FileEventQueue.Event("Modified", "a"));
        q.offer(new FileEventQueue.Event("Deleted", "a"));
        q.offer(created("a"));
        var taken = new ArrayList<FileEventQueue.Event>();
        for (int i = 0; i < 4; i++) taken.add(q.take());
        assertThat(taken)
                .containsExactly(
                        created("a"),
                        new FileEventQueue.Event("Modified", "a"),
                        new FileEventQueue.Event("Deleted", "a"),
                        created("a"));
    }
}
