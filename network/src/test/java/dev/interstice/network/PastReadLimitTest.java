package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.interstice.runtime.IntersticeException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node rebuilds one table's past at a time: a second request meanwhile is told to come back, not queued. */
@Timeout(60)
class PastReadLimitTest {
    @Test
    void aSecondPastReadWhileOneRunsIsRefusedAsUnavailable() throws Exception {
        try (var bank = new NetNode("bank-node")) {
            bank.t.node.load(ReplicaFixtures.bank());
            bank.t.node.call("bank", "record", List.of());
            try (var client = bank.client()) {
                bank.server.pastReads().acquire(); // another request's rebuild is running
                try {
                    assertThatThrownBy(() -> client.rowsAsOf("bank", "ledger", 1, 0))
                            .isInstanceOf(NetworkException.class)
                            .hasMessageContaining("rebuilding a table's past for another request")
                            .satisfies(e -> assertThat(((NetworkException) e).kind())
                                    .isEqualTo(IntersticeException.Kind.UNAVAILABLE));
                } finally {
                    bank.server.pastReads().release();
                }
                Throwable after = catchThrowable(() -> client.rowsAsOf("bank", "ledger", 1, 0));
                assertThat(String.valueOf(after)).doesNotContain("another request");
                assertThat(bank.server.pastReads().availablePermits()).isEqualTo(1); // released on every path
            }
        }
    }
}
