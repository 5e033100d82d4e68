package dev.interstice.runtime.testing;

import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.HostFunctions;

/**
 * {@link HostFunctions} for tests: every function throws UnsupportedOperationException unless overridden.
 */
public class StubHost implements HostFunctions {

    @Override
    public long hostCall(GuestInstance g, int ptr, int len) {
        throw unexpected("interstice_host_call");
    }

    @Override
    public void log(GuestInstance g, int ptr, int len) {
        throw unexpected("interstice_log");
    }

    @Override
    public long time(GuestInstance g) {
        throw unexpected("interstice_time");
    }

    @Override
    public long random(GuestInstance g) {
        throw unexpected("interstice_random");
    }

    @Override
    public int insertRow(
            GuestInstance g, int tablePtr, int tableLen, int rowPtr, int rowLen, int respPtr, int respCap) {
        throw unexpected("interstice_insert_row");
    }

    @Override
    public int updateRow(GuestInstance g, int tablePtr, int tableLen, int rowPtr, int rowLen) {
        throw unexpected("interstice_update_row");
    }

    @Override
    public int deleteRow(GuestInstance g, int tablePtr, int tableLen, int pkPtr, int pkLen) {
        throw unexpected("interstice_delete_row");
    }

    @Override
    public int clearTable(GuestInstance g, int tablePtr, int tableLen) {
        throw unexpected("interstice_clear_table");
    }

    @Override
    public int getByPk(GuestInstance g, int tablePtr, int tableLen, int pkPtr, int pkLen, int respPtr, int respCap) {
        throw unexpected("interstice_get_by_pk");
    }

    private static UnsupportedOperationException unexpected(String name) {
        return new UnsupportedOperationException("test host does not implement " + name);
    }
}
