package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.CommitListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Sequencing, durability gating, resume and snapshots of the serving side of subscriptions. */
class TableStreamsTest {
    /** Durability under test control: futures complete when {@link #durable} is advanced. */
    final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();

    long durableLsn;
    final TableStreams streams = new TableStreams(4, lsn -> {
        if (lsn <= durableLsn) return CompletableFuture.completedFuture(null);
        var f = new CompletableFuture<Void>();
        waiting.computeIfAbsent(lsn, k -> new ArrayList<>()).add(f);
        return f;
    });
    /** The table as committed so far (pk -> row). */
    final Map<Long, byte[]> table = new TreeMap<>();

    void durable(long lsn) {
        durableLsn = lsn;
        var done = waiting.headMap(lsn, true);
        var all = new ArrayList<CompletableFuture<Void>>();
        done.values().forEach(all::addAll);
        done.clear();
        all.forEach(f -> f.complete(null));
    }

    static byte[] row(long id, long amount) {
        return Abi.encodeRow(new Row(IntersticeValue.u64(id), List.of(IntersticeValue.u64(amount))));
    }

    void insert(long id, long lsn) {
        byte[] r = row(id, id * 10);
        table.put(id, r);
        streams.committed(id, lsn, List.of(new CommitListener.RowEvent("bank", "ledger", null, r)));
    }

    static final class Recorder implements TableStreams.Sink {
        final List<Message> got = new ArrayList<>();
        boolean slow;
        int capacity = Integer.MAX_VALUE;

        @Override
        public boolean reply(Message.Reply r) {
            got.add(r);
            return true;
        }

        @Override
        public void push(Message m) {
            got.add(m);
        }

