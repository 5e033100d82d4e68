package dev.interstice.runtime.node;

import dev.interstice.abi.host.ChildCall;
import dev.interstice.runtime.authority.module.ModuleControl;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the module holding the Module authority does to this node: what the admin does, through the node's own API
 * (so a closed node refuses it too), and the listeners told when it changed a module ({@link Node#addModuleListener}).
 */
final class HolderControl implements ModuleControl {
    private final Node node;
    private final Executor executor;
    private final ModuleRegistry registry;
    private final NodeMetadata meta;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** {@code node} is used only once the authority acts, after the node was opened. */
    HolderControl(Node node, Executor executor, ModuleRegistry registry, NodeMetadata meta) {
        this.node = node;
        this.executor = executor;
        this.registry = registry;
        this.meta = meta;
    }

    void addListener(Consumer<String> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<String> listener) {
        listeners.remove(listener);
    }

    @Override
    public String load(byte[] wasm) {
        return node.publish("(" + wasm.length + " bytes)", wasm, false).module();
    }

    @Override
    public String spawn(byte[] wasm, String parent, ChildCall.Grant grant, boolean stopWithParent) {
        return node.spawnChild(wasm, parent, grant, stopWithParent);
    }

    @Override
    public byte[] code(String hash) {
        return node.keptCode(hash);
    }

    @Override
    public void unload(String module) {
        node.unload(module);
    }

    @Override
    public void remove(String module) {
        node.remove(module);
    }

    @Override
    public boolean isLoaded(String module) {
        return executor.exclusive(() -> registry.get(module) != null);
    }

    @Override
    public boolean isKnown(String module) {
        return executor.exclusive(() -> registry.get(module) != null || meta.isUnloaded(module));
    }

    @Override
    public void changed(String module) {
        for (Consumer<String> l : listeners) l.accept(module);
    }
}
