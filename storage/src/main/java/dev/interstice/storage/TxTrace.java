package dev.interstice.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a committed transaction sits in the tree of what one call caused, kept in its log record beside its
 * {@link TxOrigin}: the transaction that caused it ({@code parent}; null for a root, i.e. an external call) and the
 * calls it made while it ran, in order ({@code calls}). A record without a trace is a root that made no such call.
 */
public record TxTrace(Parent parent, List<Call> calls) {
    /** Bound on the calls one record lists (a reducer in a loop); more are counted in a last {@link Kind#MORE} entry. */
    public static final int MAX_CALLS = 1000;

    public TxTrace {
        Objects.requireNonNull(calls, "calls");
        calls = List.copyOf(calls);
    }

    /**
     * The trace a transaction belongs to (the root transaction {@code traceTx} on node {@code traceNode}) and the
     * transaction {@code tx} on node {@code node} that caused this one. A node is empty when it is the node that wrote
     * the record.
     */
    public record Parent(String traceNode, long traceTx, String node, long tx) {
        public Parent {
            Objects.requireNonNull(traceNode, "traceNode");
            Objects.requireNonNull(node, "node");
        }
    }

    /** What a call made inside the transaction was. */
    public enum Kind {
        /** A reducer of a module on this node, run inside the same transaction. */
        LOCAL,
        /** A reducer on another node ({@code node}: the caller's name for it), sent once the transaction is durable. */
        REMOTE,
        /** A reducer scheduled to run later as its own transaction. */
        SCHEDULE,
        /** Calls left out of the list ({@code depth}: how many), past {@link #MAX_CALLS}. */
        MORE
    }

    /**
     * One call: at {@code depth} (1: made by the transaction's own reducer, 2: by a reducer that one called, ...),
     * {@code module.reducer}; {@code node} names the other node of a remote call (its address in {@code address} when
     * it was known), empty otherwise.
     */
    public record Call(Kind kind, int depth, String node, String address, String module, String reducer) {
        public Call {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(reducer, "reducer");
        }
    }

    /** Whether the record needs one: a root that called nothing is said by its absence. */
    public boolean isEmpty() {
        return parent == null && calls.isEmpty();
    }

    void encode(Bytes.Sink out) {
        if (parent == null) out.u8(0);
        else if (!parent.node.isEmpty() && parent.node.equals(parent.traceNode))
            // the parent ran on the trace's first node (a remote call from there): its id once, not twice
            out.u8(2).string(parent.traceNode).varint(parent.traceTx).varint(parent.tx);
        else
            out.u8(1)
                    .string(parent.traceNode)
                    .varint(parent.traceTx)
                    .string(parent.node)
                    .varint(parent.tx);
        out.varint(calls.size());
        for (Call c : calls) {
            out.u8(c.kind.ordinal()).varint(c.depth).string(c.module).string(c.reducer);
            if (c.kind == Kind.REMOTE) out.string(c.node).string(c.address);
        }
    }

    static TxTrace decode(byte[] b, int off, int len) throws Bytes.FormatException {
        Bytes.Source in = new Bytes.Source(b, off, off + len);
        Parent parent = null;
        int has = in.u8();
        if (has > 2) throw new Bytes.FormatException("unknown trace parent tag " + has);
        if (has == 1) parent = new Parent(in.string(), in.varlong(), in.string(), in.varlong());
        if (has == 2) {
            String node = in.string();
            parent = new Parent(node, in.varlong(), node, in.varlong());
        }
        int n = in.varint(MAX_CALLS + 1);
        var calls = new ArrayList<Call>(n);
        Kind[] kinds = Kind.values();
        for (int i = 0; i < n; i++) {
            int k = in.u8();
            if (k >= kinds.length) throw new Bytes.FormatException("unknown trace call kind " + k);
            Kind kind = kinds[k];
            int depth = in.varint(Integer.MAX_VALUE);
            String module = in.string();
            String reducer = in.string();
            String node = kind == Kind.REMOTE ? in.string() : "";
            String address = kind == Kind.REMOTE ? in.string() : "";
            calls.add(new Call(kind, depth, node, address, module, reducer));
        }
        if (in.hasMore()) throw new Bytes.FormatException((in.limit - in.pos) + " trailing bytes in a record's trace");
        return new TxTrace(parent, calls);
    }
}
