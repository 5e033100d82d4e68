package dev.interstice.network.wire;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AbiDecodeException;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.Acknowledged;
import dev.interstice.network.Action;
import dev.interstice.network.ErrorKind;
import dev.interstice.network.Grant;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes {@link Message}s with the postcard primitives: a type byte, then the fields in declaration
 * order (ids and sequence numbers are u64 varints, strings and byte strings a varint length then the bytes,
 * booleans one byte, optional byte strings a 0/1 byte then the bytes, values and schemas as {@link Abi} encodes them).
 * Decoding is meant for untrusted input: any malformed body raises {@link ProtocolException}.
 */
public final class MessageCodec {
    /** Protocol version spoken by this implementation. A peer with another major version is refused. */
    public static final int MAJOR = 1;

    public static final int MINOR = 10;
    /** Since this minor {@link Message.ReadLog} may ask for each record's inputs (answered after the records). */
    public static final int INPUTS_SINCE_MINOR = 10;
    /** Since this minor a durable {@link Message.Call} may be marked sole (acknowledgement byte 2). */
    public static final int SOLE_SINCE_MINOR = 9;

    private static final int SOLE = 2;
    /**
     * The first minor version whose peers take a table event's trace and list their traced subscribers in Info, and
     * whose nodes answer {@link Message.Branches}.
     */
    public static final int EVENT_TRACE_SINCE_MINOR = 8;
    /** The first minor version whose nodes take a call's trace and read log records with theirs (type 67). */
    public static final int TRACE_SINCE_MINOR = 7;
    /** The first minor version whose nodes answer {@link Message.FetchContent} and list code hashes in Info. */
    public static final int CONTENT_SINCE_MINOR = 7;
    /** The first minor version whose nodes answer {@link Message.GetRowsAsOf} and {@link Message.Rewind}. */
    public static final int HISTORY_SINCE_MINOR = 6;
    /** The first minor version whose nodes answer {@link Message.ReadLog}. */
    public static final int LOG_SINCE_MINOR = 5;
    /** The minor version since which {@code Publish} may carry a code hash instead of the wasm. */
    public static final int CODE_HASH_SINCE_MINOR = 6;
    /** The first minor version whose nodes know scoped tokens (Authenticate with a token id, token management). */
    public static final int TOKENS_SINCE_MINOR = 4;
    /** {@code GetSupervision}/{@code Supervision}. */
    public static final int SUPERVISION_SINCE_MINOR = 5;
    /** The first minor version whose receivers reassemble {@link Message.Part}s. */
    public static final int PARTS_SINCE_MINOR = 1;
    /** First field of {@link Message.Hello}: tells an Interstice node from anything else that connects. */
    public static final String MAGIC = "interstice-node";

    private static final SubscriptionEvent.TableEventKind[] KINDS = SubscriptionEvent.TableEventKind.values();
    private static final Message.Role[] ROLES = Message.Role.values();
    private static final Acknowledged[] ACKNOWLEDGED = Acknowledged.values();
    private static final Action[] ACTIONS = Action.values();
    private static final Message.ContentKind[] CONTENT_KINDS = Message.ContentKind.values();

    private MessageCodec() {}

    public static byte[] encode(Message m) {
        var w = new PostcardWriter(64);
        w.writeU8(m.type());
        switch (m) {
            case Message.Request r -> writeRequest(w, r);
            case Message.Reply r -> writeReply(w, r);
            default -> writeControl(w, m);
        }
        return w.toByteArray();
    }

