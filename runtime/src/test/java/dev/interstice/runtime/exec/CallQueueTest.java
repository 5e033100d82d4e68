package dev.interstice.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallQueueTest {
    private final ReentrantLock lock = new ReentrantLock();
    private final CallQueue queue = new CallQueue(lock, "test-executor");

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void anIdleQueueRunsWorkOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        var ran = queue.submit(() -> Thread.currentThread() == caller && lock.isHeldByCurrentThread());
        assertThat(ran).isCompletedWithValue(true);
    }

    @Test
    void workSubmittedWhileTheLockIsHeldRunsLaterUnderTheLockInSubmissionOrder() throws Exception {
        var order = Collections.synchronizedList(new ArrayList<Integer>());
        var futures = new ArrayList<CompletableFuture<Boolean>>();
        lock.lock();
        try {
            // another thread submits while this one holds the lock: nothing may run yet
            var submitter = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    int n = i;
                    futures.add(queue.submit(() -> {
                        order.add(n);
                        return lock.isHeldByCurrentThread();
                    }));
                }
            });
            submitter.join();
            Thread.sleep(20);
            assertThat(order).isEmpty();
        } finally {
            lock.unlock();
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(futures).allSatisfy(f -> assertThat(f.join()).isTrue());
        var expected = new ArrayList<Integer>();
        for (int i = 0; i < 1000; i++) expected.add(i);
        assertThat(order).isEqualTo(expected);
    }

    @Test
    void eachSubmittersWorkRunsInItsOrderUnderConcurrentLoad() throws Exception {
        int threads = 8, perThread = 2000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) seen.add(new ArrayList<>());
        var start = new CountDownLatch(1);
        var all = Collections.synchronizedList(new ArrayList<CompletableFuture<Void>>());
        var workers = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                for (int i = 0; i < perThread; i++) {
                    int n = i;
                    // seen lists are only touched under the lock, like tables
                    all.add(queue.submit(() -> {
                        seen.get(id).add(n);
                        return null;
                    }));
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) w.join();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        lock.lock();
        try {
            for (List<Integer> s : seen) {
                assertThat(s).hasSize(perThread);
                for (int i = 0; i < perThread; i++) assertThat(s.get(i)).isEqualTo(i);
            }
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aThreadHoldingTheLockRunsNestedWorkAtOnceInsteadOfWaitingForItself() {
        lock.lock();
        try {
            var inner = queue.submit(() -> "nested");
            assertThat(inner).isCompletedWithValue("nested");
            assertThat(lock.getHoldCount()).isEqualTo(1);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void failuresCompleteTheFutureAndLeaveTheQueueWorking() {
        var failed = queue.submit(() -> {
            throw new CallException(CallException.Kind.TRAP, "boom");
        });
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(CallException.class)
                .hasMessageContaining("boom");
        assertThat(queue.submit(() -> 42)).isCompletedWithValue(42);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void closeRunsWhatWasQueuedAndRefusesWhatComesAfter() throws Exception {
        CompletableFuture<String> queued;
        lock.lock();
        try {
            var f = new CompletableFuture[1];
            Thread.ofPlatform().start(() -> f[0] = queue.submit(() -> "ran")).join();
            @SuppressWarnings("unchecked") CompletableFuture<String> q = f[0];
            queued = q;
        } finally {
            lock.unlock();
        }
        queue.close();
        assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThatThrownBy(() -> queue.submit(() -> "late").join()).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
