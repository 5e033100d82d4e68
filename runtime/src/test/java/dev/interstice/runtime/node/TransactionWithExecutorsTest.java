package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every {@link TransactionTest} again on a node with two executors: speculating calls (reads by key, updates, deletes,
 * unique-index checks) and the calls that fall back to the serial path (auto_inc inserts, scans, index scans, clear)
 * behave exactly as on the serial path, guest log lines included.
 */
class TransactionWithExecutorsTest extends TransactionTest {
    @Override
    NodeConfig config() {
        return NodeConfig.inMemory().withExecutors(2);
    }

    @Test
    void speculationsCommitAndFallBack() {
        t.node.call("shop", "add_apple", List.of()); // auto_inc insert: falls back
        t.node.call("shop", "delete_0", List.of()); // a delete by key: commits as it ran
        var s = t.node.executionStats();
        assertThat(s.fallbacks()).isEqualTo(1);
        assertThat(s.committed()).isEqualTo(1);
        assertThat(t.node.rows("shop", "items")).isEmpty();
    }
}
