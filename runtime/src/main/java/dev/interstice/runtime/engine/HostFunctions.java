package dev.interstice.runtime.engine;

/**
 * The host side of the {@code interstice} import module (ABI version 6), bound to one instance at
 * {@link CompiledModule#instantiate(HostFunctions)}. A module imports only the functions it uses.
 * Every {@code int} parameter is a guest pointer or length; read and write guest memory through the
 * {@link GuestInstance} passed in.
 *
 * <p>These methods run on the guest's thread while the call deadline is running. A RuntimeException
 * thrown here reaches the caller of {@link GuestInstance.Export#call} unchanged (the instance is
 * marked broken). If the deadline passes while a host function runs, the deadline watchdog interrupts
 * the thread: blocking or interruptible-channel I/O done here may then fail, so hand such work to
 * another thread rather than do it inline.
 */
public interface HostFunctions {

    /** {@code interstice_host_call(ptr: i32, len: i32) -> i64}. */
    long hostCall(GuestInstance g, int ptr, int len);

    /** {@code interstice_log(ptr: i32, len: i32)}. */
    void log(GuestInstance g, int ptr, int len);

    /** {@code interstice_time() -> i64}. */
    long time(GuestInstance g);

    /** {@code interstice_random() -> i64}. */
    long random(GuestInstance g);

    /** {@code interstice_insert_row(table_ptr, table_len, row_ptr, row_len, resp_ptr, resp_cap: i32) -> i32}. */
    int insertRow(GuestInstance g, int tablePtr, int tableLen, int rowPtr, int rowLen, int respPtr, int respCap);

    /** {@code interstice_update_row(table_ptr, table_len, row_ptr, row_len: i32) -> i32}. */
    int updateRow(GuestInstance g, int tablePtr, int tableLen, int rowPtr, int rowLen);

    /** {@code interstice_delete_row(table_ptr, table_len, pk_ptr, pk_len: i32) -> i32}. */
    int deleteRow(GuestInstance g, int tablePtr, int tableLen, int pkPtr, int pkLen);

    /** {@code interstice_clear_table(table_ptr, table_len: i32) -> i32}. */
    int clearTable(GuestInstance g, int tablePtr, int tableLen);

    /** {@code interstice_get_by_pk(table_ptr, table_len, pk_ptr, pk_len, resp_ptr, resp_cap: i32) -> i32}. */
    int getByPk(GuestInstance g, int tablePtr, int tableLen, int pkPtr, int pkLen, int respPtr, int respCap);

    /**
     * {@code interstice_scan(ptr: i32, len: i32) -> i64}: our extension (docs/abi.md §4.2), answered like
     * {@code interstice_host_call}. Hosts that do not serve it refuse it.
     */
    default long scan(GuestInstance g, int ptr, int len) {
        throw new IllegalStateException("interstice_scan is not available here");
    }

    /**
     * {@code interstice_store(ptr: i32, len: i32) -> i64}: our extension (docs/abi.md §4.4), the content store,
     * answered like {@code interstice_host_call}. Hosts that do not serve it refuse it.
     */
    default long store(GuestInstance g, int ptr, int len) {
        throw new IllegalStateException("interstice_store is not available here");
    }

    /**
     * {@code interstice_children(ptr: i32, len: i32) -> i64}: our extension (docs/abi.md §4.5), child modules and
     * their grants, answered like {@code interstice_host_call}. Hosts that do not serve it refuse it.
     */
    default long children(GuestInstance g, int ptr, int len) {
        throw new IllegalStateException("interstice_children is not available here");
    }

    /**
     * {@code interstice_history(ptr: i32, len: i32) -> i64}: our extension (docs/abi.md §4.6), past reads and branches,
     * answered like {@link #store}.
     */
    default long history(GuestInstance g, int ptr, int len) {
        throw new IllegalStateException("interstice_history is not available here");
    }
}
