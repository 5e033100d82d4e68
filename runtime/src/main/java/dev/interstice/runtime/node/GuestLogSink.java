package dev.interstice.runtime.node;

import org.slf4j.LoggerFactory;

/** Where {@code interstice_log} lines go. */
@FunctionalInterface
public interface GuestLogSink {
    void log(String module, String message);

    /** Logger {@code module.<name>}, level INFO. */
    static GuestLogSink slf4j() {
        return (module, message) -> LoggerFactory.getLogger("module." + module).info(message);
    }
}
