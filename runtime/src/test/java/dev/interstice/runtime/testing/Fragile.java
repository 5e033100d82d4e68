package dev.interstice.runtime.testing;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Module "fragile": guests that fail as the SDKs make them fail, logging {@code Panic Error: <text>} and then trapping.
 * Reducer {@code save(title)} as the AssemblyScript SDK's abort does (text with its location), query {@code check} as
 * Rust's panic hook does (text only), reducer {@code shout} with a long text full of control characters, reducer
 * {@code calm} logs a panic line and returns, {@code trap} traps without a word.
 */
public final class Fragile {
    /** What {@code save} aborts with, as the AssemblyScript SDK logs it. */
    public static final String SAVE_PANIC = "title must not be empty (assembly/index.ts:12:5)";
    /** What {@code check} panics with, as Rust's panic hook logs it. */
    public static final String CHECK_PANIC = "called `Option::unwrap()` on a `None` value";
    /** What {@code save} says in an error: the message quoted, the location after it. */
    public static final String SAVE_ERROR = "aborted: \"title must not be empty\" (assembly/index.ts:12:5)";
    /** What {@code check} says in an error. */
    public static final String CHECK_ERROR = "aborted: \"called `Option::unwrap()` on a `None` value\"";
    /** The length of {@code shout}'s text. */
    public static final int SHOUT_CHARS = 5000;

    private Fragile() {}

    public static ModuleFixture module() {
        return ModuleFixture.module("fragile")
                .blob("save", bytes("Panic Error: " + SAVE_PANIC))
                .blob("check", bytes("Panic Error: " + CHECK_PANIC))
                .blob("shout", bytes("Panic Error: \u001b[2J\"quoted\"\n" + "x".repeat(SHOUT_CHARS)))
                .blob("calm", bytes("Panic Error: only a log line"))
                .reducer("save", List.of(new FieldDef("title", IntersticeType.STRING)), List.of(), logThenTrap("save"))
                .query("check", List.of(), IntersticeType.U64, List.of(), logThenTrap("check"))
                .reducer("shout", List.of(), List.of(), logThenTrap("shout"))
                .reducer("calm", List.of(), List.of(), "(call $log (i32.const ${calm}) (i32.const ${calm.len}))")
                .reducer("trap", List.of(), List.of(), "unreachable");
    }

    private static String logThenTrap(String blob) {
        return "(call $log (i32.const ${" + blob + "}) (i32.const ${" + blob + ".len})) unreachable";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
