package dev.interstice.network;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.engine.WasmEngine;
import dev.interstice.runtime.host.DescribeHost;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.runtime.node.Node;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publish and remove over the network. Publishing a module whose name is already loaded is a replacement: the two
 * schemas are compared ({@link SchemaDiff}); an incompatible one is refused with the diff unless the publisher asked
 * for a reset. Keeping the tables needs runtime support ({@code Node.replace(byte[] wasm, boolean reset)}); until the
 * node has it, a compatible replacement is refused with that explanation, and a reset removes then loads.
 */
final class ModuleInstaller {
    private static final Logger log = LoggerFactory.getLogger(ModuleInstaller.class);
    /** {@code Node.replace(byte[], boolean)} once the runtime provides it. */
    private static final MethodHandle NODE_REPLACE = findReplace();

    private final NodeServer server;
    private final Node node;

    ModuleInstaller(NodeServer server) {
        this.server = server;
        this.node = server.node();
    }

    private static MethodHandle findReplace() {
        try {
            return MethodHandles.publicLookup().findVirtual(Node.class, "replace", MethodType.methodType(ModuleSchema.class, byte[].class, boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /** Serialised: one publish or remove at a time per node. */
    synchronized Message.Published publish(Message.Publish p) {
        String label = p.label().isBlank() ? "(" + p.wasm().length + " bytes)" : p.label();
        ModuleSchema loaded;
        try {
            loaded = node.load(label, p.wasm());
        } catch (ModuleException refused) {
            ModuleSchema incoming;
            try {
                incoming = describe(label, p.wasm());
            } catch (ModuleException invalid) {
                throw new NetworkException(ErrorKind.INVALID_MODULE, refused.getMessage());
            }
            Optional<ModuleSchema> current = node.schema(incoming.name());
            if (current.isEmpty()) throw new NetworkException(ErrorKind.REFUSED, refused.getMessage());
            return replace(label, p, current.get(), incoming);
        }
        log.info("published module {} {} ({})", loaded.name(), loaded.version(), label);
        server.moduleChanged(loaded.name());
        return new Message.Published(p.id(), loaded.name(), loaded.version(), false);
    }

    private Message.Published replace(String label, Message.Publish p, ModuleSchema current, ModuleSchema incoming) {
        SchemaDiff.Result diff = SchemaDiff.compare(current, incoming);
        if (!diff.compatible() && !p.reset())
            throw new NetworkException(ErrorKind.INCOMPATIBLE, diff.describe()
                    + "\nNothing was changed. To replace it anyway and DROP its data, publish again with --reset.");
        ModuleSchema result;
        if (NODE_REPLACE != null) {
            try {
                result = (ModuleSchema) NODE_REPLACE.invoke(node, p.wasm(), p.reset());
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        } else if (p.reset()) {
            log.warn("replacing module {} with a reset: its data is dropped", current.name());
            node.remove(current.name());
            server.moduleChanged(current.name());
            result = node.load(label, p.wasm());
        } else {
            throw new NetworkException(ErrorKind.UNSUPPORTED, diff.describe() + "\nModule '" + current.name()
                    + "' is already loaded and this node cannot replace a module in place yet (the runtime lacks Node.replace)."
                    + " Publish with --reset to drop its data and load the new version, or remove it first.");
        }
        log.info("replaced module {} {} -> {} ({})", current.name(), current.version(), result.version(), p.reset() ? "reset" : "tables kept");
        server.moduleChanged(result.name());
        return new Message.Published(p.id(), result.name(), result.version(), true);
    }

    synchronized void remove(String module) {
        if (node.schema(module).isEmpty())
            throw new NetworkException(ErrorKind.NOT_FOUND, "no module '" + module + "' is loaded on node '" + server.nodeName() + "'");
        node.remove(module);
        log.info("removed module {}", module);
        server.moduleChanged(module);
    }

    /** The schema a module declares, read without loading it anywhere. */
    static ModuleSchema describe(String label, byte[] wasm) {
        try (var engine = new WasmEngine(EngineConfig.defaults())) {
            return new ModuleLoader(engine).load(label, wasm, lm -> {
                throw new IllegalStateException("describe only");
            }, new DescribeHost(label, (m, s) -> { })).schema();
        }
    }
}
