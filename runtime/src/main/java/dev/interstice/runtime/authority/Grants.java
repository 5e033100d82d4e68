package dev.interstice.runtime.authority;

import dev.interstice.abi.codec.ChildCodec;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.runtime.authority.file.FileAuthority;
import dev.interstice.runtime.authority.file.FileRoot;
import dev.interstice.runtime.authority.module.ModuleAuthority;
import dev.interstice.runtime.authority.network.NetworkPolicy;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.ModuleException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Capability grants (docs/security.md, Grants): a module holding the Module authority, or a child granted it, spawns
 * child modules, each with a part of what the spawner holds: File confined to a directory of the spawner's root,
 * Network to addresses within the spawner's, Module over the child's own children. Every privileged call of a child
 * is checked against its grant and its ancestors' grants at the call, so a revocation (by the parent) takes effect on
 * the child's next call, and on its descendants' too.
 */
final class Grants {
    /** How deep children may nest (a chain longer than this is refused, which also stops any loop of names). */
    static final int MAX_DEPTH = 16;

    private final Children children;
    private final AuthorityConfig config;
    private final Executor executor;
    /** The node's file root, or null when it offers no File authority. */
    private final FileRoot nodeRoot;
    /** Each child's File authority on its own root, made at its first call (forgotten when its grant changes). */
    private final Map<String, FileAuthority> files = new HashMap<>();

    Grants(Children children, AuthorityConfig config, Executor executor, FileRoot nodeRoot) {
        this.children = children;
        this.config = config;
        this.executor = executor;
        this.nodeRoot = nodeRoot;
    }

    /**
     * Why child {@code module} may not use {@code a} now, or null when it may (or is no child: its schema decides).
     * Walks up to the first ancestor that is no child: each link must still hold {@code a}.
     */
    String refusal(String module, Authority a) {
        Children.Child c = children.get(module);
        for (int depth = 0; c != null; depth++) {
            if (depth >= MAX_DEPTH) return "module '" + module + "' is nested too deep below its ancestors";
            String whose = c.name().equals(module) ? "its" : "the grant of its ancestor '" + c.name() + "': its";
            if (!c.grant().authorities().contains(a))
                return "module '" + module + "' is a child module and " + whose + " grant from '" + c.parent()
                        + "' does not include the " + Authorities.name(a) + " authority";
            if (c.revoked().contains(a))
                return "module '" + module + "' is a child module and " + whose + " " + Authorities.name(a)
                        + " grant from '" + c.parent() + "' was revoked";
            c = children.get(c.parent());
        }
        return null;
    }

    /** The File authority serving child {@code module} (its root: its grant's directory in its parent's root). */
    synchronized FileAuthority files(String module) throws FileRoot.Refused {
        FileAuthority f = files.get(module);
        if (f == null) {
            f = new FileAuthority(root(module, 0), config.fileLimits());
            files.put(module, f);
        }
        return f;
    }

    /** {@code module}'s file root: the node's, or (a child) its grant's directory inside its parent's root. */
    private FileRoot root(String module, int depth) throws FileRoot.Refused {
        Children.Child c = children.get(module);
        if (c == null) return nodeRoot;
        if (depth >= MAX_DEPTH) throw new FileRoot.Refused("module '" + module + "' is nested too deep");
        return root(c.parent(), depth + 1).subRoot(c.grant().file().orElseThrow());
    }

    /** The egress rules {@code module} may grant or use: the node's, or (a child) its grant's. */
    private List<NetworkPolicy.Rule> egress(String module) {
        Children.Child c = children.get(module);
        if (c == null) return config.network().egress();
        return c.grant().network().orElse(List.of()).stream()
                .map(NetworkPolicy.Rule::parseAddress)
                .toList();
    }

