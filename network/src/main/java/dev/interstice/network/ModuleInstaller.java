package dev.interstice.network;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.engine.GuestTrapException;
import dev.interstice.runtime.engine.WasmEngine;
import dev.interstice.runtime.host.DescribeHost;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.runtime.module.SchemaDiff;
import dev.interstice.runtime.node.Node;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publish and remove over the network. Publishing a module whose name is already loaded is a replacement: the two
 * schemas are compared ({@link SchemaDiff}); an incompatible one is refused with the diff unless the publisher asked
 * for a reset ({@code Node.replace}). A module whose init or load hook fails is not installed: the runtime's
 * {@code CallException} (TRAP, DEADLINE, ...) reaches the publisher as it is.
 */
final class ModuleInstaller {
    private static final Logger log = LoggerFactory.getLogger(ModuleInstaller.class);
    private final NodeServer server;
    private final Node node;

    ModuleInstaller(NodeServer server) {
        this.server = server;
        this.node = server.node();
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
                throw new NetworkException(kindOf(refused), refused.getMessage());
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
        try {
            result = node.replace(p.wasm(), p.reset());
        } catch (ModuleException e) {
            throw new NetworkException(ErrorKind.INCOMPATIBLE, e.getMessage());
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

    /** INVALID_MODULE, or TRAP / DEADLINE when the module's own code failed while it was being loaded. */
    static ErrorKind kindOf(ModuleException e) {
        if (e.getCause() instanceof GuestTrapException g)
            return g.kind() == GuestTrapException.Kind.DEADLINE ? ErrorKind.DEADLINE : ErrorKind.TRAP;
        return ErrorKind.INVALID_MODULE;
    }

    /** The schema a module declares, read without loading it anywhere. */
    static ModuleSchema describe(String label, byte[] wasm) {
        try (var engine = new WasmEngine(EngineConfig.defaults())) {
            return new ModuleLoader(engine).load(label, wasm, lm -> {
                throw new IllegalStateException("describe only");
            }, new DescribeHost(label, (m, s) -> { }, 1)).schema();
        }
    }
}