    /** The fields of a request, after its type byte. */
    private static void writeRequest(PostcardWriter w, Message.Request m) {
        switch (m) {
            case Message.Authenticate x -> {
                w.writeVarU64(x.id());
                bytes(w, x.proof());
                if (!x.tokenId().isEmpty()) w.writeString(x.tokenId()); // absent: the admin token (as before 1.4)
            }
            case Message.Ping x -> w.writeVarU64(x.id());
            case Message.Call x -> writeCall(w, x);
            case Message.Query x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeString(x.query());
                w.writeString(x.callerModule());
                values(w, x.args());
            }
            case Message.GetInfo x -> w.writeVarU64(x.id());
            case Message.GetSchema x -> {
                w.writeVarU64(x.id());
                w.writeBool(x.full());
            }
            case Message.GetRows x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeString(x.table());
            }
            case Message.GetRowsPage x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeString(x.table());
                w.writeVarUsize(x.where().size());
                for (Message.Where c : x.where()) {
                    w.writeString(c.field());
                    w.writeU8(c.op());
                    Abi.writeIndexKey(w, c.value());
                }
                w.writeBool(x.after() != null);
                if (x.after() != null) Abi.writeIndexKey(w, x.after());
                w.writeVarU32(Integer.toUnsignedLong(x.limit()));
            }
            case Message.Publish x -> writePublish(w, x);
            case Message.Rollback x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeBool(x.dryRun());
            }
            case Message.Remove x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
            }
            case Message.Subscribe x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeString(x.table());
                w.writeString(x.epoch());
                w.writeVarU64(x.afterSeq());
            }
            case Message.Unsubscribe x -> {
                w.writeVarU64(x.id());
                w.writeVarU64(x.subscription());
            }
            case Message.Unload x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
            }
            case Message.CreateToken x -> {
                w.writeVarU64(x.id());
                grants(w, x.grants());
                w.writeI64(x.expiresAtMs());
            }
            case Message.ListTokens x -> w.writeVarU64(x.id());
            case Message.GetSupervision x -> w.writeVarU64(x.id());
            case Message.ReadLog x -> {
                w.writeVarU64(x.id());
                w.writeVarU64(x.fromTx());
                w.writeString(x.module());
                w.writeString(x.table());
                w.writeVarU32(Integer.toUnsignedLong(x.limit()));
                if (x.traced()) { // absent: a client before 1.7, answered type 63
                    w.writeString(x.traceNode());
                    w.writeVarU64(x.traceTx());
                    if (x.inputs()) w.writeBool(true); // absent: a client before 1.10
                }
            }
            case Message.RevokeToken x -> {
                w.writeVarU64(x.id());
                w.writeString(x.tokenId());
            }
            case Message.GetRowsAsOf x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeString(x.table());
                w.writeVarU64(x.txId());
                w.writeI64(x.timeMs());
            }
            case Message.Rewind x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeVarU64(x.txId());
            }
            case Message.Branches x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeString(x.discard());
            }
            case Message.FetchContent x -> {
                w.writeVarU64(x.id());
                w.writeU8(x.kind().ordinal());
                w.writeString(x.hash());
            }
            case Message.ModuleRequest x -> {
                w.writeVarU64(x.id());
                w.writeU8(x.op());
                w.writeString(x.module());
                bytes(w, x.wasm());
                w.writeString(x.callerModule());
            }
        }
    }

    private static void writePublish(PostcardWriter w, Message.Publish x) {
        w.writeVarU64(x.id());
        w.writeString(x.label());
        bytes(w, x.wasm());
        w.writeBool(x.reset());
        w.writeBool(x.dryRun());
        w.writeVarUsize(x.allow().size());
        for (String a : x.allow()) w.writeString(a);
        w.writeBool(x.zeroDefaults());
        if (!x.codeHash().isEmpty()) w.writeString(x.codeHash()); // absent: as protocol 1.5 wrote it
    }

    /** The fields of a reply, after its type byte. */
    private static void writeReply(PostcardWriter w, Message.Reply m) {
        switch (m) {
            case Message.Ok x -> w.writeVarU64(x.id());
            case Message.Error x -> {
                w.writeVarU64(x.id());
                w.writeU8(x.kind().remote() ? x.kind().ordinal() : ErrorKind.INTERNAL.ordinal());
                w.writeString(x.message());
            }
            case Message.Pong x -> {
                w.writeVarU64(x.id());
                w.writeI64(x.timeMs());
            }
            case Message.Called x -> {
                w.writeVarU64(x.id());
                w.writeVarU64(x.txId());
                w.writeVarU64(x.lsn());
                w.writeU8(x.acknowledged().ordinal());
            }
            case Message.Content x -> {
                w.writeVarU64(x.id());
                bytes(w, x.bytes());
            }
            case Message.PastRowsResult x -> {
                w.writeVarU64(x.id());
                w.writeVarU64(x.txId());
                w.writeVarUsize(x.rows().size());
                for (byte[] b : x.rows()) bytes(w, b);
            }
            case Message.QueryResult x -> {
                w.writeVarU64(x.id());
                Abi.writeValue(w, x.value());
            }
            case Message.SchemaResult x -> {
                w.writeVarU64(x.id());
                Abi.writeNodeSchema(w, x.schema());
            }
            case Message.RowsResult x -> rows(w, x);
            case Message.Published x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeU16(x.version().major());
                w.writeU16(x.version().minor());
                w.writeU16(x.version().patch());
                w.writeBool(x.replaced());
                w.writeBool(x.dryRun());
                w.writeString(x.plan());
            }
            case Message.Subscribed x -> rows(w, x);
            case Message.Info x -> {
                w.writeVarU64(x.id());
                w.writeVarUsize(x.authorities().size());
                for (Message.AuthorityStatus a : x.authorities()) {
                    w.writeU8(a.authority().ordinal());
                    w.writeBool(a.offered());
                    w.writeString(a.holder());
                    w.writeString(a.detail());
                }
                if (!x.code().isEmpty() || !x.subscribers().isEmpty()) { // absent: as protocol 1.6 wrote it
                    w.writeVarUsize(x.code().size());
                    for (Message.ModuleCode c : x.code()) {
                        w.writeString(c.module());
                        w.writeString(c.hash());
                    }
                }
                if (!x.subscribers().isEmpty()) { // absent: as protocol 1.7 wrote it
                    w.writeVarUsize(x.subscribers().size());
                    for (String s : x.subscribers()) w.writeString(s);
                }
            }
            case Message.Handed x -> {
                w.writeVarU64(x.id());
                w.writeString(x.module());
                w.writeString(x.holder());
            }
            case Message.TokenCreated x -> {
                w.writeVarU64(x.id());
                tokenInfo(w, x.token());
                w.writeString(x.credential());
            }
            case Message.Tokens x -> {
                w.writeVarU64(x.id());
                w.writeVarUsize(x.tokens().size());
                for (Message.TokenInfo t : x.tokens()) tokenInfo(w, t);
            }
            case Message.Supervision x -> {
                w.writeVarU64(x.id());
                w.writeString(x.defaultPolicy());
                w.writeVarUsize(x.policies().size());
                for (String p : x.policies()) w.writeString(p);
                w.writeVarUsize(x.handlers().size());
                for (Message.SupervisedHandler h : x.handlers()) {
                    w.writeString(h.module());
                    w.writeString(h.reducer());
                    w.writeVarU32(h.failures());
                    w.writeString(h.state());
                    w.writeString(h.lastError());
                    w.writeString(h.policy());
                }
            }
            case Message.LogPage x -> {
                w.writeVarU64(x.id());
                w.writeVarUsize(x.entries().size());
                for (var e : x.entries()) LogCodec.write(w, e, x.traced());
                if (x.inputs()) LogCodec.writeInputs(w, x.entries());
            }
        }
    }

    private static void writeCall(PostcardWriter w, Message.Call x) {
        w.writeVarU64(x.id());
        w.writeString(x.module());
        w.writeString(x.reducer());
        w.writeString(x.callerModule());
        w.writeU8(x.sole() ? SOLE : x.durable() ? 1 : 0);
        values(w, x.args());
        if (x.cause() != null) { // absent: no trace (as before 1.7); sent only to nodes of 1.7 on
            w.writeString(x.cause().traceNode());
            w.writeVarU64(x.cause().traceTx());
            w.writeVarU64(x.cause().tx());
        }
    }

    private static Message.Call readCall(PostcardReader r) {
        long id = r.readVarU64();
        String module = r.readString();
        String reducer = r.readString();
        String callerModule = r.readString();
        int ack = r.readU8(); // 0 fast, 1 durable, 2 durable and sole (minor >= 9)
        if (ack > SOLE) throw new IllegalArgumentException("bad acknowledgement mode " + ack + " in a call");
        List<IntersticeValue> args = values(r);
        var cause = r.atEnd()
                ? null
                : new dev.interstice.storage.TxTrace.Parent(r.readString(), r.readVarU64(), "", r.readVarU64());
        return new Message.Call(id, module, reducer, callerModule, ack >= 1, args, cause, ack == SOLE);
    }

    /** The fields of a handshake, pushed or part message, after its type byte. */
    private static void writeControl(PostcardWriter w, Message m) {
        switch (m) {
            case Message.Hello h -> {
                w.writeString(MAGIC);
                w.writeU16(h.major());
                w.writeU16(h.minor());
                w.writeU8(h.role().ordinal());
                w.writeString(h.nodeId());
                w.writeString(h.nodeName());
                bytes(w, h.nonce());
            }
            case Message.Welcome x -> {
                w.writeU16(x.major());
                w.writeU16(x.minor());
                w.writeString(x.nodeId());
                w.writeString(x.nodeName());
                bytes(w, x.nonce());
                w.writeVarU32(x.maxFrameBytes());
                w.writeVarU32(x.maxInFlight());
            }
            case Message.Reject x -> w.writeString(x.reason());
            case Message.Part x -> {
                w.writeVarU64(x.id());
                w.writeBool(x.last());
                bytes(w, x.bytes());
            }
            case Message.TableEvent x -> {
                w.writeVarU64(x.subscription());
                w.writeVarU64(x.seq());
                w.writeU8(x.kind().ordinal());
                optBytes(w, x.before());
                optBytes(w, x.after());
                w.writeString(x.origin());
                if (x.cause() != null) { // absent: no trace (as before 1.8); sent only to peers of 1.8 on
                    w.writeString(x.cause().traceNode());
                    w.writeVarU64(x.cause().traceTx());
                    w.writeVarU64(x.cause().tx());
                }
            }
            case Message.Resync x -> {
                w.writeVarU64(x.subscription());
                w.writeString(x.reason());
            }
            case Message.Closing x -> w.writeString(x.reason());
            case Message.Request r -> throw new IllegalArgumentException("a request: " + r.type());
            case Message.Reply r -> throw new IllegalArgumentException("a reply: " + r.type());
        }
    }

    public static Message decode(byte[] body) throws ProtocolException {
        return decode(body, 0, body.length);
    }

    public static Message decode(byte[] body, int off, int len) throws ProtocolException {
        if (len == 0) throw new ProtocolException("empty frame");
        var r = new PostcardReader(body, off, len);
        int type = r.readU8();
        try {
            Message m = switch (type) {
                case 1 -> {
                    String magic = r.readString();
                    if (!magic.equals(MAGIC))
                        throw new ProtocolException("not an Interstice node handshake (magic '" + clip(magic) + "')");
                    yield new Message.Hello(
                            r.readU16(),
                            r.readU16(),
                            enumOf(ROLES, r.readU8(), "role"),
                            r.readString(),
                            r.readString(),
                            bytes(r));
                }
                case 2 ->
                    new Message.Welcome(
                            r.readU16(), r.readU16(), r.readString(), r.readString(), bytes(r), u32(r), u32(r));
                case 3 -> new Message.Reject(r.readString());
                case 10 -> {
                    long id = r.readVarU64();
                    byte[] proof = bytes(r);
                    yield new Message.Authenticate(id, proof, r.atEnd() ? "" : r.readString());
                }
                case 27, 28, 29, 46, 47 -> tokenMessage(type, r);
                case 11 -> new Message.Ping(r.readVarU64());
                case 12 -> readCall(r);
                case 13 -> new Message.Query(r.readVarU64(), r.readString(), r.readString(), r.readString(), values(r));
                case 14 -> new Message.GetSchema(r.readVarU64(), r.readBool());
                case 15 -> new Message.GetRows(r.readVarU64(), r.readString(), r.readString());
                case 26 -> rowsPage(r);
                case 16 -> readPublish(r);
                case 22 -> new Message.Rollback(r.readVarU64(), r.readString(), r.readBool());
                case 17 -> new Message.Remove(r.readVarU64(), r.readString());
                case 18 ->
                    new Message.Subscribe(
                            r.readVarU64(), r.readString(), r.readString(), r.readString(), r.readVarU64());
                case 19 -> new Message.Unsubscribe(r.readVarU64(), r.readVarU64());
                case 20 -> new Message.Unload(r.readVarU64(), r.readString());
                case 21 -> {
                    long id = r.readVarU64();
                    int op = r.readU8();
                    if (op > 2) throw new ProtocolException("unknown module request " + op);
                    yield new Message.ModuleRequest(id, op, r.readString(), bytes(r), r.readString());
                }
                case 30 -> new Message.Ok(r.readVarU64());
                case 31 -> new Message.Error(r.readVarU64(), ErrorKind.ofWire(r.readU8()), r.readString());
                case 32 -> new Message.Pong(r.readVarU64(), r.readI64());
                case 33 ->
                    new Message.Called(
                            r.readVarU64(),
                            r.readVarU64(),
                            r.readVarU64(),
                            enumOf(ACKNOWLEDGED, r.readU8(), "acknowledgement"));
                case 34 -> new Message.QueryResult(r.readVarU64(), Abi.readValue(r));
                case 35 -> new Message.SchemaResult(r.readVarU64(), Abi.readNodeSchema(r));
                case 36 -> new Message.RowsResult(r.readVarU64(), byteList(r));
                case 37 -> {
                    var p = new Message.Published(
                            r.readVarU64(),
                            r.readString(),
                            new Version(r.readU16(), r.readU16(), r.readU16()),
                            r.readBool());
                    yield r.atEnd()
                            ? p // an older node
                            : new Message.Published(
                                    p.id(), p.module(), p.version(), p.replaced(), r.readBool(), r.readString());
                }
                case 38 ->
                    new Message.Subscribed(r.readVarU64(), r.readBool(), r.readString(), r.readVarU64(), byteList(r));
                case 25 -> new Message.GetInfo(r.readVarU64());
                case 45 -> info(r);
                case 39 -> new Message.Part(r.readVarU64(), r.readBool(), bytes(r));
                case 40 -> new Message.Handed(r.readVarU64(), r.readString(), r.readString());
                case 50 -> tableEvent(r);
                case 51 -> new Message.Resync(r.readVarU64(), r.readString());
                case 60 -> new Message.GetSupervision(r.readVarU64());
                case 61 -> supervision(r);
                case 52 -> new Message.Closing(r.readString());
                case 62 -> {
                    long id = r.readVarU64();
                    long from = r.readVarU64();
                    String module = r.readString();
                    String table = r.readString();
                    int limit = u32(r);
                    if (r.atEnd()) yield new Message.ReadLog(id, from, module, table, limit);
                    String traceNode = r.readString();
                    long traceTx = r.readVarU64();
                    boolean inputs = !r.atEnd() && r.readBool();
                    yield new Message.ReadLog(id, from, module, table, limit, true, traceNode, traceTx, inputs);
                }
                case 63 -> new Message.LogPage(r.readVarU64(), LogCodec.readAll(r, false));
                case 67 -> {
                    long id = r.readVarU64();
                    var entries = LogCodec.readAll(r, true);
                    if (r.atEnd()) yield new Message.LogPage(id, entries, true);
                    yield new Message.LogPage(id, LogCodec.readInputs(r, entries), true, true);
                }
                case 64 ->
                    new Message.GetRowsAsOf(
                            r.readVarU64(), r.readString(), r.readString(), r.readVarU64(), r.readI64());
                case 65 -> new Message.PastRowsResult(r.readVarU64(), r.readVarU64(), byteList(r));
                case 66 -> new Message.Rewind(r.readVarU64(), r.readString(), r.readVarU64());
                case 72 -> new Message.Branches(r.readVarU64(), r.readString(), r.readString());
                case 70 ->
                    new Message.FetchContent(
                            r.readVarU64(), enumOf(CONTENT_KINDS, r.readU8(), "content kind"), r.readString());
                case 71 -> new Message.Content(r.readVarU64(), bytes(r));
                default -> throw new ProtocolException("unknown message type " + type);
            };
            if (!r.atEnd())
                throw new ProtocolException("message type " + type + " has " + r.remaining() + " trailing byte(s)");
            return m;
        } catch (AbiDecodeException | IllegalArgumentException | NullPointerException e) {
            throw new ProtocolException("malformed message (type " + type + "): " + e.getMessage(), e);
        }
    }

    /**
     * The encoding of a rows reply ({@link Message.RowsResult}, {@link Message.Subscribed}) up to and including its row
     * count; each row follows as a byte string. {@link MessageBytes} writes the rows from there without copying them.
     */
    static byte[] rowsHead(Message.Reply m) {
        var w = new PostcardWriter(64);
        w.writeU8(m.type());
        rowsFields(w, m);
        return w.toByteArray();
    }

    /** A {@link Message.Part} without its bytes: what precedes {@code length} bytes of the reply in the frame. */
    static byte[] partHead(long id, boolean last, int length) {
        var w = new PostcardWriter(20);
        w.writeU8(39);
        w.writeVarU64(id);
        w.writeBool(last);
        w.writeVarUsize(length);
        return w.toByteArray();
    }

    private static List<byte[]> rowsFields(PostcardWriter w, Message.Reply m) {
        List<byte[]> rows = switch (m) {
            case Message.RowsResult x -> {
                w.writeVarU64(x.id());
                yield x.rows();
            }
            case Message.Subscribed x -> {
                w.writeVarU64(x.id());
                w.writeBool(x.snapshot());
                w.writeString(x.epoch());
                w.writeVarU64(x.seq());
                yield x.rows();
            }
            default -> throw new IllegalArgumentException("not a rows reply: type " + m.type());
        };
        w.writeVarUsize(rows.size());
        return rows;
    }

    private static void rows(PostcardWriter w, Message.Reply m) {
        for (byte[] b : rowsFields(w, m)) bytes(w, b);
    }

    // ---- helpers ----

    private static void bytes(PostcardWriter w, byte[] b) {
        w.writeVarUsize(b.length);
        w.writeRaw(b);
    }

    private static byte[] bytes(PostcardReader r) {
        return r.readBytes(r.readVarUsize());
    }

    private static void optBytes(PostcardWriter w, byte[] b) {
        if (b == null) w.writeU8(0);
        else {
            w.writeU8(1);
            bytes(w, b);
        }
    }

    private static byte[] optBytes(PostcardReader r) throws ProtocolException {
        int tag = r.readU8();
        if (tag == 0) return null;
        if (tag != 1) throw new ProtocolException("bad option tag " + tag);
        return bytes(r);
    }

    private static List<Message.AuthorityStatus> authorityStatuses(PostcardReader r) {
        int n = r.readVarUsize();
        var out = new ArrayList<Message.AuthorityStatus>(Math.min(n, 16));
        var all = dev.interstice.abi.schema.Authority.values();
        for (int i = 0; i < n; i++) {
            int a = r.readU8();
            if (a >= all.length) throw new IllegalArgumentException("unknown authority " + a);
            out.add(new Message.AuthorityStatus(all[a], r.readBool(), r.readString(), r.readString()));
        }
        return out;
    }

    private static Message.TableEvent tableEvent(PostcardReader r) throws ProtocolException {
        long sub = r.readVarU64();
        long seq = r.readVarU64();
        var kind = enumOf(KINDS, r.readU8(), "table event kind");
        byte[] before = optBytes(r);
        byte[] after = optBytes(r);
        String origin = r.readString();
        var cause = r.atEnd() // protocol 1.8
                ? null
                : new dev.interstice.storage.TxTrace.Parent(r.readString(), r.readVarU64(), "", r.readVarU64());
        return new Message.TableEvent(sub, seq, kind, before, after, origin, cause);
    }

    private static Message.Info info(PostcardReader r) {
        long id = r.readVarU64();
        var authorities = authorityStatuses(r);
        var code = r.atEnd() ? List.<Message.ModuleCode>of() : moduleCodes(r); // protocol 1.7
        return new Message.Info(id, authorities, code, r.atEnd() ? List.of() : strings(r)); // protocol 1.8
    }

    private static List<Message.ModuleCode> moduleCodes(PostcardReader r) {
        int n = r.readVarUsize();
        var out = new ArrayList<Message.ModuleCode>(Math.min(n, 64));
        for (int i = 0; i < n; i++) out.add(new Message.ModuleCode(r.readString(), r.readString()));
        return out;
    }

    private static Message.Publish readPublish(PostcardReader r) throws ProtocolException {
        var p = new Message.Publish(r.readVarU64(), r.readString(), bytes(r), r.readBool());
        if (r.atEnd()) return p; // an older client: no migration options
        boolean dryRun = r.readBool();
        var allow = strings(r);
        boolean zeroDefaults = r.readBool();
        String codeHash = r.atEnd() ? "" : r.readString(); // protocol 1.6
        return new Message.Publish(p.id(), p.label(), p.wasm(), p.reset(), dryRun, allow, zeroDefaults, codeHash);
    }

    private static Message.GetRowsPage rowsPage(PostcardReader r) throws ProtocolException {
        long id = r.readVarU64();
        String module = r.readString();
        String table = r.readString();
        int n = r.readVarUsize();
        if (n > 16) throw new ProtocolException("a rows request has " + n + " conditions; at most 16");
        var where = new ArrayList<Message.Where>(n);
        for (int i = 0; i < n; i++) {
            String field = r.readString();
            int op = r.readU8();
            if (op > 4) throw new ProtocolException("unknown condition operator " + op);
            where.add(new Message.Where(field, op, Abi.readIndexKey(r)));
        }
        var after = r.readBool() ? Abi.readIndexKey(r) : null;
        return new Message.GetRowsPage(
                id, module, table, where, after, (int) Math.min(r.readVarU32(), Integer.MAX_VALUE));
    }

    private static Message.Supervision supervision(PostcardReader r) throws ProtocolException {
        long id = r.readVarU64();
        String defaultPolicy = r.readString();
        int n = r.readVarUsize();
        var policies = new ArrayList<String>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) policies.add(r.readString());
        n = r.readVarUsize();
        var handlers = new ArrayList<Message.SupervisedHandler>(Math.min(n, 1024));
        for (int i = 0; i < n; i++)
            handlers.add(new Message.SupervisedHandler(
                    r.readString(),
                    r.readString(),
                    (int) Math.min(r.readVarU32(), Integer.MAX_VALUE),
                    r.readString(),
                    r.readString(),
                    r.readString()));
        return new Message.Supervision(id, defaultPolicy, policies, handlers);
    }

    /** The scoped-token messages (minor >= 4). */
    private static Message tokenMessage(int type, PostcardReader r) throws ProtocolException {
        long id = r.readVarU64();
        return switch (type) {
            case 27 -> new Message.CreateToken(id, grants(r), r.readI64());
            case 28 -> new Message.ListTokens(id);
            case 29 -> new Message.RevokeToken(id, r.readString());
            case 46 -> new Message.TokenCreated(id, tokenInfo(r), r.readString());
            case 47 -> {
                int n = r.readVarUsize();
                var out = new ArrayList<Message.TokenInfo>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) out.add(tokenInfo(r));
                yield new Message.Tokens(id, out);
            }
            default -> throw new ProtocolException("unknown message type " + type);
        };
    }

    private static void grants(PostcardWriter w, List<Grant> grants) {
        w.writeVarUsize(grants.size());
        for (Grant g : grants) {
            w.writeU8(g.action().ordinal());
            w.writeString(g.module());
        }
    }

    private static List<Grant> grants(PostcardReader r) throws ProtocolException {
        int n = r.readVarUsize();
        var out = new ArrayList<Grant>(Math.min(n, 64));
        for (int i = 0; i < n; i++) out.add(new Grant(enumOf(ACTIONS, r.readU8(), "action"), r.readString()));
        return out;
    }

    private static void tokenInfo(PostcardWriter w, Message.TokenInfo t) {
        w.writeString(t.tokenId());
        grants(w, t.grants());
        w.writeI64(t.expiresAtMs());
        w.writeI64(t.createdAtMs());
        w.writeI64(t.lastUsedMs());
    }

    private static Message.TokenInfo tokenInfo(PostcardReader r) throws ProtocolException {
        return new Message.TokenInfo(r.readString(), grants(r), r.readI64(), r.readI64(), r.readI64());
    }

    private static List<byte[]> byteList(PostcardReader r) {
        int n = r.readVarUsize();
        var out = new ArrayList<byte[]>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) out.add(bytes(r));
        return out;
    }

    private static List<String> strings(PostcardReader r) {
        int n = r.readVarUsize();
        var out = new ArrayList<String>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) out.add(r.readString());
        return out;
    }

    private static void values(PostcardWriter w, List<IntersticeValue> vs) {
        w.writeVarUsize(vs.size());
        for (IntersticeValue v : vs) Abi.writeValue(w, v);
    }

    private static List<IntersticeValue> values(PostcardReader r) {
        int n = r.readVarUsize();
        var out = new ArrayList<IntersticeValue>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) out.add(Abi.readValue(r));
        return out;
    }

    private static int u32(PostcardReader r) throws ProtocolException {
        long v = r.readVarU32();
        if (v > Integer.MAX_VALUE) throw new ProtocolException("limit " + v + " out of range");
        return (int) v;
    }

    private static <E> E enumOf(E[] values, int code, String what) throws ProtocolException {
        if (code < 0 || code >= values.length) throw new ProtocolException("unknown " + what + " " + code);
        return values[code];
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
