package dev.interstice.runtime.host;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AbiDecodeException;
import dev.interstice.abi.codec.ChildCodec;
import dev.interstice.abi.codec.HistoryCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.codec.Responses;
import dev.interstice.abi.codec.ScanCodec;
import dev.interstice.abi.codec.StoreCodec;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.host.HistoryCall;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.host.ScanCall;
import dev.interstice.abi.host.StoreCall;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.GuestMemoryException;
import dev.interstice.runtime.engine.GuestMessage;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.exec.FrameHost;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.exec.RemoteCall;
import dev.interstice.runtime.module.Access;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.store.ContentStore;
import dev.interstice.runtime.store.StoreException;
import dev.interstice.runtime.store.StoreSession;
import dev.interstice.runtime.table.IndexRange;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.tx.TxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ABI-6 imports for one guest instance. Each call acts on the frame the executor entered before calling the
 * guest: its transaction, its module and its declared access. Refused operations answer errors the guest can
 * handle; only malformed requests and failures of nested calls abort the transaction.
 */
public final class GuestHost implements FrameHost {
    private static final Logger log = LoggerFactory.getLogger(GuestHost.class);
    /** What precedes a row's bytes in an {@code Ok(Some(row))} answer: the answer for an empty row is exactly that. */
    private static final byte[] OK_SOME_PREFIX = Responses.optionalRowOk(new byte[0]);

    private final Executor executor;
    private final Authorities authorities;
    private final LoadedModule module;
    private final ContentStore contentStore;
    private final History history;
    private final PostcardWriter out = new PostcardWriter(256);
    private Frame frame;
    /** upstream protocol: an insert whose response did not fit is applied once; the immediate retry gets these bytes */
    private byte[] pendingInsertResponse;

    private int scratchPtr;
    private int scratchCap;
    /** This module's tables and their UTF-8 names, for the direct table imports (built on first use). */
    private Table[] ownTables;

    private byte[][] ownNames;

    private final ScanCursors cursors = new ScanCursors();

    public GuestHost(
            Executor executor,
            Authorities authorities,
            ContentStore contentStore,
            History history,
            LoadedModule module) {
        this.executor = executor;
        this.history = history;
        this.authorities = authorities;
        this.contentStore = contentStore;
        this.module = module;
    }

    @Override
    public Frame frame() {
        return frame;
    }

    @Override
    public void enter(Frame f) {
        frame = f;
        pendingInsertResponse = null;
    }

    @Override
    public void leave(Frame previous) {
        if (frame != null) cursors.closeAll(frame);
        frame = previous;
        pendingInsertResponse = null;
    }

    @Override
    public int scratch(GuestInstance g, int len) {
        if (len > scratchCap) {
            if (scratchCap > 0) g.dealloc(scratchPtr, scratchCap);
            int cap = Math.max(4096, Integer.highestOneBit(Math.max(len, 1) - 1) << 1);
            scratchCap = 0;
            scratchPtr = g.alloc(cap);
            scratchCap = cap;
        }
        return scratchPtr;
    }

