package dev.interstice.runtime.crash;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.runtime.testing.ModuleFixture;
import java.util.List;

/**
 * The module the crash tests run: {@code put(id: u64)} inserts a row keyed {@code id} into a logged table and a
 * stateful table in one transaction. Rows are built in the guest from the argument bytes.
 */
public final class CrashWorkload {
    private CrashWorkload() {}

    static TableSchema table(String name, Persistence p) {
        return new TableSchema(
                name, name, Visibility.PUBLIC, List.of(), new FieldDef("id", IntersticeType.U64), false, List.of(), p);
    }

    public static byte[] module() {
        return ModuleFixture.module("crash")
                .table(table("logged", Persistence.LOGGED))
                .table(table("stateful", Persistence.STATEFUL))
                .blob("rowbuf", new byte[32])
                .reducer("put", List.of(new FieldDef("id", IntersticeType.U64)), List.of("logged", "stateful"), """
                        (local $p i32) (local $n i32)
                        ;; input: string node id, string caller module (lengths < 128), then Vec tag 0x0A, count 0x01, the U64 value
                        (local.set $p (i32.add (i32.add (local.get $ptr) (i32.const 1)) (i32.load8_u (local.get $ptr))))
                        (local.set $p (i32.add (i32.add (local.get $p) (i32.const 1)) (i32.load8_u (local.get $p))))
                        (local.set $p (i32.add (local.get $p) (i32.const 2)))
                        (local.set $n (i32.sub (i32.add (local.get $ptr) (local.get $len)) (local.get $p)))
                        ;; Row { primary_key: <the U64 value>, entries: [] }
                        (memory.copy (i32.const ${rowbuf}) (local.get $p) (local.get $n))
                        (i32.store8 (i32.add (i32.const ${rowbuf}) (local.get $n)) (i32.const 0))
                        (if (i32.ne (i32.load8_u (i32.const ${resp})) (i32.const 0)) (then nop))
                        (drop (call $insert_row (i32.const ${t:logged}) (i32.const ${t:logged.len}) (i32.const ${rowbuf}) (i32.add (local.get $n) (i32.const 1)) (i32.const ${resp}) (i32.const 4096)))
                        (if (i32.ne (i32.load8_u (i32.const ${resp})) (i32.const 0)) (then unreachable))
                        (drop (call $insert_row (i32.const ${t:stateful}) (i32.const ${t:stateful.len}) (i32.const ${rowbuf}) (i32.add (local.get $n) (i32.const 1)) (i32.const ${resp}) (i32.const 4096)))
                        (if (i32.ne (i32.load8_u (i32.const ${resp})) (i32.const 0)) (then unreachable))
                        """)
                .build();
    }
}
