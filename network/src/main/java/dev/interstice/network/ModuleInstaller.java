package dev.interstice.network;

import dev.interstice.network.wire.Message;
import dev.interstice.runtime.module.MigrationPlan;
import dev.interstice.runtime.node.Node;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Serialised: one publish or remove at a time per node. While a module holds the Module authority the request is
     * handed to it ({@link Message.Handed}), unless it publishes a new version of that module itself.
     */
    synchronized Message.Reply publish(Message.Publish p) {
        String label = p.label().isBlank() ? "(" + p.wasm().length + " bytes)" : p.label();
        // a dry run changes nothing, so it is never handed to the Module holder
        var handed =
                p.dryRun() ? Optional.<Node.Handover>empty() : node.handLoadToHolder(node.id(), label, p.wasm(), true);
        if (handed.isPresent())
            return new Message.Handed(
                    p.id(), handed.get().module(), handed.get().holder());
        var options = new Node.PublishOptions(
                p.reset(), p.dryRun(), new MigrationPlan.Options(Set.copyOf(p.allow()), p.zeroDefaults()));
        return published(p.id(), node.publish(label, p.wasm(), options));
    }

    /** Returns a module to its previous version (never handed to a Module holder: it is the admin's repair). */
    synchronized Message.Reply rollback(Message.Rollback r) {
        return published(r.id(), node.rollback(r.module(), r.dryRun()));
    }

    private Message.Published published(long id, Node.Publication p) {
        if (!p.dryRun()) server.moduleChanged(p.module());
        return new Message.Published(
                id,
                p.module(),
                p.schema().version(),
                p.replaced(),
                p.dryRun(),
                p.plan().map(MigrationPlan::describe).orElse(""));
    }

    /** Removes a loaded or unloaded module, or hands the request to the Module holder (as {@link #publish}). */
    synchronized Message.Reply remove(long id, String module) {
        if (node.schema(module).isEmpty() && !node.unloadedModules().contains(module))
            throw new NetworkException(
                    ErrorKind.NOT_FOUND, "no module '" + module + "' is loaded on node '" + server.nodeName() + "'");
        var handed = node.handRemoveToHolder(node.id(), module, true);
        if (handed.isPresent())
            return new Message.Handed(id, module, handed.get().holder());
        node.remove(module);
        server.moduleChanged(module);
        return new Message.Ok(id);
    }

    /** Unloads a module, keeping its data; always the admin's own act (no Module holder event exists for it). */
    synchronized void unload(String module) {
        if (node.schema(module).isEmpty())
            throw new NetworkException(
                    ErrorKind.NOT_FOUND, "no module '" + module + "' is loaded on node '" + server.nodeName() + "'");
        node.unload(module);
        server.moduleChanged(module);
    }

    /** Another node's Module authority request: handed to this node's holder, never carried out as the admin's. */
    Message.Handed handFromPeer(Message.ModuleRequest r, String requester) {
        Node.Handover h = switch (r.op()) {
            case 0 ->
                node.handLoadToHolder(requester, "(" + r.wasm().length + " bytes)", r.wasm(), false)
                        .orElseThrow();
            case 2 -> node.handRemoveToHolder(requester, r.module(), false).orElseThrow();
            default ->
                throw new NetworkException(
                        ErrorKind.REFUSED,
                        "node '" + server.nodeName() + "' does not unload modules for other nodes (a Module holder"
                                + " receives load and remove requests only)");
        };
        return new Message.Handed(r.id(), h.module(), h.holder());
    }
}
