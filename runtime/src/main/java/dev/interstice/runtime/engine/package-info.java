/**
 * WebAssembly engine adapter: runs sandboxed guest modules with Chicory's runtime compiler behind a small API
 * ({@link dev.interstice.runtime.engine.WasmEngine}, {@link dev.interstice.runtime.engine.CompiledModule},
 * {@link dev.interstice.runtime.engine.GuestInstance}) so the rest of the runtime never sees Chicory types.
 *
 * <p>Limits. Every guest entry runs under the engine's call deadline, measured from the outermost guest entry on
 * the thread (nested calls between instances share it). A watchdog thread checks every 5 ms and interrupts
 * overdue threads; compiled guest code notices at its next backward branch or indirect call, and the interrupt
 * is cleared before the outermost entry returns. Linear memory is capped by clamping each memory's maximum, so
 * {@code memory.grow} past the cap returns -1 to the guest.
 *
 * <p>Failures. Guest failures surface as {@link dev.interstice.runtime.engine.GuestTrapException} (kind TRAP,
 * DEADLINE, STACK_EXHAUSTED, MEMORY_LIMIT or ABORT) and break the instance; exceptions thrown by host functions
 * pass through unchanged (and break it too); load and link problems are
 * {@link dev.interstice.runtime.engine.ModuleLoadException}s whose message starts with {@code module '<label>': }.
 */
package dev.interstice.runtime.engine;
