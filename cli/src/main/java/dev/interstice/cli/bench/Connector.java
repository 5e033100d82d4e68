package dev.interstice.cli.bench;

import dev.interstice.abi.schema.ModuleSchema;
import java.util.Optional;

/**
 * Opens {@link CallTarget connections} to one node: {@link InProcessConnector} for a node in this process; a network
 * client implements the same interface.
 */
public interface Connector extends AutoCloseable {

    /**
     * Opens connection number {@code index} (0-based; -1 for the driver's control connection, used for setup and
     * verification queries). {@code inflight}: the most calls the driver will keep outstanding on it at once.
     */
    CallTarget connect(int index, int inflight);

    /** The module's schema as this node describes it (used to type template arguments), if known. */
    Optional<ModuleSchema> schema(String module);

    /** The acknowledgement mode of reducer calls made through this connector ("durable" or "fast"). */
    String ackMode();

    /** A short description of the target, for reports ("in-process node, data dir ..."). */
    String describe();

    @Override
    default void close() {}
}