    /** Why child {@code module} may not make this Network call (outside its grant), or null. */
    String networkRefusal(String module, NetworkCall call) {
        String ip;
        int port;
        switch (call) {
            case NetworkCall.TcpConnect c -> {
                ip = c.ip();
                port = c.port();
            }
            case NetworkCall.UdpSendTo c -> {
                ip = c.ip();
                port = c.port();
            }
            case NetworkCall.TcpListen _, NetworkCall.UdpBind _ -> {
                return "module '" + module + "' is a child module: its Network grant lets it connect to the addresses"
                        + " granted, not listen or bind";
            }
            default -> {
                return null; // its own handles only (checked by the Network authority)
            }
        }
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            return "module '" + module + "' is a child module: its Network grant is checked on addresses, so it"
                    + " connects to an IP address, not '" + ip + "'";
        }
        for (NetworkPolicy.Rule r : egress(module)) if (r.allows(a, port)) return null;
        return "module '" + module + "' is a child module and its Network grant from '"
                + children.get(module).parent() + "' does not include " + a.getHostAddress() + " port " + port;
    }

    /** Why child {@code module} may not make this Module call: its rights cover its own children only. */
    String moduleRefusal(String module, ModuleCall call) {
        if (!call.node().isCurrent())
            return "module '" + module + "' is a child module: its Module grant covers its own children on this node";
        String target = switch (call) {
            case ModuleCall.Load _ -> null;
            case ModuleCall.Unload u -> u.module();
            case ModuleCall.Remove r -> r.module();
        };
        if (target == null)
            return "module '" + module + "' is a child module: its Module grant covers its own children only (spawn"
                    + " them through interstice_children)";
        Children.Child c = children.get(target);
        if (c == null || !c.parent().equals(module))
            return "module '" + module + "' is a child module and '" + target + "' is not one of its children (its"
                    + " Module grant covers its own children only)";
        return null;
    }

    /**
     * Answers a child call of the frame's module. {@code wasm}: the code a Spawn names (read by the caller from the
     * bytes or the content store). {@code spawner}: carries the spawn out after commit.
     */
    byte[] handle(Frame f, ChildCall call, byte[] wasm, ModuleAuthority spawner, Refusals refusals) {
        String caller = f.module().name();
        if (f.readOnly()) return ChildCodec.err("a query cannot spawn, revoke or change child modules");
        return switch (call) {
            case ChildCall.ListChildren _ -> ChildCodec.okChildren(list(caller));
            case ChildCall.Revoke r -> revoke(f, r);
            case ChildCall.Spawn s -> {
                String refused = spawnRefusal(f, s.grant(), refusals);
                if (refused != null) yield ChildCodec.err(refused);
                yield spawner.spawn(f, wasm, s.grant(), s.stopWithParent());
            }
        };
    }

    /** Whether the frame's module may use an authority, as {@link Authorities} decides for every privileged call. */
    interface Refusals {
        String refusal(Frame f, Authority a);
    }

    private List<ChildCall.Child> list(String parent) {
        var out = new ArrayList<ChildCall.Child>();
        for (Children.Child c : children.of(parent)) {
            boolean loaded = executor.modules().get(c.name()) != null;
            out.add(new ChildCall.Child(c.name(), c.grant(), List.copyOf(c.revoked()), c.stopWithParent(), loaded));
        }
        return out;
    }

    private byte[] revoke(Frame f, ChildCall.Revoke r) {
        Children.Child c = children.get(r.child());
        if (c == null || !c.parent().equals(f.module().name()))
            return ChildCodec.err("module '" + r.child() + "' is not a child of module '"
                    + f.module().name() + "'");
        Set<Authority> what = EnumSet.noneOf(Authority.class);
        what.addAll(r.authority().map(Set::of).orElseGet(() -> c.grant().authorities()));
        if (r.authority().isPresent()
                && !c.grant().authorities().contains(r.authority().get()))
            return ChildCodec.err("module '" + r.child() + "' was not granted the "
                    + Authorities.name(r.authority().get()) + " authority");
        Children.Child next = c.revoke(what);
        f.invocation().systemChange(Children.row(next));
        f.invocation().atCommit(() -> {
            children.put(next);
            forgetFiles();
        });
        return ChildCodec.ok();
    }

    /** Why the frame's module may not spawn a child with {@code g}, or null: it cannot grant what it does not hold. */
    private String spawnRefusal(Frame f, ChildCall.Grant g, Refusals refusals) {
        String caller = f.module().name();
        String r = refusals.refusal(f, Authority.MODULE);
        if (r != null) return "cannot spawn a child: " + r;
        if (g.file().isPresent()) {
            r = refusals.refusal(f, Authority.FILE);
            if (r != null) return "cannot grant the File authority: " + r;
            try {
                FileRoot.normalise(g.file().get());
                root(caller, 0).subRoot(g.file().get());
            } catch (FileRoot.Refused e) {
                return "cannot grant the File authority on '" + g.file().get() + "': " + e.getMessage();
            }
        }
        if (g.network().isPresent()) {
            r = refusals.refusal(f, Authority.NETWORK);
            if (r != null) return "cannot grant the Network authority: " + r;
            List<NetworkPolicy.Rule> mine = egress(caller);
            for (String spec : g.network().get()) {
                NetworkPolicy.Rule rule;
                try {
                    rule = NetworkPolicy.Rule.parseAddress(spec);
                } catch (IllegalArgumentException e) {
                    return "cannot grant the Network authority: " + e.getMessage();
                }
                if (mine.stream().noneMatch(rule::within))
                    return "cannot grant the Network authority on " + rule + ": module '" + caller
                            + "' may not reach it itself";
            }
        }
        return null;
    }

    /**
     * Refuses child {@code m} (at its install, under the execution lock) when it declares an authority its grant does
     * not include or subscribes to file events (watches serve the File holder only).
     */
    void checkChild(LoadedModule m) {
        Children.Child c = children.get(m.name());
        if (c == null) return;
        for (Authority a : m.schema().authorities())
            if (!c.holds(a))
                throw new ModuleException(
                        ModuleException.Kind.CONFLICT,
                        "child module '" + m.name() + "' declares the " + Authorities.name(a)
                                + " authority, which its grant from '" + c.parent() + "' does not include");
        for (var s : m.schema().subscriptions())
            if (s.event() instanceof SubscriptionEvent.File)
                throw new ModuleException(
                        ModuleException.Kind.UNSUPPORTED,
                        "child module '" + m.name() + "' subscribes to file events, which child modules cannot yet");
    }

    /** The children that stop with {@code parent}, loaded or not. */
    List<String> stoppingWith(String parent) {
        var out = new ArrayList<String>();
        for (Children.Child c : children.of(parent)) if (c.stopWithParent()) out.add(c.name());
        return out;
    }

    /** Forgets every child's File authority (a grant changed: roots are made again at the next call). */
    synchronized void forgetFiles() {
        files.clear();
    }
}
