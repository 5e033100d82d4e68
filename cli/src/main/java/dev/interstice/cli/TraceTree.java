package dev.interstice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.console.TxLogText;
import dev.interstice.network.NetworkException;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxTrace;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code interstice log <node> --trace <tx>}: the tree of transactions one call caused, rooted at the origin of that
 * transaction's trace. Each node's part is read from its own log (records naming the trace); remote calls a record
 * lists lead to the node they went to, when it is registered here and reachable. What could not be read is said.
 */
final class TraceTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int PAGE = 1000;

    /** A transaction of the trace: the node (full id) whose log holds it, and its record. */
    record Tx(String nodeId, TxLog.Entry entry) {
        long txId() {
            return entry.record().txId();
        }

        /** Its parent's (node id, tx), or null for a root. */
        Key parent() {
            TxTrace t = entry.record().trace();
            if (t == null || t.parent() == null) return null;
            TxTrace.Parent p = t.parent();
            return new Key(p.node().isEmpty() ? nodeId : p.node(), p.tx());
        }
    }

    record Key(String nodeId, long tx) {}

    /** A node of the trace that could not be read, and why. */
    record Unreached(String node, String address, String why) {}

    /** A node read: its name and the schemas to show its records with. */
    private record Reached(String name, Map<String, ModuleSchema> schemas) {}

    private final Map<Key, Tx> txs = new LinkedHashMap<>();
    private final Map<String, Reached> reached = new HashMap<>();
    private final List<Unreached> unreached = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Key root;

    /** Reads the trace of transaction {@code tx} of registered node {@code nodeRef} from every node it reached. */
    static TraceTree read(String nodeRef, long tx) {
        var t = new TraceTree();
        try {
            t.collect(nodeRef, tx);
        } finally {
            for (AutoCloseable c : t.open)
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing a connection we are done with
                }
        }
        return t;
    }

    private void collect(String nodeRef, long tx) {
        Cli.Target start = Cli.connect(nodeRef);
        open.add(start);
        if (!start.client().tracesCalls())
            throw new CliException(
                    "node '" + nodeRef + "' keeps no traces (it speaks protocol 1.6 or older); update it");
        String startId = start.client().nodeId();
        reached.put(startId, new Reached(start.client().nodeName(), schemas(start)));
        List<TxLog.Entry> first = start.client().readLog(tx, "", "", 1);
        if (first.isEmpty() || first.getFirst().record().txId() != tx)
            throw new CliException("node '" + nodeRef + "' has no transaction " + tx + " in its log (a transaction"
                    + " that changed nothing and called no other node is not logged, and old log may be pruned)");
        TxTrace.Parent p = first.getFirst().record().trace() == null
                ? null
                : first.getFirst().record().trace().parent();
        root = p == null
                ? new Key(startId, tx)
                : new Key(p.traceNode().isEmpty() ? startId : p.traceNode(), p.traceTx());

        Map<String, Cli.Target> targets = new HashMap<>();
        targets.put(startId, start);
        Deque<String> toRead = new ArrayDeque<>();
        toRead.add(startId);
        if (!root.nodeId().equals(startId)) {
            Cli.Target origin = connect("", root.nodeId(), root.nodeId());
            if (origin != null) {
                targets.put(origin.client().nodeId(), origin);
                toRead.addFirst(origin.client().nodeId());
            }
        }
        var done = new java.util.HashSet<String>();
        var tried = new java.util.HashSet<String>();
        while (!toRead.isEmpty()) {
            String id = toRead.poll();
            if (!done.add(id)) continue;
            List<Tx> part = readTrace(targets.get(id), id);
            // peers subscribed here may have run subscribers of this trace's changes: their records name it too
            if (!part.isEmpty())
                for (String sub : subscribers(targets.get(id))) {
                    if (done.contains(sub) || !tried.add("|" + sub)) continue;
                    Cli.Target next = connect("", sub, sub);
                    if (next == null) continue;
                    targets.putIfAbsent(next.client().nodeId(), next);
                    toRead.add(next.client().nodeId());
                }
            for (Tx t : part) {
                txs.put(new Key(id, t.txId()), t);
                TxTrace trace = t.entry().record().trace();
                if (trace == null) continue;
                for (TxTrace.Call c : trace.calls()) {
                    if (c.kind() != TxTrace.Kind.REMOTE || !tried.add(c.address() + "|" + c.node())) continue;
                    Cli.Target next = connect(c.address(), c.node(), c.node());
                    if (next == null) continue;
                    String nid = next.client().nodeId();
                    targets.putIfAbsent(nid, next);
                    toRead.add(nid);
                }
            }
        }
    }

    /** The peers subscribed to {@code t}'s tables whose events carry traces (none unless the admin asks). */
    private static List<String> subscribers(Cli.Target t) {
        try {
            return t.client().isAdmin() ? t.client().tracedSubscribers() : List.of();
        } catch (NetworkException e) {
            return List.of(); // its own part was read: the subscribers are what is missing, as if unknown
        }
    }

    private List<Tx> readTrace(Cli.Target t, String id) {
        var out = new ArrayList<Tx>();
        String traceNode = root.nodeId().equals(id) ? "" : root.nodeId();
        long from = root.nodeId().equals(id) ? root.tx() : 0; // elsewhere its ids are the other node's own
        try {
            while (true) {
                List<TxLog.Entry> page = t.client().readTrace(traceNode, root.tx(), from, PAGE);
                for (TxLog.Entry e : page) out.add(new Tx(id, e));
                if (page.isEmpty()) return out;
                from = page.getLast().record().txId() + 1;
            }
        } catch (NetworkException e) {
            unreached.add(new Unreached(
                    t.client().nodeName(), t.client().address(), "reading its log failed: " + e.getMessage()));
            return out;
        }
    }

    /**
     * Connects to a node of the trace found by {@code address} (a registered node there) or {@code ref} (a registered
     * name or node id); null, noted as unreached, when it is not registered or does not answer.
     */
    private Cli.Target connect(String address, String ref, String label) {
        var reg = NodeRegistry.load();
        Optional<NodeRegistry.Entry> e = reg.all().stream()
                .filter(x -> !address.isEmpty() && x.address().equals(address))
                .findFirst();
        if (e.isEmpty() && !ref.isEmpty()) e = reg.find(ref);
        if (e.isEmpty()) {
            unreached.add(new Unreached(
                    label,
                    address,
                    "not registered here; register it to follow the trace there: "
                            + Cli.command("node add <name> " + (address.isEmpty() ? "<host:port>" : address)
                                    + " --token <token>")));
            return null;
        }
        try {
            Cli.Target t = Cli.connect(e.get().name());
            open.add(t);
            if (!t.client().tracesCalls()) {
                unreached.add(
                        new Unreached(e.get().name(), e.get().address(), "it keeps no traces (protocol 1.6 or older)"));
                return null;
            }
            reached.putIfAbsent(t.client().nodeId(), new Reached(t.client().nodeName(), schemas(t)));
            return t;
        } catch (CliException | NetworkException x) {
            unreached.add(new Unreached(e.get().name(), e.get().address(), "not reachable: " + x.getMessage()));
            return null;
        }
    }

    private static Map<String, ModuleSchema> schemas(Cli.Target t) {
        var out = new HashMap<String, ModuleSchema>();
        boolean full = t.client().isAdmin() || t.client().tokenId() != null; // as 'log': private modules too
        for (ModuleSchema m : t.client().schema(full).modules()) out.put(m.name(), m);
        return out;
    }

    /** The children of each transaction; a transaction whose parent is not in the logs read hangs under the root. */
    private Map<Key, List<Tx>> children() {
        Map<Key, List<Tx>> out = new HashMap<>();
        for (var e : txs.entrySet()) {
            if (e.getKey().equals(root)) continue;
            Key p = e.getValue().parent();
            Key under = p != null && txs.containsKey(p) ? p : root;
            out.computeIfAbsent(under, k -> new ArrayList<>()).add(e.getValue());
        }
        Comparator<Tx> order = Comparator.comparing((Tx t) -> name(t.nodeId())).thenComparingLong(Tx::txId);
        for (List<Tx> l : out.values()) l.sort(order);
        return out;
    }

    private String name(String nodeId) {
        Reached r = reached.get(nodeId);
        return r == null ? nodeId : r.name();
    }

    private TxLogText text(String nodeId) {
        Reached r = reached.get(nodeId);
        return new TxLogText(r == null ? Map.of() : r.schemas());
    }

    void print(PrintWriter out) {
        out.println("trace of tx " + root.tx() + " on node '" + name(root.nodeId()) + "'");
        var kids = children();
        Tx top = txs.get(root);
        if (top == null) {
            out.println("  (its origin, tx " + root.tx() + " on node '" + name(root.nodeId()) + "', was not read)");
            for (Tx t : kids.getOrDefault(root, List.of())) print(out, t, kids, 1);
        } else print(out, top, kids, 0);
        for (Unreached u : unreached)
            out.println("node '" + u.node() + "'" + (u.address().isEmpty() ? "" : " (" + u.address() + ")")
                    + ": its part of the trace is missing: " + u.why());
    }

    private void print(PrintWriter out, Tx t, Map<Key, List<Tx>> kids, int level) {
        String pad = "    ".repeat(level);
        var rec = t.entry().record();
        var o = rec.origin();
        String what = o == null
                ? "(no origin recorded)"
                : o.reducer().isEmpty() ? o.module() : o.module() + "." + o.reducer();
        String why = o == null || o.trigger().isEmpty()
                ? (t.parent() != null && !t.parent().nodeId().equals(t.nodeId())
                        ? "  [call from node '" + name(t.parent().nodeId()) + "']"
                        : "")
                : "  [" + o.trigger() + "]";
        Key p = t.parent();
        String lost = p != null && !txs.containsKey(p) && !new Key(t.nodeId(), t.txId()).equals(root)
                ? "  (its parent, tx " + p.tx() + " on node '" + name(p.nodeId()) + "', is not in the log)"
                : "";
        out.println(pad + "tx " + rec.txId() + " on '" + name(t.nodeId()) + "'  " + what + why + lost);
        if (rec.trace() != null)
            for (TxTrace.Call c : rec.trace().calls()) out.println(pad + "  . " + TxLogText.callLine(c));
        for (Tx k : kids.getOrDefault(new Key(t.nodeId(), t.txId()), List.of())) print(out, k, kids, level + 1);
    }

    ObjectNode json() {
        ObjectNode o = NODES.objectNode();
        ObjectNode trace = o.putObject("trace");
        trace.put("node", name(root.nodeId()));
        trace.put("node_id", root.nodeId());
        trace.put("tx", root.tx());
        var kids = children();
        Tx top = txs.get(root);
        if (top != null) o.set("root", json(top, kids));
        else {
            ArrayNode orphans = o.putArray("orphans");
            for (Tx t : kids.getOrDefault(root, List.of())) orphans.add(json(t, kids));
        }
        ArrayNode missing = o.putArray("unreachable");
        for (Unreached u : unreached) {
            ObjectNode m = missing.addObject();
            m.put("node", u.node());
            m.put("address", u.address());
            m.put("error", u.why());
        }
        return o;
    }

    private ObjectNode json(Tx t, Map<Key, List<Tx>> kids) {
        ObjectNode o = text(t.nodeId()).json(t.entry());
        o.put("node", name(t.nodeId()));
        o.put("node_id", t.nodeId());
        ArrayNode children = o.putArray("children");
        for (Tx k : kids.getOrDefault(new Key(t.nodeId(), t.txId()), List.of())) children.add(json(k, kids));
        return o;
    }
}
