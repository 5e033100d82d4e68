package dev.interstice.runtime.engine;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A parsed, validated and compiled module. Immutable and thread-safe: compile once, then
 * {@linkplain #instantiate(HostFunctions) instantiate} as often as needed (cheap).
 */
public final class CompiledModule {

    /** An exported function's index and type, resolved once at compile time. */
    record FunctionExport(String name, int index, List<ValType> params, List<ValType> results) {
        boolean matches(List<WasmType> expectedParams, List<WasmType> expectedResults) {
            return sameTypes(params, expectedParams) && sameTypes(results, expectedResults);
        }

        String signature() {
            return render(params) + " -> " + render(results);
        }
    }

    private static final List<WasmType> ALLOC_PARAMS = List.of(WasmType.I32);
    private static final List<WasmType> ALLOC_RESULTS = List.of(WasmType.I32);
    private static final List<WasmType> DEALLOC_PARAMS = List.of(WasmType.I32, WasmType.I32);
    static final String INITIALIZE = "_initialize";

    private final WasmEngine engine;
    private final String label;
    private final WasmModule wasm;
    private final Function<Instance, Machine> machineFactory;
    private final Map<String, FunctionExport> functionExports;
    private final Map<String, ExternalType> otherExports;
    /** Host import bound to each function import, in import order; null entries only if {@link #linkError} is set. */
    private final HostImport[] imports;

    private final String linkError;
    private final int largestInitialPages;
    private final boolean hasDealloc;
    private final boolean hasInitialize;

    CompiledModule(WasmEngine engine, String label, WasmModule wasm, Function<Instance, Machine> machineFactory) {
        this.engine = engine;
        this.label = label;
        this.wasm = wasm;
        this.machineFactory = machineFactory;

        List<String> problems = new ArrayList<>();
        List<FunctionType> functionTypes = new ArrayList<>();
        var importSection = wasm.importSection();
        this.imports = new HostImport[importSection.count(ExternalType.FUNCTION)];
        int fn = 0;
        for (int i = 0; i < importSection.importCount(); i++) {
            Import imp = importSection.getImport(i);
            String qualified = imp.module() + "." + imp.name();
            if (imp.importType() != ExternalType.FUNCTION) {
                problems.add("imports " + kindName(imp.importType()) + " " + qualified
                        + ", which this node does not provide (a module defines its own memory, tables and globals)");
                continue;
            }
            FunctionType type = wasm.typeSection().getType(((FunctionImport) imp).typeIndex());
            functionTypes.add(type);
            HostImport host = HostImport.find(imp.module(), imp.name());
            if (host == null) {
                problems.add("imports " + qualified + ", which this node does not provide (it provides "
                        + HostImport.offered() + ")");
            } else if (!type.equals(host.chicoryType)) {
                problems.add("imports " + qualified + " with signature " + render(type.params()) + " -> "
                        + render(type.returns()) + ", but this node provides " + qualified + " as " + host.signature());
            } else {
                imports[fn] = host;
            }
            fn++;
        }
        this.linkError = problems.isEmpty() ? null : String.join("; ", problems);

        var functionSection = wasm.functionSection();
        Map<String, FunctionExport> fns = new LinkedHashMap<>();
        Map<String, ExternalType> others = new LinkedHashMap<>();
        var exportSection = wasm.exportSection();
        for (int i = 0; i < exportSection.exportCount(); i++) {
            Export e = exportSection.getExport(i);
            if (e.exportType() == ExternalType.FUNCTION) {
                int index = e.index();
                FunctionType type = index < functionTypes.size()
                        ? functionTypes.get(index)
                        : functionSection.getFunctionType(index - functionTypes.size(), wasm.typeSection());
                fns.put(e.name(), new FunctionExport(e.name(), index, type.params(), type.returns()));
            } else {
                others.put(e.name(), e.exportType());
            }
        }
        this.functionExports = Collections.unmodifiableMap(fns);
        this.otherExports = Collections.unmodifiableMap(others);

        int largest = 0;
        if (wasm.memorySection().isPresent()) {
            var memories = wasm.memorySection().get();
            for (int i = 0; i < memories.memoryCount(); i++) {
                largest = Math.max(largest, memories.getMemory(i).limits().initialPages());
            }
        }
        this.largestInitialPages = largest;

        FunctionExport dealloc = fns.get("dealloc");
        this.hasDealloc = dealloc != null && dealloc.matches(DEALLOC_PARAMS, List.of());
        this.hasInitialize = fns.containsKey(INITIALIZE);
    }

    public String label() {
        return label;
    }

    public boolean exportsFunction(String name) {
        return functionExports.containsKey(name);
    }

    /** Names of all exported functions, in export order (e.g. to discover {@code __interstice_reducer_wrapper_*}). */
    public Set<String> exportedFunctions() {
        return functionExports.keySet();
    }

    /**
     * Checks that {@code name} is an exported function with exactly this signature.
     *
     * @throws ModuleLoadException naming the module, the export, the expected and the actual signature
     */
    public void requireFunction(String name, List<WasmType> params, List<WasmType> results) {
        Objects.requireNonNull(name, "name");
        String expected = WasmType.signature(params, results);
        FunctionExport f = functionExports.get(name);
        if (f == null) {
            ExternalType other = otherExports.get(name);
            if (other != null) {
                throw new ModuleLoadException(
                        label, "export '" + name + "' is a " + kindName(other) + ", expected a function " + expected);
            }
            throw new ModuleLoadException(label, "does not export function '" + name + "' (expected " + expected + ")");
        }
        if (!f.matches(params, results)) {
            throw new ModuleLoadException(
                    label, "export '" + name + "' has signature " + f.signature() + ", expected " + expected);
        }
    }

    /**
     * Creates an instance bound to {@code host}, then runs the start function and {@code _initialize}
     * (if present) under the engine's call deadline.
     *
     * @throws ModuleLoadException if the module imports something this node does not provide, or declares
     *     more initial memory than the engine's cap
     * @throws GuestTrapException if the start function or {@code _initialize} fails
     */
    public GuestInstance instantiate(HostFunctions host) {
        Objects.requireNonNull(host, "host");
        engine.checkOpen();
        if (linkError != null) {
            throw new ModuleLoadException(label, linkError);
        }
        int capPages = engine.capPages();
        if (largestInitialPages > capPages) {
            throw new ModuleLoadException(
                    label,
                    "declares an initial memory of " + largestInitialPages + " pages ("
                            + (long) largestInitialPages * Memory.PAGE_SIZE + " bytes), above this node's cap of "
                            + capPages + " pages (" + engine.config().maxMemoryBytes() + " bytes)");
        }
        GuestInstance g = new GuestInstance(this, host, engine.budgetNanos());
        ImportFunction[] fns = new ImportFunction[imports.length];
        for (int i = 0; i < imports.length; i++) {
            HostImport h = imports[i];
            fns[i] = new HostFunction(h.module, h.field, h.chicoryType, g.handle(h));
        }
        Instance instance;
        try {
            instance = Instance.builder(wasm)
                    .withImportValues(ImportValues.builder().addFunction(fns).build())
                    .withMachineFactory(machineFactory)
                    .withMemoryFactory(limits -> g.newMemory(limits, capPages))
                    .withInitialize(false) // run under our deadline guard, once the GuestInstance is wired
                    .withStart(false) // _start is a WASI command's main, not an initializer
                    .build();
        } catch (ChicoryException e) {
            throw new ModuleLoadException(label, "cannot be instantiated: " + e.getMessage(), e);
        }
        g.initialize(instance, hasInitialize);
        return g;
    }

    // ---- for GuestInstance ----

    FunctionExport functionExport(String name) {
        FunctionExport f = functionExports.get(name);
        if (f == null) {
            ExternalType other = otherExports.get(name);
            throw new IllegalArgumentException("module '" + label + "': "
                    + (other == null
                            ? "no exported function '" + name + "'"
                            : "export '" + name + "' is a " + kindName(other) + ", not a function"));
        }
        return f;
    }

    void requireAlloc() {
        requireFunction("alloc", ALLOC_PARAMS, ALLOC_RESULTS);
    }

    boolean hasDealloc() {
        return hasDealloc;
    }

    void requireInitializeSignature() {
        requireFunction(INITIALIZE, List.of(), List.of());
    }

    // ---- helpers ----

    private static boolean sameTypes(List<ValType> actual, List<WasmType> expected) {
        if (actual.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < actual.size(); i++) {
            if (WasmType.of(actual.get(i)) != expected.get(i)) {
                return false;
            }
        }
        return true;
    }

    static String render(List<ValType> types) {
        return types.stream().map(CompiledModule::typeName).collect(Collectors.joining(", ", "(", ")"));
    }

    private static String typeName(ValType t) {
        WasmType w = WasmType.of(t);
        return w != null ? w.watName() : t.toString().toLowerCase(Locale.ROOT);
    }

    private static String kindName(ExternalType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