    private Frame requireFrame() {
        if (frame == null)
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "a module" + " made a host call outside of a reducer or query (e.g. while describing itself)");
        return frame;
    }

    // ---- plain imports ----

    @Override
    public void log(GuestInstance g, int ptr, int len) {
        String line = GuestLog.line(g, ptr, len, executor.services().maxLogLineBytes());
        // The SDKs log a panic's text, then trap: the trap's error then carries it
        if (line.startsWith(GuestMessage.PANIC_PREFIX)) g.notePanic(line.substring(GuestMessage.PANIC_PREFIX.length()));
        if (frame != null && frame.invocation().tx().speculative()) {
            frame.invocation().deferLog(module.name(), line); // logged with its transaction id if it commits
            return;
        }
        executor.services()
                .guestLog(
                        module == null ? "(describe)" : module.name(),
                        frame == null ? 0 : frame.invocation().tx().id(),
                        line);
    }

    @Override
    public long time(GuestInstance g) {
        return frame == null
                ? executor.services().clockMillis()
                : frame.invocation().tx().timestampMs();
    }

    @Override
    public long random(GuestInstance g) {
        return requireFrame().invocation().tx().nextRandom();
    }

    // ---- direct table imports (current module's tables) ----

    @Override
    public int insertRow(
            GuestInstance g, int tablePtr, int tableLen, int rowPtr, int rowLen, int respPtr, int respCap) {
        if (pendingInsertResponse != null) {
            byte[] pending = pendingInsertResponse;
            if (pending.length > respCap) return -pending.length;
            pendingInsertResponse = null;
            g.write(respPtr, pending);
            return pending.length;
        }
        byte[] response;
        try {
            Table t = ownTable(g, tablePtr, tableLen, Access.Kind.INSERT);
            byte[] rowBytes = g.read(rowPtr, rowLen);
            Row row = Abi.decodeRow(rowBytes);
            StoredRow stored = frame.invocation().tx().insert(t, row, rowBytes);
            // Ok(None) tells the guest its own row is what was stored
            response = stored.row().equals(row)
                    ? Responses.optionalRowOk(null)
                    : Responses.optionalRowOk(stored.encoded());
        } catch (TxException | AbiDecodeException e) {
            response = Responses.err(refused("insert", e));
        } catch (GuestMemoryException e) {
            return -1;
        }
        if (response.length > respCap) {
            pendingInsertResponse = response;
            return -response.length;
        }
        g.write(respPtr, response);
        return response.length;
    }

    @Override
    public int updateRow(GuestInstance g, int tablePtr, int tableLen, int rowPtr, int rowLen) {
        try {
            Table t = ownTable(g, tablePtr, tableLen, Access.Kind.UPDATE);
            byte[] rowBytes = g.read(rowPtr, rowLen);
            frame.invocation().tx().update(t, Abi.decodeRow(rowBytes), rowBytes);
            return 0;
        } catch (TxException | AbiDecodeException e) {
            refused("update", e);
            return -1;
        } catch (GuestMemoryException e) {
            return -1;
        }
    }

    @Override
    public int deleteRow(GuestInstance g, int tablePtr, int tableLen, int pkPtr, int pkLen) {
        try {
            Table t = ownTable(g, tablePtr, tableLen, Access.Kind.DELETE);
            frame.invocation().tx().delete(t, Abi.decodeIndexKey(g.read(pkPtr, pkLen)));
            return 0;
        } catch (TxException | AbiDecodeException e) {
            refused("delete", e);
            return -1;
        } catch (GuestMemoryException e) {
            return -1;
        }
    }

    @Override
    public int clearTable(GuestInstance g, int tablePtr, int tableLen) {
        try {
            Table t = ownTable(g, tablePtr, tableLen, Access.Kind.DELETE);
            frame.invocation().tx().clear(t);
            return 0;
        } catch (TxException e) {
            refused("clear", e);
            return -1;
        } catch (GuestMemoryException e) {
            return -1;
        }
    }

    @Override
    public int getByPk(GuestInstance g, int tablePtr, int tableLen, int pkPtr, int pkLen, int respPtr, int respCap) {
        byte[] response;
        try {
            Table t = ownTable(g, tablePtr, tableLen, Access.Kind.READ);
            StoredRow r = t == null
                    ? null
                    : visible(frame, t, frame.invocation().tx().get(t, Abi.decodeIndexKey(g.read(pkPtr, pkLen))));
            if (r != null) { // the hot path: the row's bytes go straight into the guest's buffer
                int n = OK_SOME_PREFIX.length + r.encoded().length;
                if (n > respCap) return -n;
                g.write(respPtr, OK_SOME_PREFIX);
                g.write(respPtr + OK_SOME_PREFIX.length, r.encoded());
                return n;
            }
            response = Responses.optionalRowOk(null);
        } catch (TxException | AbiDecodeException e) {
            response = Responses.err(refused("get", e));
        } catch (GuestMemoryException e) {
            return -1;
        }
        if (response.length > respCap) return -response.length; // read-only: the retry simply reads again
        g.write(respPtr, response);
        return response.length;
    }

    // ---- interstice_host_call ----

    @Override
    public long hostCall(GuestInstance g, int ptr, int len) {
        Frame f = requireFrame();
        HostCall call;
        try {
            call = Abi.readHostCall(new PostcardReader(g.read(ptr, len)));
        } catch (AbiDecodeException e) {
            throw new CallException(
                    CallException.Kind.TRAP,
                    "module '" + module.name() + "' sent a malformed host call: " + e.getMessage());
        }
        // speculating, only reads by primary key are validated (docs/parallel-execution.md)
        if (!(call instanceof HostCall.TableGetByPrimaryKey || call instanceof HostCall.CurrentNodeId))
            f.invocation().tx().serialOnly(call.getClass().getSimpleName());
        byte[] response = handle(f, call);
        return reply(g, response);
    }

    /** An extension call's request; one that does not decode traps the guest's call. */
    private <T> T decode(GuestInstance g, int ptr, int len, String what, java.util.function.Function<byte[], T> codec) {
        try {
            return codec.apply(g.read(ptr, len));
        } catch (AbiDecodeException e) {
            throw new CallException(
                    CallException.Kind.TRAP,
                    "module '" + module.name() + "' sent a malformed " + what + " call: " + e.getMessage());
        }
    }

    /** Hands {@code response} to the guest in a block from its {@code alloc}: {@code (ptr << 32) | len}. */
    private static long reply(GuestInstance g, byte[] response) {
        int dst = g.alloc(response.length);
        g.write(dst, response);
        return ((long) dst << 32) | (response.length & 0xFFFF_FFFFL);
    }

    // ---- interstice_scan (our extension, docs/abi.md §4.2) ----

    @Override
    public long scan(GuestInstance g, int ptr, int len) {
        Frame f = requireFrame();
        f.invocation().tx().serialOnly("scan");
        ScanCall call = decode(g, ptr, len, "scan", ScanCodec::decode);
        byte[] response;
        try {
            response = switch (call) {
                case ScanCall.Open o -> ScanCodec.opened(cursors.open(f, openScan(f, o)));
                case ScanCall.Next n -> {
                    out.reset();
                    cursors.next(f, n.cursor(), n.maxRows(), out);
                    yield out.toByteArray();
                }
                case ScanCall.Close c -> {
                    cursors.close(f, c.cursor());
                    yield Responses.ok();
                }
            };
        } catch (TxException e) {
            response = Responses.err(e.getMessage());
        }
        return reply(g, response);
    }

    // ---- interstice_children (our extension, docs/abi.md §4.5) ----

    @Override
    public long children(GuestInstance g, int ptr, int len) {
        Frame f = requireFrame();
        f.invocation().tx().serialOnly("children");
        ChildCall call = decode(g, ptr, len, "children", ChildCodec::decode);
        byte[] response = authorities.children(f, call);
        return reply(g, response);
    }

    // ---- interstice_store (our extension, docs/abi.md §4.4) ----

    @Override
    public long store(GuestInstance g, int ptr, int len) {
        Frame f = requireFrame();
        f.invocation().tx().serialOnly("store");
        StoreCall call = decode(g, ptr, len, "store", StoreCodec::decode);
        byte[] response;
        try {
            response = store(contentStore.session(f.invocation(), f.module().name(), f.readOnly()), call);
        } catch (StoreException e) {
            response = StoreCodec.err(e.getMessage());
        }
        return reply(g, response);
    }

    // ---- interstice_history (our extension, docs/abi.md §4.6) ----

    @Override
    public long history(GuestInstance g, int ptr, int len) {
        Frame f = requireFrame();
        f.invocation().tx().serialOnly("history");
        HistoryCall call = decode(g, ptr, len, "history", HistoryCodec::decode);
        byte[] response;
        try {
            response = history(f, call);
        } catch (TxException e) {
            response = HistoryCodec.err(e.getMessage());
        }
        return reply(g, response);
    }

    private byte[] history(Frame f, HistoryCall call) {
        return switch (call) {
            case HistoryCall.ReadAsOf c -> {
                History.Past past = history.asOf(f, c.table(), c.tx());
                yield HistoryCodec.okCursorAt(cursors.openEncoded(f, past.rows().iterator()), past.txId());
            }
            case HistoryCall.Fork c -> HistoryCodec.okU64(history.fork(f, c.branch(), c.fromTx()));
            case HistoryCall.Call c -> {
                List<IntersticeValue> args = argsOf(c.input());
                if (args == null) yield HistoryCodec.err("reducer input must be a Vec of arguments");
                history.call(f, c.branch(), c.reducer(), args);
                yield HistoryCodec.ok();
            }
            case HistoryCall.ReadBranch c ->
                HistoryCodec.okU32(cursors.openEncoded(
                        f, history.branchRows(f, c.branch(), c.table()).iterator()));
            case HistoryCall.Discard c -> {
                history.discard(f, c.branch());
                yield HistoryCodec.ok();
            }
            case HistoryCall.Merge c -> HistoryCodec.okU32(history.merge(f, c.branch()));
            case HistoryCall.ListBranches c -> HistoryCodec.okBranches(history.branches(f));
            case HistoryCall.LastMerge c -> HistoryCodec.okMerged(history.lastMerge(f));
            case HistoryCall.CurrentTx c ->
                HistoryCodec.okU64(f.invocation().tx().id());
        };
    }

    private static byte[] store(StoreSession s, StoreCall call) {
        return switch (call) {
            case StoreCall.New n -> StoreCodec.okString(s.newStore());
            case StoreCall.Store c -> StoreCodec.okString(s.store(c.store(), c.content()));
            case StoreCall.Get c -> StoreCodec.okBytes(s.get(c.store(), c.hash()));
            case StoreCall.Exists c -> StoreCodec.okBool(s.exists(c.store(), c.hash()));
            case StoreCall.Label c -> {
                s.label(c.store(), c.label(), c.hash());
                yield StoreCodec.ok();
            }
            case StoreCall.GetByLabel c -> StoreCodec.okOptionalString(s.getByLabel(c.store(), c.label()));
            case StoreCall.RemoveLabel c -> {
                s.removeLabel(c.store(), c.label());
                yield StoreCodec.ok();
            }
            case StoreCall.RemoveFromLabel c -> {
                s.removeFromLabel(c.store(), c.label(), c.hash());
                yield StoreCodec.ok();
            }
            case StoreCall.StoreAtLabel c -> StoreCodec.okString(s.storeAtLabel(c.store(), c.label(), c.content()));
            case StoreCall.ReplaceContentAtLabel c ->
                StoreCodec.okString(s.replaceContentAtLabel(c.store(), c.label(), c.content()));
            case StoreCall.ReplaceAtLabel c -> {
                s.replaceAtLabel(c.store(), c.label(), c.hash());
                yield StoreCodec.ok();
            }
            case StoreCall.ListLabels c -> StoreCodec.okStrings(s.listLabels(c.store()));
            case StoreCall.ListAllContent c -> StoreCodec.okStrings(s.listAllContent(c.store()));
            case StoreCall.CalculateTotalSize c -> StoreCodec.okU64(s.totalSize(c.store()));
        };
    }

    private java.util.Iterator<StoredRow> openScan(Frame f, ScanCall.Open o) {
        Table t = table(f, o.module(), o.table(), Access.Kind.READ);
        if (t == null) return java.util.Collections.emptyIterator();
        java.util.Iterator<StoredRow> rows;
        if (o.index() == null) rows = f.invocation().tx().openScan(t);
        else {
            var range = new IndexRange(o.index().prefix(), o.index().query());
            rows = f.invocation().tx().openIndexScan(t, o.index().index(), range);
        }
        String viewer = f.invocation().viewer();
        if (viewer == null) return rows;
        return java.util.stream.StreamSupport.stream(
                        java.util.Spliterators.spliteratorUnknownSize(rows, java.util.Spliterator.ORDERED), false)
                .filter(r -> executor.admits(t, r, viewer))
                .iterator();
    }

    /**
     * A row a query running for a requester may not see (its table's view refuses it, module/TableViews) reads as
     * absent. Queries only read committed rows, which is what the view judges.
     */
    private StoredRow visible(Frame f, Table t, StoredRow r) {
        return r == null || executor.admits(t, r, f.invocation().viewer()) ? r : null;
    }

    private List<StoredRow> visible(Frame f, Table t, List<StoredRow> rows) {
        String viewer = f.invocation().viewer();
        if (viewer == null) return rows;
        return rows.stream().filter(r -> executor.admits(t, r, viewer)).toList();
    }

    private byte[] handle(Frame f, HostCall call) {
        return switch (call) {
            case HostCall.CallReducer c -> {
                if (f.readOnly()) yield Responses.err("a query cannot call reducers");
                List<IntersticeValue> args = argsOf(c.input());
                if (args == null) yield Responses.err("reducer input must be a Vec of arguments");
                if (!c.node().isCurrent()) {
                    if (c.module().isCurrent()) yield Responses.err("a call to another node must name the module");
                    if (executor.peers() == dev.interstice.runtime.exec.Peers.NONE)
                        yield Responses.err(
                                "node '" + c.node().other() + "' is not reachable: this node has no network");
                    // sent after commit; the answer "Ok" means "will be sent", as upstream
                    f.invocation()
                            .remoteCall(new RemoteCall(
                                    c.node().other(),
                                    c.module().other(),
                                    c.reducer(),
                                    args,
                                    f.module().name()));
                    yield Responses.ok();
                }
                try {
                    executor.nestedReducer(f, c.module().resolve(module.name()), c.reducer(), args);
                } catch (CallException e) {
                    // failures before the callee ran leave the transaction intact: report them to the caller
                    if (e.kind() == CallException.Kind.TRAP || e.kind() == CallException.Kind.DEADLINE) throw e;
                    yield Responses.err(e.getMessage());
                }
                yield Responses.ok();
            }
            case HostCall.CallQuery c -> {
                List<IntersticeValue> args = argsOf(c.input());
                if (args == null) yield Responses.err("query input must be a Vec of arguments");
                try {
                    if (!c.node().isCurrent()) {
                        if (c.module().isCurrent()) yield Responses.err("a query to another node must name the module");
                        try {
                            yield Responses.queryOk(executor.peers()
                                    .query(
                                            c.node().other(),
                                            c.module().other(),
                                            c.query(),
                                            args,
                                            new dev.interstice.abi.host.CallContext(
                                                    executor.services().nodeId(),
                                                    f.module().name())));
                        } catch (CallException remote) {
                            yield Responses.err(remote.getMessage()); // a remote failure never aborts this transaction
                        }
                    }
                    yield Responses.queryOk(
                            executor.nestedQuery(f, c.module().resolve(module.name()), c.query(), args));
                } catch (CallException e) {
                    if (e.kind() == CallException.Kind.TRAP || e.kind() == CallException.Kind.DEADLINE) throw e;
                    yield Responses.err(e.getMessage());
                }
            }
            case HostCall.Schedule s -> schedule(f, s);
            case HostCall.TableScan s ->
                rows(() -> {
                    Table t = table(f, s.module(), s.table(), Access.Kind.READ);
                    return t == null
                            ? List.of()
                            : visible(f, t, f.invocation().tx().scan(t));
                });
            case HostCall.TableIndexScan s ->
                rows(() -> {
                    Table t = table(f, s.module(), s.table(), Access.Kind.READ);
                    return t == null
                            ? List.of()
                            : visible(f, t, f.invocation().tx().indexScan(t, s.field(), s.query()));
                });
            case HostCall.TableGetByPrimaryKey s -> {
                try {
                    Table t = table(f, s.module(), s.table(), Access.Kind.READ);
                    StoredRow r =
                            t == null ? null : visible(f, t, f.invocation().tx().get(t, s.primaryKey()));
                    yield Responses.optionalRowOk(r == null ? null : r.encoded());
                } catch (TxException e) {
                    yield Responses.err(e.getMessage());
                }
            }
            case HostCall.CurrentNodeId c ->
                Responses.nodeId(executor.services().nodeId());
            case HostCall.Gpu c -> authorities.gpu(f, c.call());
            case HostCall.Audio c -> authorities.audio(f, c.call());
            case HostCall.File c -> authorities.file(f, c.call());
            case HostCall.Module c -> authorities.module(f, c.call());
            case HostCall.Network c -> authorities.network(f, c.call());
        };
    }

    private byte[] schedule(Frame f, HostCall.Schedule s) {
        if (f.readOnly()) return Responses.err("a query cannot schedule reducers");
        var r = f.module().reducer(s.reducer());
        if (r == null)
            return Responses.err("module '" + f.module().name() + "' has no reducer '" + s.reducer() + "' to schedule");
        if (!r.schema().arguments().isEmpty())
            return Responses.err(
                    "reducer '" + s.reducer() + "' takes arguments; only zero-argument reducers can be scheduled");
        if (s.delayMs() < 0) return Responses.err("delay_ms is out of range");
        f.invocation().schedule(new Invocation.ScheduleRequest(f.module().name(), s.reducer(), s.delayMs()));
        return Responses.ok();
    }

    private interface RowSource {
        List<StoredRow> get();
    }

    private byte[] rows(RowSource source) {
        try {
            List<StoredRow> rows = source.get();
            var encoded = new java.util.ArrayList<byte[]>(rows.size());
            for (StoredRow r : rows) encoded.add(r.encoded());
            out.reset();
            Responses.rowsOk(out, encoded);
            return out.toByteArray();
        } catch (TxException e) {
            return Responses.err(e.getMessage());
        }
    }

    // ---- table resolution and access ----

    private Table ownTable(GuestInstance g, int ptr, int len, Access.Kind kind) {
        Frame f = requireFrame();
        byte[] name = g.read(ptr, len);
        Table t = ownTableNamed(name);
        if (t == null
                || (f.readOnly() && kind != Access.Kind.READ)
                || !f.access().allows(kind, module.name(), t.schema().name()))
            return table(
                    f,
                    Selection.CURRENT,
                    new String(name, StandardCharsets.UTF_8),
                    kind); // refusals: one place words them
        return t;
    }

    /** This module's table whose UTF-8 name is {@code name}, or null; compared as bytes, no string is decoded. */
    private Table ownTableNamed(byte[] name) {
        if (ownNames == null) {
            var tables = module.tables().values().toArray(new Table[0]);
            var names = new byte[tables.length][];
            for (int i = 0; i < tables.length; i++)
                names[i] = tables[i].schema().name().getBytes(StandardCharsets.UTF_8);
            ownTables = tables;
            ownNames = names;
        }
        for (int i = 0; i < ownNames.length; i++) if (java.util.Arrays.equals(ownNames[i], name)) return ownTables[i];
        return null;
    }

    /**
     * The table a guest names, checked against the frame's declared access; refusals throw {@link TxException}. Null
     * only for a read of a replica whose source was never reached (it reads as empty).
     */
    private Table table(Frame f, Selection moduleSel, String tableName, Access.Kind kind) {
        String owner = moduleSel.resolve(f.module().name());
        if (f.readOnly() && kind != Access.Kind.READ)
            throw new TxException("queries cannot write (table '" + tableName + "')");
        if (kind != Access.Kind.READ && !owner.equals(f.module().name()))
            throw new TxException(
                    "module '" + f.module().name() + "' cannot write to tables of module '" + owner + "'");
        if (!owner.equals(f.module().name())) f.invocation().tx().serialOnly("another module's table");
        LoadedModule m = f.invocation().tx().speculative()
                ? f.module()
                : executor.modules().get(owner);
        Table t = m == null ? null : m.table(tableName);
        LoadedModule.Replica replica = t == null && m == f.module() ? m.replica(tableName) : null;
        if (replica != null) {
            f.invocation().tx().serialOnly("replica");
            return replicaTable(f, replica, kind);
        }
        boolean hidden =
                t != null && m != f.module() && t.schema().visibility() == dev.interstice.abi.schema.Visibility.PRIVATE;
        if (t == null || hidden) throw new TxException("no table '" + tableName + "' in module '" + owner + "'");
        if (!f.access().allows(kind, owner, tableName))
            throw new TxException((f.readOnly() ? "query '" : "reducer '") + f.function() + "' of module '"
                    + f.module().name() + "' did not declare " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " access to table '"
                    + owner + "." + tableName + "'");
        return t;
    }

    /** A replica is read like the source table it copies (as upstream declares it) and never written by its module. */
    private static Table replicaTable(Frame f, LoadedModule.Replica r, Access.Kind kind) {
        var src = r.source();
        String source = src.node() + "." + src.module() + "." + src.table();
        if (kind != Access.Kind.READ)
            throw new TxException("table '" + r.localName() + "' is the replica of " + source
                    + " and is read-only: its rows come only from node '" + src.node() + "'");
        if (!f.access().allowsReplicaRead(src.node(), src.module(), src.table()))
            throw new TxException((f.readOnly() ? "query '" : "reducer '") + f.function() + "' of module '"
                    + f.module().name() + "' did not declare read access to table '" + source + "' (its replica '"
                    + r.localName() + "')");
        return r.table();
    }

    private String refused(String op, Exception e) {
        String msg = e.getMessage();
        log.debug("module '{}' {} refused: {}", module.name(), op, msg);
        return msg;
    }

    private static List<IntersticeValue> argsOf(IntersticeValue input) {
        return input instanceof IntersticeValue.Vec v ? v.items() : null;
    }
}
