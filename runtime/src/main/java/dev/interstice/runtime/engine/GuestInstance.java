package dev.interstice.runtime.engine;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.interstice.runtime.engine.GuestTrapException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One instance of a {@link CompiledModule}, bound to its host functions. Not thread-safe: one thread
 * at a time (hand it between threads with a happens-before edge, as any pool does). Host functions may
 * call back into this or other instances on the same thread.
 *
 * <p>After any {@link GuestTrapException} from it, or any exception passed through from a host
 * function, the instance is {@linkplain #isBroken() broken}: its guest state may be half-updated, so
 * further guest calls are refused and it must be discarded.
 */
public final class GuestInstance {

    private final CompiledModule module;
    private final String label;
    private final HostFunctions host;
    private final long budgetNanos;
    private final Map<String, Export> exports = new HashMap<>();
    private Instance instance;
    /** Memory 0, or null if the module has none. */
    private CappedMemory memory;
    /** The current thread's deadline slot, cached to skip the ThreadLocal lookup on the hot path. */
    private Watchdog.Slot slot = Watchdog.NO_SLOT;

    private boolean broken;
    /** The last exception a host function threw: it must leave the guest call unchanged. */
    private RuntimeException hostFailure;
    /** How many calls into this instance are on the stack (host functions may call back in). */
    private int entries;
    /** The panic the guest logged in its current outermost call, reported if a trap follows; else null. */
    private String panic;

    private Export alloc;
    private Export dealloc;

    GuestInstance(CompiledModule module, HostFunctions host, long budgetNanos) {
        this.module = module;
        this.label = module.label();
        this.host = host;
        this.budgetNanos = budgetNanos;
    }

    public CompiledModule module() {
        return module;
    }

    /**
     * The guest logged that it panics ({@code text}: what follows {@link GuestMessage#PANIC_PREFIX}): a trap
     * before its current outermost call returns carries this text, as an abort does.
     */
    public void notePanic(String text) {
        panic = text;
    }

    /** True once a call failed; the instance must then be discarded. */
    public boolean isBroken() {
        return broken;
    }

    /** Size of linear memory 0 in bytes (0 if the module has no memory). */
    public int memorySize() {
        CappedMemory m = memory;
        return m == null ? 0 : m.pages() * Memory.PAGE_SIZE;
    }

    /**
     * Copies {@code len} bytes of guest memory starting at {@code ptr}.
     *
     * @throws GuestMemoryException if the range is not inside guest memory
     */
    public byte[] read(int ptr, int len) {
        checkRange("read", ptr, len);
        if (len == 0) {
            return new byte[0];
        }
        return memory.readBytes(ptr, len);
    }

    /**
     * Copies the first {@code min(len, max)} bytes of the range {@code [ptr, ptr + len)}, which must lie inside guest
     * memory as a whole (bounded reads of guest-sized buffers, e.g. log lines).
     *
     * @throws GuestMemoryException if the range is not inside guest memory
     */
    public byte[] readPrefix(int ptr, int len, int max) {
        checkRange("read", ptr, len);
        return read(ptr, Math.min(len, Math.max(0, max)));
    }

    /**
     * Copies {@code src[off, off+len)} into guest memory at {@code ptr}.
     *
     * @throws GuestMemoryException if the target range is not inside guest memory
     */
    public void write(int ptr, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkRange("write", ptr, len);
        if (len > 0) {
            memory.write(ptr, src, off, len);
        }
    }

    public void write(int ptr, byte[] src) {
        write(ptr, src, 0, src.length);
    }

    /**
     * Calls the guest's {@code alloc(i32) -> i32} export under the usual deadline rules.
     *
     * @throws ModuleLoadException if the module has no such export
     * @throws GuestTrapException if the guest fails, or returns 0 (out of memory) for a non-empty request
     */
    public int alloc(int size) {
        Export a = alloc;
        if (a == null) {
            module.requireAlloc();
            a = alloc = export("alloc");
        }
        CappedMemory m = memory;
        int refusalsBefore = m == null ? 0 : m.refusals;
        int ptr = (int) a.call(size);
        if (ptr == 0 && size > 0) {
            broken = true;
            String what = "alloc(" + size + ") returned 0";
            if (m != null && m.refusals != refusalsBefore) {
                throw memoryLimit("alloc", what, m, null);
            }
            String reason = "returned 0: the guest is out of memory";
            throw new GuestTrapException(
                    Kind.TRAP, label, "alloc", prefix() + what + ": the guest is out of memory", reason, null);
        }
        return ptr;
    }

    /** Calls the guest's {@code dealloc(i32, i32)} export if it has one; otherwise does nothing. */
    public void dealloc(int ptr, int size) {
        if (!module.hasDealloc()) {
            return;
        }
        Export d = dealloc;
        if (d == null) {
            d = dealloc = export("dealloc");
        }
        d.call(ptr, size);
    }

    /**
     * Handle on an exported function; keep it rather than looking it up per call.
     *
     * @throws IllegalArgumentException if the module exports no function of that name
     */
    public Export export(String name) {
        Export e = exports.get(name);
        if (e == null) {
            CompiledModule.FunctionExport f = module.functionExport(name);
            e = new Export(name, instance.export(name), f.params().size());
            exports.put(name, e);
        }
        return e;
    }

    /** A callable export of this instance. */
    public final class Export {
        private final String name;
        private final ExportFunction fn;
        private final int arity;

        private Export(String name, ExportFunction fn, int arity) {
            this.name = name;
            this.fn = fn;
            this.arity = arity;
        }

        public String name() {
            return name;
        }

        /**
         * Calls the export under the engine's deadline. Arguments and result are i32/i64 values; f32/f64 travel
         * as raw bits ({@link Float#floatToRawIntBits}, {@link Double#doubleToRawLongBits}).
         *
         * @return the first result (an i32 sign-extended), or 0 if the function returns nothing
         * @throws GuestTrapException if the guest fails; the instance is then broken
         * @throws IllegalStateException if the instance is already broken
         */
        public long call(long... args) {
            if (args.length != arity) {
                throw new IllegalArgumentException(
                        "module '" + label + "': '" + name + "' takes " + arity + " arguments, got " + args.length);
            }
            return invoke(name, fn, args);
        }

        @Override
        public String toString() {
            return label + "." + name;
        }
    }

    // ---- guarded guest entry ----

    private Watchdog.Slot currentSlot() {
        Watchdog.Slot s = slot;
        if (s.thread != Thread.currentThread()) {
            s = Watchdog.slot();
            slot = s;
        }
        return s;
    }

    private long invoke(String what, ExportFunction fn, long[] args) {
        if (broken) {
            throw new IllegalStateException(prefix() + "instance is broken by an earlier failure; discard it");
        }
        Watchdog.Slot s = currentSlot();
        CappedMemory m = memory;
        int refusalsBefore = m == null ? 0 : m.refusals;
        if (s.depth++ == 0) {
            s.begin(budgetNanos);
        }
        if (entries++ == 0) {
            panic = null;
        }
        try {
            long[] r = fn.apply(args);
            return r == null || r.length == 0 ? 0L : r[0];
        } catch (Throwable t) {
            broken = true; // before any call: we may be a frame away from the end of the stack
            throw failed(t, what, s, refusalsBefore);
        } finally {
            entries--;
            if (--s.depth == 0) {
                s.end();
            }
        }
    }

    /** Wires the Chicory instance, then runs data/element initialisation, the start function and _initialize. */
    void initialize(Instance inst, boolean runInitialize) {
        this.instance = inst;
        if (runInitialize) {
            module.requireInitializeSignature();
        }
        Watchdog.Slot s = currentSlot();
        CappedMemory m = memory;
        int refusalsBefore = m == null ? 0 : m.refusals;
        // One entry for the whole initialisation, so start function and _initialize share one deadline.
        if (s.depth++ == 0) {
            s.begin(budgetNanos);
        }
        try {
            try {
                inst.initialize(false);
            } catch (UninstantiableException e) {
                if (e.getCause() == null) {
                    // A data or element segment does not fit: a property of the module, not a guest failure.
                    broken = true;
                    throw new ModuleLoadException(label, "cannot be instantiated: " + e.getMessage(), e);
                }
                throw failed(e.getCause(), "start function", s, refusalsBefore); // Chicory wraps start traps
            } catch (InvalidException e) {
                broken = true;
                throw new ModuleLoadException(label, "cannot be instantiated: " + e.getMessage(), e);
            } catch (Throwable t) {
                throw failed(t, "start function", s, refusalsBefore);
            }
            if (runInitialize) {
                export(CompiledModule.INITIALIZE).call();
            }
        } finally {
            if (--s.depth == 0) {
                s.end();
            }
        }
    }

    /**
     * Marks the instance broken and maps a failure out of guest code to what the caller should see.
     * Errors other than StackOverflowError are rethrown as they are.
     */
    private RuntimeException failed(Throwable t, String what, Watchdog.Slot s, int refusalsBefore) {
        broken = true;
        if (t instanceof RuntimeException re && re == hostFailure) {
            hostFailure = null;
            return re; // a host function's own exception: pass through untouched
        }
        if (t instanceof GuestTrapException g) {
            return g; // from a nested instance, already classified
        }
        CappedMemory m = memory;
        boolean growRefused = m != null && m.refusals != refusalsBefore;
        if (t instanceof AbortSignal a) {
            if (growRefused) {
                return memoryLimit(what, "it " + a.getMessage(), m, null);
            }
            return failure(Kind.ABORT, what, a.getMessage(), null);
        }
        if (t instanceof ChicoryInterruptedException) {
            if (s.deadlineFired()) {
                long ms = TimeUnit.NANOSECONDS.toMillis(s.budgetNanos());
                return failure(Kind.DEADLINE, what, "exceeded its deadline of " + ms + " ms", t);
            }
            // Someone else interrupted the thread (e.g. shutdown): not a deadline. Their interrupt flag stays set.
            return failure(Kind.TRAP, what, "was interrupted by Thread.interrupt() (not by the call deadline)", t);
        }
        if (t instanceof StackOverflowError || isStackExhausted(t)) {
            return failure(Kind.STACK_EXHAUSTED, what, "exhausted the call stack (runaway recursion?)", t);
        }
        if (t instanceof Error e) {
            throw e;
        }
        String trapped = trapped(t);
        if (growRefused) {
            return memoryLimit(what, "it " + trapped, m, t);
        }
        if (panic != null) {
            return failure(Kind.ABORT, what, GuestMessage.panicked(panic), t);
        }
        return failure(Kind.TRAP, what, trapped, t);
    }

    private GuestTrapException failure(Kind kind, String what, String reason, Throwable cause) {
        return new GuestTrapException(kind, label, what, prefix() + "'" + what + "' " + reason, reason, cause);
    }

    /** "trapped on unreachable instruction", "trapped: out of bounds memory access", ... */
    private static String trapped(Throwable t) {
        if (!(t instanceof ChicoryException)) {
            return t.getMessage() == null ? "trapped in the engine" : "trapped: " + t.getMessage();
        }
        String m = String.valueOf(t.getMessage());
        return m.startsWith("Trapped on ") ? "trapped on " + m.substring("Trapped on ".length()) : "trapped: " + m;
    }

    private static boolean isStackExhausted(Throwable t) {
        return t instanceof ChicoryException
                && (t.getCause() instanceof StackOverflowError || "call stack exhausted".equals(t.getMessage()));
    }

    /** @param failure what the guest did after the refused grow, e.g. "it trapped: ..." */
    private GuestTrapException memoryLimit(String what, String failure, CappedMemory m, Throwable cause) {
        long cap = (long) m.capPages() * Memory.PAGE_SIZE;
        return failure(
                Kind.MEMORY_LIMIT,
                what,
                "hit the memory cap of " + cap + " bytes (" + m.capPages() + " pages): memory.grow to "
                        + m.lastRefusedPages + " pages was refused, then " + failure,
                cause);
    }

    private String prefix() {
        return "module '" + label + "': ";
    }

    // ---- memory ----

    Memory newMemory(MemoryLimits declared, int capPages) {
        CappedMemory m = new CappedMemory(declared, capPages);
        if (memory == null) {
            memory = m; // Chicory creates memory 0 first
        }
        return m;
    }

    private void checkRange(String op, int ptr, int len) {
        int size = memorySize();
        if (ptr < 0 || len < 0 || ptr > size - len) {
            throw new GuestMemoryException(prefix() + op + " of " + len + " bytes at ptr "
                    + Integer.toUnsignedString(ptr) + " is outside guest memory (len " + len + ", size " + size
                    + " bytes)");
        }
    }

    /** Decodes an AssemblyScript string (UTF-16LE, byte length as u32 at ptr - 4); never throws. */
    private String asString(int ptr) {
        if (ptr == 0) {
            return null;
        }
        try {
            int size = memorySize();
            if (ptr < 4 || ptr > size) {
                return "<bad string pointer " + Integer.toUnsignedString(ptr) + ">";
            }
            int len = memory.readInt(ptr - 4);
            if (len < 0 || ptr > size - len) {
                return "<bad string at " + ptr + ">";
            }
            int shown = Math.min(len, 2 * GuestMessage.MAX_CHARS + 2) & ~1; // one more than quoted() shows
            return new String(memory.readBytes(ptr, shown), StandardCharsets.UTF_16LE);
        } catch (RuntimeException e) {
            return "<unreadable string at " + ptr + ">";
        }
    }

    // ---- host imports ----

    WasmFunctionHandle handle(HostImport h) {
        return h == HostImport.ABORT ? new AbortHandle() : new HostDispatch(h.ordinal());
    }

    /**
     * One class for every host import, so Chicory's host-call site sees a single receiver class. apply() stays
     * small (each case is a call) so the JIT inlines it, and with it the result array usually disappears.
     */
    private final class HostDispatch implements WasmFunctionHandle {
        private final int op;

        HostDispatch(int op) {
            this.op = op;
        }

        @Override
        public long[] apply(Instance unused, long... a) {
            try {
                return switch (op) {
                    case HostImport.OP_HOST_CALL -> hostCall(a);
                    case HostImport.OP_LOG -> log(a);
                    case HostImport.OP_TIME -> new long[] {host.time(GuestInstance.this)};
                    case HostImport.OP_RANDOM -> new long[] {host.random(GuestInstance.this)};
                    case HostImport.OP_INSERT_ROW -> insertRow(a);
                    case HostImport.OP_UPDATE_ROW -> updateRow(a);
                    case HostImport.OP_DELETE_ROW -> deleteRow(a);
                    case HostImport.OP_CLEAR_TABLE -> clearTable(a);
                    case HostImport.OP_GET_BY_PK -> getByPk(a);
                    case HostImport.OP_SCAN -> new long[] {host.scan(GuestInstance.this, (int) a[0], (int) a[1])};
                    case HostImport.OP_STORE -> new long[] {host.store(GuestInstance.this, (int) a[0], (int) a[1])};
                    case HostImport.OP_CHILDREN ->
                        new long[] {host.children(GuestInstance.this, (int) a[0], (int) a[1])};
                    case HostImport.OP_HISTORY -> new long[] {host.history(GuestInstance.this, (int) a[0], (int) a[1])};
                    default -> throw new AssertionError("unknown host op " + op);
                };
            } catch (RuntimeException e) {
                hostFailure = e;
                throw e;
            }
        }
    }

    private long[] hostCall(long[] a) {
        return new long[] {host.hostCall(this, (int) a[0], (int) a[1])};
    }

    private long[] log(long[] a) {
        host.log(this, (int) a[0], (int) a[1]);
        return null;
    }

    private long[] insertRow(long[] a) {
        return new long[] {host.insertRow(this, (int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5])
        };
    }

    private long[] updateRow(long[] a) {
        return new long[] {host.updateRow(this, (int) a[0], (int) a[1], (int) a[2], (int) a[3])};
    }

    private long[] deleteRow(long[] a) {
        return new long[] {host.deleteRow(this, (int) a[0], (int) a[1], (int) a[2], (int) a[3])};
    }

    private long[] clearTable(long[] a) {
        return new long[] {host.clearTable(this, (int) a[0], (int) a[1])};
    }

    private long[] getByPk(long[] a) {
        return new long[] {host.getByPk(this, (int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5])};
    }

    /** {@code env.abort(msg, file, line, col)}: AssemblyScript's assertion/abort hook. */
    private final class AbortHandle implements WasmFunctionHandle {
        @Override
        public long[] apply(Instance unused, long... a) {
            String msg = asString((int) a[0]);
            String file = asString((int) a[1]);
            String location = (file == null ? "<unknown>" : file) + ":" + Integer.toUnsignedString((int) a[2]) + ":"
                    + Integer.toUnsignedString((int) a[3]);
            throw new AbortSignal(GuestMessage.aborted(msg == null ? "abort called" : msg, location));
        }
    }

    /** Unwinds the guest after env.abort; turned into a GuestTrapException by the guest entry that catches it. */
    private static final class AbortSignal extends RuntimeException {
        AbortSignal(String message) {
            super(message, null, false, false);
        }
    }
}
