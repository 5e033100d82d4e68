package dev.interstice.storage;

/**
 * Receives rows as ranges of a buffer that is only valid during the call (recovery streaming a table's rows into
 * the runtime's table without a map of them: {@link RecoveredState#forEachRow}).
 */
@FunctionalInterface
public interface RowSink {
    void row(byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen);
}
