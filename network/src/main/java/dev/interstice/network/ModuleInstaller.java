package dev.interstice.network;

import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.Node;

/**
 * Publish and remove over the network: a thin adapter over {@link Node#publish}, which compiles, compares and
 * installs; this tells the node's streams that the module changed. Refusals travel as they are (their kind mapped by
 * {@link ErrorKind#of}).
 */
final class ModuleInstaller {
    private final NodeServer server;
    private final Node node;

    ModuleInstaller(NodeServer server) {
        this.server = server;
        this.node = server.node();
    }

    /** Serialised: one publish or remove at a time per node. */
    synchronized Message.Published publish(Message.Publish p) {
        String label = p.label().isBlank() ? "(" + p.wasm().length + " bytes)" : p.label();
        Node.Publication published = node.publish(label, p.wasm(), p.reset());
        server.moduleChanged(published.module());
        return new Message.Published(
                p.id(), published.module(), published.schema().version(), published.replaced());
    }

    synchronized void remove(String module) {
        if (node.schema(module).isEmpty())
            throw new NetworkException(
                    ErrorKind.NOT_FOUND, "no module '" + module + "' is loaded on node '" + server.nodeName() + "'");
        node.remove(module);
        server.moduleChanged(module);
    }
}
