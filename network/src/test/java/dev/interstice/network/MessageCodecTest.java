package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Version;
import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageBytes;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.network.wire.ProtocolException;
import dev.interstice.storage.Change;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxRecord;
import dev.interstice.storage.TxTrace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    static final byte[] B = {1, 2, 3};

    static List<Message> samples() {
        var schema = new NodeSchema("n", "127.0.0.1:1", List.of(Fixtures.bank().schema()));
        return List.of(
                new Message.Hello(1, 0, Message.Role.PEER, "id", "name", B),
                new Message.Welcome(1, 2, "id", "name", B, 1 << 24, 64),
                new Message.Reject("no"),
                new Message.Authenticate(5, B),
                new Message.Ping(Long.MAX_VALUE),
                new Message.Call(-1, "m", "r", "caller", true, List.of(u64(-1), str("é"))),
                new Message.Call(2, "m", "r", "", true, List.of(), null, true),
                new Message.Query(7, "m", "q", "", List.of()),
                new Message.GetSchema(8, true),
                new Message.GetInfo(81),
                new Message.GetSupervision(83),
                new Message.Supervision(
                        84,
                        "retry:5",
                        List.of("game=disable:3"),
                        List.of(new Message.SupervisedHandler("game", "tick", 3, "disabled", "trapped", "disable:3"))),
                new Message.Info(
                        82,
                        List.of(new Message.AuthorityStatus(
                                dev.interstice.abi.schema.Authority.FILE, true, "notes", "offered"))),
                new Message.Info(
                        85,
                        List.of(),
                        List.of(new Message.ModuleCode("notes", "ab".repeat(32)), new Message.ModuleCode("x", ""))),
                new Message.Info(90, List.of(), List.of(), List.of("peer-a", "peer-b")),
                new Message.Info(91, List.of(), List.of(new Message.ModuleCode("x", "")), List.of("peer-a")),
                new Message.FetchContent(86, Message.ContentKind.MODULE_CODE, "cd".repeat(32)),
                new Message.FetchContent(87, Message.ContentKind.IMAGE, ""),
                new Message.Branches(92, "game", ""),
                new Message.Branches(93, "game", "preview"),
                new Message.Content(88, B),
                new Message.Content(89, new byte[0]),
                new Message.GetRows(9, "m", "t"),
                new Message.GetRowsAsOf(90, "m", "t", 12, 0),
                new Message.GetRowsAsOf(91, "m", "t", 0, -5),
                new Message.PastRowsResult(92, 12, List.of(B, new byte[0])),
                new Message.Rewind(93, "m", 12),
                new Message.Publish(10, "x.wasm", B, true),
                new Message.Publish(10, "x.wasm", B, false, true, List.of("drop-column:t.c", "narrow:t.d"), true),
                new Message.Publish(10, "", new byte[0], false, false, List.of(), false, "ab".repeat(32)),
                new Message.Rollback(24, "m", true),
                new Message.Remove(11, "m"),
                new Message.Subscribe(12, "m", "t", "abcd", 99),
                new Message.Unsubscribe(13, 12),
                new Message.Ok(14),
                new Message.Error(15, ErrorKind.INCOMPATIBLE, "diff"),
                new Message.Pong(16, -5),
                new Message.Called(17, 3, 4, Acknowledged.DURABLE),
                new Message.QueryResult(18, str("v")),
                new Message.SchemaResult(19, schema),
                new Message.RowsResult(20, List.of(B, new byte[0])),
                new Message.Published(21, "m", new Version(1, 2, 3), true),
                new Message.Published(21, "m", new Version(1, 2, 3), true, true, "migration plan ..."),
                new Message.Subscribed(22, true, "e", 5, List.of(B)),
                new Message.Part(23, true, B),
                new Message.TableEvent(22, 6, SubscriptionEvent.TableEventKind.UPDATE, B, B, "origin"),
                new Message.TableEvent(22, 7, SubscriptionEvent.TableEventKind.INSERT, null, B, ""),
                new Message.TableEvent(
                        22,
                        8,
                        SubscriptionEvent.TableEventKind.INSERT,
                        null,
                        B,
                        "",
                        new dev.interstice.storage.TxTrace.Parent("", 40, "", 41)),
                new Message.TableEvent(
                        22,
                        9,
                        SubscriptionEvent.TableEventKind.DELETE,
                        B,
                        null,
                        "o",
                        new dev.interstice.storage.TxTrace.Parent("root-node", 3, "", 41)),
                new Message.Resync(22, "why"),
                new Message.Closing("bye"));
    }

    @Test
    void everyMessageRoundTrips() throws Exception {
        for (Message m : samples()) {
            byte[] body = MessageCodec.encode(m);
            assertThat(body[0] & 0xFF).isEqualTo(m.type());
            Message back = MessageCodec.decode(body);
            assertThat(MessageCodec.encode(back)).as(m.toString()).isEqualTo(body);
            assertThat(back.getClass()).isEqualTo(m.getClass());
        }
        Message.Call c =
                (Message.Call) MessageCodec.decode(MessageCodec.encode(samples().get(5)));
        assertThat(c.args()).containsExactly(u64(-1), str("é"));
        assertThat(c.id()).isEqualTo(-1);
    }

    /**
     * 1.7: a call may carry its caller's trace and a log page its records' traces (type 67); without them both are
     * byte for byte what a 1.6 node sends and reads, so old and new nodes still understand each other.
     */
    @Test
    void tracesTravelOnlyWhenAskedAndOldEncodingsAreUnchanged() throws Exception {
        var plain = new Message.Call(3, "m", "r", "caller", false, List.of(u64(1)));
        var traced = new Message.Call(3, "m", "r", "caller", false, List.of(u64(1)), new TxTrace.Parent("", 7, "", 9));
        byte[] plainBytes = MessageCodec.encode(plain);
        byte[] tracedBytes = MessageCodec.encode(traced);
        assertThat(java.util.Arrays.copyOf(tracedBytes, plainBytes.length)).isEqualTo(plainBytes); // fields appended
        assertThat(((Message.Call) MessageCodec.decode(plainBytes)).cause()).isNull();
        assertThat(((Message.Call) MessageCodec.decode(tracedBytes)).cause())
                .isEqualTo(new TxTrace.Parent("", 7, "", 9));

        var oldRead = new Message.ReadLog(4, 1, "", "", 10);
        var traceRead = new Message.ReadLog(4, 1, "", "", 10, true, "node-a", 7, false);
        assertThat(MessageCodec.decode(MessageCodec.encode(oldRead))).isEqualTo(oldRead);
        assertThat(MessageCodec.decode(MessageCodec.encode(traceRead))).isEqualTo(traceRead);

        var record = new TxRecord(
                5,
                100,
                List.of(new Change.Put(new TableId("m", "t"), B, B)),
                new TxOrigin("m", "r", "", "", "", B),
                new TxTrace(
                        new TxTrace.Parent("a", 1, "b", 2),
                        List.of(new TxTrace.Call(TxTrace.Kind.REMOTE, 1, "bank", "127.0.0.1:1", "bank", "record"))));
        var entry = new TxLog.Entry(9, record);
        var page = (Message.LogPage)
                MessageCodec.decode(MessageCodec.encode(new Message.LogPage(6, List.of(entry), true)));
        assertThat(page.type()).isEqualTo(67);
        assertThat(page.entries().getFirst().record()).isEqualTo(record);
        var old = (Message.LogPage) MessageCodec.decode(MessageCodec.encode(new Message.LogPage(6, List.of(entry))));
        assertThat(old.type()).isEqualTo(63);
        assertThat(old.entries().getFirst().record().trace()).isNull();
        assertThat(old.entries().getFirst().record().origin()).isEqualTo(record.origin());

        // minor 10: a traced read may ask for the records' inputs, answered after the records
        var inputsRead = new Message.ReadLog(4, 1, "", "", 10, true, "", 0, true);
        assertThat(MessageCodec.decode(MessageCodec.encode(inputsRead))).isEqualTo(inputsRead);
        byte[] tracedOnly = MessageCodec.encode(new Message.ReadLog(4, 1, "", "", 10, true, "", 0, false));
        assertThat(java.util.Arrays.copyOf(MessageCodec.encode(inputsRead), tracedOnly.length))
                .isEqualTo(tracedOnly); // the flag is appended
        var withInputs = new TxLog.Entry(
                9, new TxRecord(5, 100, record.changes(), record.origin(), record.trace(), List.of(B, new byte[] {0})));
        var inputsPage = (Message.LogPage) MessageCodec.decode(
                MessageCodec.encode(new Message.LogPage(6, List.of(withInputs, entry), true, true)));
        assertThat(inputsPage.type()).isEqualTo(67);
        assertThat(inputsPage.entries().get(0).record().inputs()).containsExactly(B, new byte[] {0});
        assertThat(inputsPage.entries().get(1).record().inputs()).isEmpty();
        assertThat(page.entries().getFirst().record().inputs()).isEmpty(); // not asked: not sent
    }

    /** A rows reply produced piece by piece (any piece size) is byte for byte its encoding; other messages are encoded once. */
    @Test
    void lazyRowsRepliesProduceTheirEncoding() {
        var rows = List.of(new byte[0], B, new byte[200], new byte[70_000], B);
        for (Message m : List.of(
                new Message.RowsResult(300, rows),
                new Message.Subscribed(301, true, "epoch", 9, rows),
                new Message.Subscribed(302, false, "e", 1, List.of()),
                new Message.QueryResult(303, str("v")))) {
            byte[] expected = MessageCodec.encode(m);
            for (int piece : new int[] {1, 3, 64, 65_536}) {
                MessageBytes b = MessageBytes.of(m);
                assertThat(b.size()).isEqualTo(expected.length);
                var out = new ByteArrayOutputStream();
                byte[] buf = new byte[piece];
                int n;
                while ((n = b.read(buf, 0, piece)) > 0) out.write(buf, 0, n);
                assertThat(out.toByteArray())
                        .as("%s in pieces of %d", m.getClass().getSimpleName(), piece)
                        .isEqualTo(expected);
            }
        }
        assertThat(MessageBytes.of(new Message.RowsResult(1, rows)).whole())
                .as("rows are not copied into one array")
                .isNull();
        assertThat(MessageBytes.of(new Message.Ok(1)).whole()).isEqualTo(MessageCodec.encode(new Message.Ok(1)));
    }

    @Test
    void localErrorKindsTravelAsInternal() throws Exception {
        var e = (Message.Error) MessageCodec.decode(MessageCodec.encode(new Message.Error(1, ErrorKind.TIMEOUT, "x")));
        assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(ErrorKind.ofWire(200)).isEqualTo(ErrorKind.INTERNAL);
    }

    @Test
    void aSoleCallIsADurableOneWithAcknowledgementByteTwoAndNoOtherValueIsRead() throws Exception {
        var durable = new Message.Call(3, "m", "r", "", true, List.of());
        byte[] plain = MessageCodec.encode(durable);
        byte[] sole = MessageCodec.encode(durable.asSole());
        int at = plain.length - 1; // no arguments: the acknowledgement byte comes right before their count (0)
        assertThat(plain[at - 1]).isEqualTo((byte) 1);
        assertThat(sole[at - 1]).isEqualTo((byte) 2);
        assertThat(((Message.Call) MessageCodec.decode(sole)).sole()).isTrue();
        assertThat(((Message.Call) MessageCodec.decode(plain)).sole()).isFalse();
        sole[at - 1] = 3;
        assertThatThrownBy(() -> MessageCodec.decode(sole))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("acknowledgement mode 3");
        assertThatThrownBy(() -> new Message.Call(1, "m", "r", "", false, List.of(), null, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedBodiesAreProtocolErrors() throws Exception {
        assertThatThrownBy(() -> MessageCodec.decode(new byte[0])).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> MessageCodec.decode(new byte[] {(byte) 200}))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("unknown message type");
        byte[] ok = MessageCodec.encode(new Message.Ping(1));
        byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThatThrownBy(() -> MessageCodec.decode(trailing))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("trailing");
        byte[] hello = MessageCodec.encode(new Message.Hello(1, 0, Message.Role.CLIENT, "", "", B));
        hello[2] = 'X';
        assertThatThrownBy(() -> MessageCodec.decode(hello))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not an Interstice");
        // every truncation and random corruption of every sample fails cleanly (never another exception)
        var random = new Random(7);
        for (Message m : samples()) {
            byte[] body = MessageCodec.encode(m);
            // Publish and Published may end before their migration fields (an older peer's form)
            int legacy = switch (m) {
                case Message.Publish p ->
                    MessageCodec.encode(p).length
                            - 3
                            - p.allow().stream().mapToInt(a -> 1 + a.length()).sum()
                            - (p.codeHash().isEmpty() ? 0 : 1 + p.codeHash().length());
                case Message.Published p ->
                    MessageCodec.encode(p).length - 2 - p.plan().length();
                default -> -1;
            };
            // a Publish with a code hash may also end before it (protocol 1.5's form)
            int beforeHash = m instanceof Message.Publish p && !p.codeHash().isEmpty()
                    ? body.length - 1 - p.codeHash().length()
                    : m instanceof Message.Info i && !i.code().isEmpty()
                            // an Info with code hashes may end before them (protocol 1.6's form)
                            ? MessageCodec.encode(new Message.Info(i.id(), i.authorities())).length
                            : -1;
            // a table event may end before its trace, an Info before its subscribers (protocol 1.7's forms)
            int beforeTrace = m instanceof Message.TableEvent e && e.cause() != null
                    ? MessageCodec.encode(new Message.TableEvent(
                                    e.subscription(), e.seq(), e.kind(), e.before(), e.after(), e.origin()))
                            .length
                    : m instanceof Message.Info i && !i.subscribers().isEmpty()
                            ? body.length
                                    - 1
                                    - i.subscribers().stream()
                                            .mapToInt(x -> 1 + x.length())
                                            .sum()
                            : -1;
            int beforeCode = m instanceof Message.Info i
                            && !i.subscribers().isEmpty()
                            && i.code().isEmpty()
                    ? MessageCodec.encode(new Message.Info(i.id(), i.authorities())).length
                    : -1;
            for (int len = 0; len < body.length; len++) {
                int l = len;
                if (l == legacy || l == beforeHash || l == beforeTrace || l == beforeCode)
                    assertThat(MessageCodec.decode(body, 0, l).type()).isEqualTo(m.type());
                else assertThatThrownBy(() -> MessageCodec.decode(body, 0, l)).isInstanceOf(ProtocolException.class);
            }
            for (int i = 0; i < 200; i++) {
                byte[] copy = body.clone();
                copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                try {
                    MessageCodec.decode(copy);
                } catch (ProtocolException expected) {
                    // fine
                }
            }
        }
    }

    @Test
    void framesAreLengthPrefixedAndBounded() throws Exception {
        var out = new ByteArrayOutputStream();
        Frames.write(out, B);
        assertThat(out.toByteArray()).containsExactly(0, 0, 0, 3, 1, 2, 3);
        assertThat(Frames.read(new ByteArrayInputStream(out.toByteArray()), 3)).containsExactly(B);
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(out.toByteArray()), 2))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeds the maximum of 2 bytes");
        assertThat(Frames.read(new ByteArrayInputStream(new byte[0]), 3)).isNull();
        assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(new byte[] {0, 0, 0, 5, 1}), 10))
                .isInstanceOf(java.io.EOFException.class);
    }
}
