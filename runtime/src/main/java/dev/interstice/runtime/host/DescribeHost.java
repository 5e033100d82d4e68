package dev.interstice.runtime.host;

import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.HostFunctions;
import java.util.function.BiConsumer;

/** Imports while a module describes itself: it may log and read the clock; anything else is refused. */
public final class DescribeHost implements HostFunctions {
    private final BiConsumer<String, String> log;
    private final String label;
    private final int maxLogLineBytes;

    /** {@code maxLogLineBytes}: log lines longer than that are cut. */
    public DescribeHost(String label, BiConsumer<String, String> log, int maxLogLineBytes) {
        this.label = label;
        this.log = log;
        this.maxLogLineBytes = maxLogLineBytes;
    }

    private static IllegalStateException refused(String what) {
        return new IllegalStateException(what + " is not available while a module describes itself");
    }

    @Override
    public void log(GuestInstance g, int ptr, int len) {
        log.accept(label, GuestLog.line(g, ptr, len, maxLogLineBytes));
    }

    @Override
    public long time(GuestInstance g) {
        return System.currentTimeMillis();
    }

    @Override
    public long random(GuestInstance g) {
        throw refused("interstice_random");
    }

    @Override
    public long hostCall(GuestInstance g, int ptr, int len) {
        throw refused("interstice_host_call");
    }

    @Override
    public int insertRow(GuestInstance g, int a, int b, int c, int d, int e, int f) {
        throw refused("interstice_insert_row");
    }

    @Override
    public int updateRow(GuestInstance g, int a, int b, int c, int d) {
        throw refused("interstice_update_row");
    }

    @Override
    public int deleteRow(GuestInstance g, int a, int b, int c, int d) {
        throw refused("interstice_delete_row");
    }

    @Override
    public int clearTable(GuestInstance g, int a, int b) {
        throw refused("interstice_clear_table");
    }

    @Override
    public int getByPk(GuestInstance g, int a, int b, int c, int d, int e, int f) {
        throw refused("interstice_get_by_pk");
    }
}
