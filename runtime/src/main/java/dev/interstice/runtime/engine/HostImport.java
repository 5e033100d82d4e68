package dev.interstice.runtime.engine;

import static dev.interstice.runtime.engine.WasmType.I32;
import static dev.interstice.runtime.engine.WasmType.I64;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The functions this node offers to guests: the Interstice ABI (version 6), AssemblyScript's env.abort and our
 * extensions {@code interstice_scan}, {@code interstice_store}, {@code interstice_children} and
 * {@code interstice_history}.
 */
enum HostImport {
    HOST_CALL("interstice", "interstice_host_call", List.of(I32, I32), List.of(I64)),
    LOG("interstice", "interstice_log", List.of(I32, I32), List.of()),
    TIME("interstice", "interstice_time", List.of(), List.of(I64)),
    RANDOM("interstice", "interstice_random", List.of(), List.of(I64)),
    INSERT_ROW("interstice", "interstice_insert_row", List.of(I32, I32, I32, I32, I32, I32), List.of(I32)),
    UPDATE_ROW("interstice", "interstice_update_row", List.of(I32, I32, I32, I32), List.of(I32)),
    DELETE_ROW("interstice", "interstice_delete_row", List.of(I32, I32, I32, I32), List.of(I32)),
    CLEAR_TABLE("interstice", "interstice_clear_table", List.of(I32, I32), List.of(I32)),
    GET_BY_PK("interstice", "interstice_get_by_pk", List.of(I32, I32, I32, I32, I32, I32), List.of(I32)),
    ABORT("env", "abort", List.of(I32, I32, I32, I32), List.of()),
    /** Our extension of ABI 6 (docs/abi.md §4.2): scans through cursors. Upstream's modules never import it. */
    SCAN("interstice", "interstice_scan", List.of(I32, I32), List.of(I64)),
    /** Our extension (docs/abi.md §4.4): the content store. Upstream's modules never import it. */
    STORE("interstice", "interstice_store", List.of(I32, I32), List.of(I64)),
    /** Our extension (docs/abi.md §4.5): child modules and their grants. Upstream's modules never import it. */
    CHILDREN("interstice", "interstice_children", List.of(I32, I32), List.of(I64)),
    /** Our extension (docs/abi.md §4.6): past reads and branches. Upstream's modules never import it. */
    HISTORY("interstice", "interstice_history", List.of(I32, I32), List.of(I64));

    // Constants for the dispatch switch: a switch over the enum itself would add a lookup table load.
    static final int OP_HOST_CALL = 0;
    static final int OP_LOG = 1;
    static final int OP_TIME = 2;
    static final int OP_RANDOM = 3;
    static final int OP_INSERT_ROW = 4;
    static final int OP_UPDATE_ROW = 5;
    static final int OP_DELETE_ROW = 6;
    static final int OP_CLEAR_TABLE = 7;
    static final int OP_GET_BY_PK = 8;
    static final int OP_ABORT = 9;
    static final int OP_SCAN = 10;
    static final int OP_STORE = 11;
    static final int OP_CHILDREN = 12;
    static final int OP_HISTORY = 13;

    final String module;
    final String field;
    final List<WasmType> params;
    final List<WasmType> results;
    final FunctionType chicoryType;

    HostImport(String module, String field, List<WasmType> params, List<WasmType> results) {
        this.module = module;
        this.field = field;
        this.params = params;
        this.results = results;
        this.chicoryType = FunctionType.of(toChicory(params), toChicory(results));
    }

    String qualifiedName() {
        return module + "." + field;
    }

    String signature() {
        return WasmType.signature(params, results);
    }

    static HostImport find(String module, String field) {
        for (HostImport h : values()) {
            if (h.module.equals(module) && h.field.equals(field)) {
                return h;
            }
        }
        return null;
    }

    /** For error messages: everything a guest may import. */
    static String offered() {
        return Arrays.stream(values()).map(HostImport::qualifiedName).collect(Collectors.joining(", "));
    }

    private static List<ValType> toChicory(List<WasmType> types) {
        return types.stream()
                .map(t -> switch (t) {
                    case I32 -> ValType.I32;
                    case I64 -> ValType.I64;
                    case F32 -> ValType.F32;
                    case F64 -> ValType.F64;
                })
                .toList();
    }

    static {
        HostImport[] byOp = {
            HOST_CALL,
            LOG,
            TIME,
            RANDOM,
            INSERT_ROW,
            UPDATE_ROW,
            DELETE_ROW,
            CLEAR_TABLE,
            GET_BY_PK,
            ABORT,
            SCAN,
            STORE,
            CHILDREN,
            HISTORY
        };
        int[] ops = {
            OP_HOST_CALL,
            OP_LOG,
            OP_TIME,
            OP_RANDOM,
            OP_INSERT_ROW,
            OP_UPDATE_ROW,
            OP_DELETE_ROW,
            OP_CLEAR_TABLE,
            OP_GET_BY_PK,
            OP_ABORT,
            OP_SCAN,
            OP_STORE,
            OP_CHILDREN,
            OP_HISTORY
        };
        for (int i = 0; i < ops.length; i++) {
            if (byOp[i].ordinal() != ops[i]) {
                throw new AssertionError("OP_ constant of " + byOp[i] + " is out of date");
            }
        }
    }
}
