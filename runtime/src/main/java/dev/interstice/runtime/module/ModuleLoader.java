package dev.interstice.runtime.module;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AbiDecodeException;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.runtime.engine.CompiledModule;
import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.GuestMemoryException;
import dev.interstice.runtime.engine.GuestTrapException;
import dev.interstice.runtime.engine.HostFunctions;
import dev.interstice.runtime.engine.ModuleLoadException;
import dev.interstice.runtime.engine.WasmEngine;
import dev.interstice.runtime.engine.WasmType;
import java.util.List;
import java.util.function.Function;

/**
 * Turns WebAssembly bytes into a {@link LoadedModule}: compile, check the ABI exports, ask the module to describe
 * itself, validate that schema, and check every reducer and query has its wrapper export. Touches no node state.
 */
public final class ModuleLoader {
    private static final List<WasmType> I32 = List.of(WasmType.I32);
    private static final List<WasmType> I32_I32 = List.of(WasmType.I32, WasmType.I32);
    private static final List<WasmType> I64 = List.of(WasmType.I64);

    private final WasmEngine engine;

    public ModuleLoader(WasmEngine engine) {
        this.engine = engine;
    }

    public LoadedModule load(
            String label, byte[] wasm, Function<LoadedModule, HostFunctions> hostFactory, HostFunctions describeHost) {
        try {
            CompiledModule code = engine.compile(label, wasm);
            code.requireFunction("alloc", I32, I32);
            code.requireFunction("interstice_describe", List.of(), I64);
            if (code.exportsFunction("dealloc")) code.requireFunction("dealloc", I32_I32, List.of());
            GuestInstance described = instantiate(label, code, describeHost);
            ModuleSchema schema = describe(label, described);
            SchemaValidator.validate(schema);
            ColumnDefaults defaults = optionalExport(
                    label,
                    code,
                    described,
                    ColumnDefaults.EXPORT,
                    ColumnDefaults.NONE,
                    b -> ColumnDefaults.decode(b, schema));
            MigrationReducers migrations = optionalExport(
                    label,
                    code,
                    described,
                    MigrationReducers.EXPORT,
                    MigrationReducers.NONE,
                    b -> MigrationReducers.decode(b, schema));
            NodeKeys nodeKeys = optionalExport(
                    label, code, described, NodeKeys.EXPORT, NodeKeys.NONE, b -> NodeKeys.decode(b, schema));
            TableViews views = optionalExport(
                    label, code, described, TableViews.EXPORT, TableViews.NONE, b -> TableViews.decode(b, schema));
            for (ReducerSchema r : schema.reducers())
                code.requireFunction(LoadedModule.REDUCER_EXPORT + r.name(), I32_I32, List.of());
            for (QuerySchema q : schema.queries())
                code.requireFunction(LoadedModule.QUERY_EXPORT + q.name(), I32_I32, I64);
            return new LoadedModule(schema, defaults, migrations, nodeKeys, views, code, wasm, hostFactory);
        } catch (ModuleLoadException e) {
            throw new ModuleException(e.getMessage(), e);
        }
    }

    private static GuestInstance instantiate(String label, CompiledModule code, HostFunctions host) {
        try {
            return code.instantiate(host);
        } catch (GuestTrapException
                | IllegalStateException e) { // a start function that traps or calls a refused import
            throw new ModuleException(
                    kindOf(e),
                    "module '" + label + "' failed while starting (start function or _initialize): " + e.getMessage(),
                    e);
        }
    }

    /**
     * One of our optional exports ({@code () -> i64}, a packed buffer) decoded, or {@code none} when the module does not
     * export it.
     */
    private static <T> T optionalExport(
            String label,
            CompiledModule code,
            GuestInstance g,
            String export,
            T none,
            java.util.function.Function<byte[], T> decode) {
        if (!code.exportsFunction(export)) return none;
        code.requireFunction(export, List.of(), I64);
        String what = "module '" + label + "': " + export;
        try {
            long packed = g.export(export).call();
            return decode.apply(g.read((int) (packed >>> 32), (int) packed));
        } catch (GuestTrapException | IllegalStateException e) {
            throw new ModuleException(kindOf(e), what + " failed: " + e.getMessage(), e);
        } catch (GuestMemoryException | AbiDecodeException | IllegalArgumentException e) {
            throw new ModuleException(what + " is invalid: " + e.getMessage(), e);
        }
    }

    private static ModuleSchema describe(String label, GuestInstance g) {
        long packed;
        try {
            packed = g.export("interstice_describe").call();
        } catch (GuestTrapException | IllegalStateException e) {
            throw new ModuleException(
                    kindOf(e), "module '" + label + "': interstice_describe failed: " + e.getMessage(), e);
        }
        int ptr = (int) (packed >>> 32);
        int len = (int) packed;
        if (len <= 0) throw new ModuleException("module '" + label + "': interstice_describe returned an empty schema");
        byte[] bytes;
        try {
            bytes = g.read(ptr, len);
        } catch (GuestMemoryException e) {
            throw new ModuleException("module '" + label
                    + "': interstice_describe returned a buffer outside its memory: " + e.getMessage());
        }
        try {
            return Abi.decodeModuleSchema(bytes);
        } catch (AbiDecodeException e) {
            throw new ModuleException(
                    "module '" + label + "': its schema (interstice_describe) does not decode as ABI 6: "
                            + e.getMessage(),
                    e);
        }
    }

    /** The module's own code failed (TRAP, DEADLINE) or it called an import it may not use while describing (INVALID). */
    private static ModuleException.Kind kindOf(RuntimeException e) {
        return e instanceof GuestTrapException g ? g.callKind() : ModuleException.Kind.INVALID;
    }
}
