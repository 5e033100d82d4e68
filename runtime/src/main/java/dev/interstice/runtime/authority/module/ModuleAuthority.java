package dev.interstice.runtime.authority.module;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.module.LoadedModule;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Module authority: its holder loads, unloads and removes modules. A request is checked at once (the answer to
 * the guest) and carried out only if the holder's transaction commits, after it is durable; its outcome is logged and
 * reaches the holder's {@code module_result(op, module, error)} reducer, if it declares one. A request for another
 * node goes there (through the holder's node dependencies) and is handed to that node's Module holder.
 */
public final class ModuleAuthority implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModuleAuthority.class);
    /** Requests one transaction may make: each Load holds a copy of a module's code until it runs. */
    static final int MAX_REQUESTS_PER_TRANSACTION = 8;

    private final ModuleControl control;
    private final Executor executor;
    /** Requests made so far per running transaction (touched under the execution lock only). */
    private final Map<Invocation, int[]> requests = new WeakHashMap<>();
    /** Delivers remote outcomes off the network's threads, in the order they arrive. */
    private final ExecutorService outcomes = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("interstice-module-outcomes").factory());

    public ModuleAuthority(ModuleControl control, Executor executor) {
        this.control = control;
        this.executor = executor;
    }

    public byte[] handle(Frame f, ModuleCall call) {
        int[] n = requests.computeIfAbsent(f.invocation(), i -> new int[1]);
        if (n[0] >= MAX_REQUESTS_PER_TRANSACTION)
            return AuthorityCodec.err(
                    "refused: a transaction may make at most " + MAX_REQUESTS_PER_TRANSACTION + " module requests");
        String holder = f.module().name();
        if (!call.node().isCurrent()) {
            n[0]++;
            f.invocation().afterCommit(() -> sendToPeer(holder, call));
            return AuthorityCodec.ok();
        }
        String refused = refusal(call);
        if (refused != null) return AuthorityCodec.err(refused);
        n[0]++;
        f.invocation().afterCommit(() -> runLocally(holder, call));
        return AuthorityCodec.ok();
    }

    /**
     * A spawn the holder (or a child granted Module) asked for, already checked against what it holds: counted as a
     * module request, carried out after commit, its outcome delivered as {@code module_result("spawn", child, error)}.
     */
    public byte[] spawn(Frame f, byte[] wasm, ChildCall.Grant grant, boolean stopWithParent) {
        int[] n = requests.computeIfAbsent(f.invocation(), i -> new int[1]);
        if (n[0] >= MAX_REQUESTS_PER_TRANSACTION)
            return AuthorityCodec.err(
                    "refused: a transaction may make at most " + MAX_REQUESTS_PER_TRANSACTION + " module requests");
        if (wasm.length == 0) return AuthorityCodec.err("refused to spawn a child: its code is empty");
        n[0]++;
        String parent = f.module().name();
        f.invocation().afterCommit(() -> {
            String child = "";
            String error = null;
            try {
                child = control.spawn(wasm, parent, grant, stopWithParent);
                control.changed(child);
            } catch (RuntimeException e) {
                error = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            outcome(parent, "spawn", child, error, "");
        });
        return AuthorityCodec.ok();
    }

    /** Module code this node keeps under {@code hash} (verified); throws saying why when it has none. */
    public byte[] code(String hash) {
        return control.code(hash);
    }

    /** The cheap checks made before a local request is accepted, or null when it may go ahead. */
    private String refusal(ModuleCall call) {
        return switch (call) {
            case ModuleCall.Load l -> l.wasm().length == 0 ? "refused to load a module: its code is empty" : null;
            case ModuleCall.Unload u ->
                control.isLoaded(u.module()) ? null : "no module '" + u.module() + "' is loaded on this node to unload";
            case ModuleCall.Remove r ->
                control.isKnown(r.module()) ? null : "no module '" + r.module() + "' is on this node to remove";
        };
    }

    private void runLocally(String holder, ModuleCall call) {
        String module = switch (call) {
            case ModuleCall.Load _ -> "";
            case ModuleCall.Unload u -> u.module();
            case ModuleCall.Remove r -> r.module();
        };
        String error = null;
        try {
            switch (call) {
                case ModuleCall.Load l -> module = control.load(l.wasm());
                case ModuleCall.Unload u -> control.unload(u.module());
                case ModuleCall.Remove r -> control.remove(r.module());
            }
            control.changed(module);
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        outcome(holder, op(call), module, error, "");
    }

    private void sendToPeer(String holder, ModuleCall call) {
        executor.peers()
                .moduleRequest(call.node().other(), holder, call)
                .whenCompleteAsync(
                        (module, failure) -> {
                            Throwable t = failure instanceof CompletionException c && c.getCause() != null
                                    ? c.getCause()
                                    : failure;
                            String name = module != null
                                    ? module
                                    : call instanceof ModuleCall.Unload u
                                            ? u.module()
                                            : call instanceof ModuleCall.Remove r ? r.module() : "";
                            outcome(
                                    holder,
                                    op(call),
                                    name,
                                    t == null ? null : String.valueOf(t.getMessage()),
                                    " on node '" + call.node().other() + "'");
                        },
                        outcomes);
    }

    private static String op(ModuleCall call) {
        return switch (call) {
            case ModuleCall.Load _ -> "load";
            case ModuleCall.Unload _ -> "unload";
            case ModuleCall.Remove _ -> "remove";
        };
    }

    /** Logs what became of a request and hands it to the holder's {@code module_result} reducer, if any. */
    private void outcome(String holder, String op, String module, String error, String where) {
        String what = op + " of module '" + module + "'" + where + " requested by module '" + holder + "'";
        if (error == null) log.info("{}: done", what);
        else log.warn("{}: refused: {}", what, error);
        boolean declared = executor.exclusive(() -> {
            LoadedModule h = executor.modules().get(holder);
            return h != null && h.reducer(LoadedModule.MODULE_RESULT_REDUCER) != null;
        });
        if (!declared) return;
        executor.runJobs(List.of(new Executor.Job(
                holder,
                LoadedModule.MODULE_RESULT_REDUCER,
                List.of(
                        IntersticeValue.str(op),
                        IntersticeValue.str(module),
                        error == null ? IntersticeValue.none() : IntersticeValue.some(IntersticeValue.str(error))),
                CallContext.runtime(executor.services().nodeId()),
                "module_result of " + op)));
    }

    @Override
    public void close() {
        outcomes.shutdownNow();
    }
}
