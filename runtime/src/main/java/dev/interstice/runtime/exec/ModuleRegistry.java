package dev.interstice.runtime.exec;

import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.runtime.module.LoadedModule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The modules loaded on a node, in load order, and the table subscriptions among them. Subscribers of one event run
 * in module load order, then in the order the module declares its subscriptions. Mutated only under the executor's
 * lock.
 */
public final class ModuleRegistry {
    public record Subscriber(String module, String reducer) {}

    private final LinkedHashMap<String, LoadedModule> modules = new LinkedHashMap<>();

    private record EventKey(String module, String table, SubscriptionEvent.TableEventKind kind) {}

    private final Map<EventKey, List<Subscriber>> tableSubscribers = new HashMap<>();

    public LoadedModule get(String name) {
        return modules.get(name);
    }

    public LoadedModule require(String name) {
        LoadedModule m = modules.get(name);
        if (m == null)
            throw new CallException(CallException.Kind.NOT_FOUND, "no module '" + name + "' is loaded on this node");
        return m;
    }

    /** A module another node may use: public modules only; private ones answer exactly like missing ones. */
    public LoadedModule requirePublic(String name) {
        LoadedModule m = modules.get(name);
        if (m == null || m.schema().visibility() != Visibility.PUBLIC)
            throw new CallException(CallException.Kind.NOT_FOUND, "no module '" + name + "' is loaded on this node");
        return m;
    }

    /** Local subscribers of another node's table events: subscriptions {@code <node>.<module>.<table>.<event>}. */
    public List<Subscriber> remoteSubscribers(
            String node, String module, String table, SubscriptionEvent.TableEventKind kind) {
        var out = new ArrayList<Subscriber>();
        for (LoadedModule m : modules.values())
            for (SubscriptionSchema s : m.schema().subscriptions())
                if (s.event() instanceof SubscriptionEvent.Table t
                        && !t.node().isCurrent()
                        && t.node().other().equals(node)
                        && t.module().equals(module)
                        && t.table().equals(table)
                        && t.kind() == kind) out.add(new Subscriber(m.name(), s.reducer()));
        return out;
    }

    /** Subscribers of the first full synchronisation of a replica: {@code <node>.<module>.<table>.sync}. */
    public List<Subscriber> replicaSyncSubscribers(String node, String module, String table) {
        var out = new ArrayList<Subscriber>();
        for (LoadedModule m : modules.values())
            for (SubscriptionSchema s : m.schema().subscriptions())
                if (s.event() instanceof SubscriptionEvent.ReplicaSync r
                        && r.node().equals(node)
                        && r.module().equals(module)
                        && r.table().equals(table)) out.add(new Subscriber(m.name(), s.reducer()));
        return out;
    }

    public Collection<LoadedModule> all() {
        return Collections.unmodifiableCollection(modules.values());
    }

    public void add(LoadedModule m) {
        modules.put(m.name(), m);
        rebuild();
    }

    public LoadedModule remove(String name) {
        LoadedModule m = modules.remove(name);
        rebuild();
        return m;
    }

    public List<Subscriber> tableSubscribers(String module, String table, SubscriptionEvent.TableEventKind kind) {
        return tableSubscribers.getOrDefault(new EventKey(module, table, kind), List.of());
    }

    /** Subscribers of a core event (init, load, connect, ...) in load order. */
    public List<Subscriber> coreSubscribers(LoadedModule only, SubscriptionEvent.Simple kind) {
        var out = new ArrayList<Subscriber>();
        for (LoadedModule m : only == null ? modules.values() : List.of(only))
            for (SubscriptionSchema s : m.schema().subscriptions())
                if (s.event() instanceof SubscriptionEvent.Core c && c.kind() == kind)
                    out.add(new Subscriber(m.name(), s.reducer()));
        return out;
    }

    private void rebuild() {
        tableSubscribers.clear();
        for (LoadedModule m : modules.values()) {
            for (SubscriptionSchema s : m.schema().subscriptions()) {
                if (!(s.event() instanceof SubscriptionEvent.Table t)
                        || !t.node().isCurrent()) continue;
                LoadedModule owner = modules.get(t.module());
                // another module's private table is not observable; the load-time check reports it when the owner
                // exists
                if (owner != null
                        && owner != m
                        && owner.table(t.table()) != null
                        && owner.table(t.table()).schema().visibility() == Visibility.PRIVATE) continue;
                tableSubscribers
                        .computeIfAbsent(new EventKey(t.module(), t.table(), t.kind()), k -> new ArrayList<>())
                        .add(new Subscriber(m.name(), s.reducer()));
            }
        }
    }
}