        @Override
        public boolean offerEvent(byte[] frame) {
            if (got.stream().filter(m -> m instanceof Message.TableEvent).count() >= capacity) return false;
            try {
                got.add(MessageCodec.decode(frame));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return true;
        }

        @Override
        public void slowSubscriber(String module, String table) {
            slow = true;
        }

        List<Long> seqs() {
            return got.stream()
                    .filter(m -> m instanceof Message.TableEvent)
                    .map(m -> ((Message.TableEvent) m).seq())
                    .toList();
        }

        Message.Subscribed subscribed() {
            return (Message.Subscribed) got.stream()
                    .filter(m -> m instanceof Message.Subscribed)
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    void subscribe(Recorder r, long id, String epoch, long after) {
        streams.subscribe(
                new TableStreams.Subscriber(r, id),
                "bank",
                "ledger",
                epoch,
                after,
                () -> {},
                () -> List.copyOf(table.values()));
    }

    @Test
    void eventsWaitForDurabilityAndKeepTheirOrder() {
        var r = new Recorder();
        subscribe(r, 1, "", 0);
        assertThat(r.subscribed().snapshot()).isTrue();
        assertThat(r.subscribed().seq()).isZero();
        insert(1, 5);
        insert(2, 6);
        insert(3, 6);
        assertThat(r.seqs()).as("nothing before it is durable").isEmpty();
        durable(5);
        assertThat(r.seqs()).containsExactly(1L);
        durable(6);
        assertThat(r.seqs()).containsExactly(1L, 2L, 3L);
        var e = (Message.TableEvent) r.got.getLast();
        assertThat(e.subscription()).isEqualTo(1);
        assertThat(e.after()).isEqualTo(row(3, 30));
        assertThat(e.before()).isNull();
    }

    @Test
    void aSnapshotIsSentOnceTheStateItShowsIsDurable() {
        var first = new Recorder();
        subscribe(first, 1, "", 0); // creates the stream
        insert(1, 3);
        var r = new Recorder();
        subscribe(r, 7, "", 0);
        assertThat(r.got).as("the snapshot shows a row that is not durable yet").isEmpty();
        insert(2, 4);
        durable(3);
        Message.Subscribed s = r.subscribed();
        assertThat(s.snapshot()).isTrue();
        assertThat(s.seq()).isEqualTo(1);
        assertThat(s.rows()).containsExactly(row(1, 10));
        assertThat(r.seqs()).isEmpty();
        durable(4);
        assertThat(r.seqs()).containsExactly(2L);
        assertThat(r.got.getFirst()).as("the reply precedes the events").isInstanceOf(Message.Subscribed.class);
    }

    @Test
    void resumeReplaysExactlyTheMissedEventsElseSnapshots() {
        var r = new Recorder();
        subscribe(r, 1, "", 0);
        String epoch = r.subscribed().epoch();
        for (long i = 1; i <= 3; i++) insert(i, i);
        durable(3);
        var again = new Recorder();
        subscribe(again, 2, epoch, 1);
        assertThat(again.subscribed().snapshot()).isFalse();
        assertThat(again.seqs()).containsExactly(2L, 3L);
        for (long i = 4; i <= 9; i++) insert(i, i);
        durable(9);
        assertThat(again.seqs()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        // too old for the buffer of 4 events: a snapshot
        var late = new Recorder();
        subscribe(late, 3, epoch, 2);
        assertThat(late.subscribed().snapshot()).isTrue();
        assertThat(late.subscribed().seq()).isEqualTo(9);
        assertThat(late.subscribed().rows()).hasSize(9);
        // another epoch (e.g. the node restarted): a snapshot
        var stranger = new Recorder();
        subscribe(stranger, 4, "0123456789abcdef", 9);
        assertThat(stranger.subscribed().snapshot()).isTrue();
        // up to date: resume with nothing to replay
        var current = new Recorder();
        subscribe(current, 5, epoch, 9);
        assertThat(current.subscribed().snapshot()).isFalse();
        assertThat(current.seqs()).isEmpty();
    }

    @Test
    void aSlowSubscriberIsCutOffOthersAreNot() {
        var slow = new Recorder();
        slow.capacity = 2;
        var fine = new Recorder();
        subscribe(slow, 1, "", 0);
        subscribe(fine, 2, "", 0);
        for (long i = 1; i <= 5; i++) insert(i, 0);
        assertThat(slow.slow).isTrue();
        assertThat(slow.seqs()).containsExactly(1L, 2L);
        assertThat(fine.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
        insert(6, 0);
        assertThat(slow.seqs()).hasSize(2);
    }

    @Test
    void echoesCarryTheirOriginAndModuleChangesRestartTheStream() {
        var r = new Recorder();
        subscribe(r, 1, "", 0);
        String epoch = r.subscribed().epoch();
        TableStreams.ORIGIN.set("peer-a");
        try {
            insert(1, 0);
        } finally {
            TableStreams.ORIGIN.remove();
        }
        insert(2, 0);
        assertThat(r.got.stream()
                        .filter(m -> m instanceof Message.TableEvent)
                        .map(m -> ((Message.TableEvent) m).origin()))
                .containsExactly("peer-a", "");
        streams.moduleChanged("bank");
        assertThat(r.got.getLast())
                .isInstanceOfSatisfying(
                        Message.Resync.class, x -> assertThat(x.subscription()).isEqualTo(1));
        insert(3, 0);
        assertThat(r.seqs()).as("the old stream is gone").hasSize(2);
        var back = new Recorder();
        subscribe(back, 2, epoch, 2);
        assertThat(back.subscribed().snapshot()).as("new epoch").isTrue();
        assertThat(back.subscribed().epoch()).isNotEqualTo(epoch);
    }

    @Test
    void invisibleTablesAreRefusedBeforeAnythingIsCreated() {
        var r = new Recorder();
        assertThatThrownBy(() -> streams.subscribe(
                        new TableStreams.Subscriber(r, 1),
                        "bank",
                        "vault",
                        "",
                        0,
                        () -> {
                            throw new CallException(CallException.Kind.NOT_FOUND, "module 'bank' has no table 'vault'");
                        },
                        List::of))
                .hasMessageContaining("no table 'vault'");
        assertThat(r.got).isEmpty();
    }
}
