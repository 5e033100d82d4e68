package dev.interstice.runtime.engine;

import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Numeric WebAssembly value types, so callers need not depend on the engine's own types. */
public enum WasmType {
    I32,
    I64,
    F32,
    F64;

    /** Lower-case text-format name, e.g. {@code i32}. */
    public String watName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static WasmType of(ValType t) {
        if (t.equals(ValType.I32)) {
            return I32;
        } else if (t.equals(ValType.I64)) {
            return I64;
        } else if (t.equals(ValType.F32)) {
            return F32;
        } else if (t.equals(ValType.F64)) {
            return F64;
        }
        return null;
    }

    /** Renders {@code (i32, i32) -> (i64)}. */
    static String signature(List<WasmType> params, List<WasmType> results) {
        return list(params) + " -> " + list(results);
    }

    private static String list(List<WasmType> types) {
        return types.stream().map(WasmType::watName).collect(Collectors.joining(", ", "(", ")"));
    }
}
