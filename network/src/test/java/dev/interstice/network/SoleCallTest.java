package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable calls marked sole (the client has nothing else outstanding) are answered on the session's reading thread,
 * which writes the answer itself when the connection's writer is idle. These tests hold that path to what every
 * answer promises: durable, complete, in frames that never interleave with the table events the writer thread sends on
 * the same connection, and no different for a client that marks a call sole while others are outstanding.
 */
class SoleCallTest {

    @Test
    void soleAnswersAndTableEventsShareAConnectionWithoutInterleaving(@TempDir Path dir) throws Exception {
        try (var n = new NetNode("sole", NodeConfig.at(dir), 0, c -> c)) {
            n.t.node.load(Fixtures.bank().build());
            try (var raw = RawConnection.hello(n.server.port(), Message.Role.CLIENT, "", "")) {
                assertThat(raw.read()).isInstanceOf(Message.Welcome.class);
                raw.send(new Message.Subscribe(1, "bank", "ledger", "", 0));
                assertThat(raw.read()).isInstanceOf(Message.Subscribed.class);

                // another connection records too, so events for its rows are queued for the writer thread while the
                // reader writes this connection's answers itself
                var stop = new AtomicBoolean();
                var other = Thread.ofPlatform().start(() -> {
                    try (var c = n.client()) {
                        while (!stop.get()) c.call("bank", "record", List.of(), false);
                    }
                });
                int calls = 200;
                int events = 0;
                var answers = new ArrayList<Message.Called>();
                try {
                    for (int i = 0; i < calls; i++) {
                        long id = 100 + i;
                        raw.send(new Message.Call(id, "bank", "record", "", true, List.of(), null, true));
                        Message m;
                        while (!((m = raw.read()) instanceof Message.Called c && c.id() == id)) {
                            assertThat(m).as("call %d", i).isInstanceOf(Message.TableEvent.class);
                            events++;
                        }
                        answers.add((Message.Called) m);
                    }
                } finally {
                    stop.set(true);
                    other.join();
                }
                assertThat(answers).allSatisfy(a -> assertThat(a.acknowledged()).isEqualTo(Acknowledged.DURABLE));
                assertThat(events).as("events of the other connection's rows").isPositive();
            }
        }
    }

    @Test
    void callersSharingAClientWriteTheirSoleCallsWithoutInterleaving(@TempDir Path dir) throws Exception {
        try (var n = new NetNode("sole", NodeConfig.at(dir), 0, c -> c);
                var client = n.client()) {
            n.t.node.load(Fixtures.bank().build());
            // several callers find nothing outstanding at once: each may write its call itself, never two at a time,
            // and the writer thread takes over whenever one is writing (a writer left waiting leaves calls unanswered)
            int threads = 8;
            int each = 50;
            var acks = java.util.Collections.synchronizedList(new ArrayList<Acknowledged>());
            var callers = new ArrayList<Thread>();
            for (int t = 0; t < threads; t++)
                callers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++)
                        acks.add(client.call("bank", "record", List.of(), true).acknowledged());
                }));
            for (Thread t : callers) t.join();
            assertThat(acks).hasSize(threads * each).containsOnly(Acknowledged.DURABLE);
            assertThat(n.t.node.rows("bank", "ledger")).hasSize(threads * each);
        }
    }

    @Test
    void aCallMarkedSoleBehindOutstandingOnesIsAnsweredLikeAnyOther(@TempDir Path dir) throws Exception {
        try (var n = new NetNode("sole", NodeConfig.at(dir), 0, c -> c)) {
            n.t.node.load(Fixtures.bank().build());
            try (var raw = RawConnection.hello(n.server.port(), Message.Role.CLIENT, "", "")) {
                assertThat(raw.read()).isInstanceOf(Message.Welcome.class);
                // a burst in which every call claims to be sole: only the first can be; the rest queue behind it
                int calls = 64;
                for (int i = 0; i < calls; i++)
                    raw.send(new Message.Call(i + 1, "bank", "record", "", true, List.of(), null, true));
                var ids = new ArrayList<Long>();
                for (int i = 0; i < calls; i++) {
                    var called = (Message.Called) raw.read();
                    assertThat(called.acknowledged()).isEqualTo(Acknowledged.DURABLE);
                    ids.add(called.id());
                }
                assertThat(ids)
                        .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, calls)
                                .boxed()
                                .toList());
                assertThat(n.t.node.rows("bank", "ledger")).hasSize(calls);
            }
        }
    }
}
