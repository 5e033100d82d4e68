package dev.interstice.runtime.authority;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.ModuleException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The node's authorities: which it offers ({@link AuthorityConfig}), who holds each (the one loaded module declaring
 * it), and the privileged host calls, each answered only for its holder. One holder per authority is enforced at
 * publish ({@code Node}); a module asking for an authority this node does not offer is refused there too.
 */
public final class Authorities implements AutoCloseable {
    private final AuthorityConfig config;
    private final Executor executor;
    private final NetworkAuthority network;

    public Authorities(AuthorityConfig config, Executor executor) {
        this.config = config;
        this.executor = executor;
        this.network = new NetworkAuthority(config.network(), executor);
    }

    /** The Network authority: its policy and what it holds now. */
    public NetworkAuthority network() {
        return network;
    }

    /** A module version was replaced or removed: it loses what it held (sockets). Under the execution lock. */
    public void released(LoadedModule m) {
        network.release(m);
    }

    public AuthorityConfig config() {
        return config;
    }

    /** The module holding {@code a}, if one is loaded. */
    public Optional<String> holder(Authority a) {
        return executor.exclusive(() -> executor.modules().all().stream()
                .filter(m -> m.schema().authorities().contains(a))
                .map(LoadedModule::name)
                .findFirst());
    }

    /** Refuses a module that asks for an authority this node does not offer, saying which it offers. */
    public void checkOffered(ModuleSchema m) {
        for (Authority a : m.authorities())
            if (!config.offers(a))
                throw new ModuleException(
                        ModuleException.Kind.UNSUPPORTED,
                        "module '" + m.name() + "' needs the " + name(a) + " authority, which this node does not offer"
                                + " (it offers: " + offeredNames() + ")"
                                + (a == Authority.GPU || a == Authority.INPUT || a == Authority.AUDIO
                                        ? "; Gpu, Input and Audio need a node started with a display"
                                        : ""));
    }

    public String offeredNames() {
        String s = Arrays.stream(Authority.values())
                .filter(config::offers)
                .map(Authorities::name)
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }

    /** An authority's name as users write it: {@code File}, {@code Gpu}. */
    public static String name(Authority a) {
        return a.name().charAt(0) + a.name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    public byte[] file(Frame f, FileCall call) {
        String refused = refusal(f, Authority.FILE);
        if (refused != null) return AuthorityCodec.err(refused);
        return AuthorityCodec.err("the File authority is not implemented yet");
    }

    public byte[] module(Frame f, ModuleCall call) {
        String refused = refusal(f, Authority.MODULE);
        if (refused != null) return AuthorityCodec.err(refused);
        return AuthorityCodec.err("the Module authority is not implemented yet");
    }

    public byte[] network(Frame f, NetworkCall call) {
        String refused = refusal(f, Authority.NETWORK);
        if (refused != null) return AuthorityCodec.err(refused);
        return network.call(f, call);
    }

    /** Why the frame's module may not use {@code a}, or null when it may. */
    private String refusal(Frame f, Authority a) {
        if (!config.offers(a)) return "the " + name(a) + " authority is not available on this node";
        if (!f.module().schema().authorities().contains(a))
            return "module '" + f.module().name() + "' does not hold the " + name(a)
                    + " authority (declare it in the module's authorities)";
        if (f.readOnly()) return "a query cannot use the " + name(a) + " authority";
        return null;
    }

    @Override
    public void close() {
        network.close();
    }
}
