package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Failed admin and token proofs from one address: past the limit, that address's proofs are refused unchecked. */
@Timeout(60)
class ProofThrottleTest {

    @Test
    void anAddressThatFailedTooOftenIsRefusedUncheckedForTheBackOffOthersAreNot() throws Exception {
        var logger = (Logger) LoggerFactory.getLogger(ProofThrottle.class);
        var log = new ListAppender<ILoggingEvent>();
        log.start();
        logger.addAppender(log);
        try (var n = new NetNode(
                "guarded",
                NodeConfig.inMemory(),
                0,
                c -> c.withProofFailures(3, Duration.ofMinutes(1), Duration.ofSeconds(2)))) {
            Message.TokenCreated token;
            try (var admin = n.admin()) {
                token = admin.createToken(List.of(Grant.parse("call:*")), null);
            }
            var wrongAdmin = NodeClient.Options.client().withAdminToken(AdminToken.random());
            var wrongToken = NodeClient.Options.client()
                    .withToken(TokenCredential.of(token.token().tokenId(), "ab".repeat(32)));
            assertThatThrownBy(() -> NodeClient.connect(n.address(), wrongAdmin))
                    .hasMessageContaining("was refused");
            assertThatThrownBy(() -> NodeClient.connect(n.address(), wrongToken))
                    .hasMessageContaining("was refused");
            assertThatThrownBy(() -> NodeClient.connect(n.address(), wrongAdmin))
                    .hasMessageContaining("was refused");

            // the right credentials now: refused without being checked, saying why and for how long
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(n::admin)
                        .hasMessageContaining("too many failed authentications from 127.0.0.1 (3 within 60 s)")
                        .hasMessageContaining("try again in");
                assertThatThrownBy(() -> NodeClient.connect(
                                n.address(),
                                NodeClient.Options.client().withToken(TokenCredential.parse(token.credential()))))
                        .hasMessageContaining("too many failed authentications");
            }
            // another address is not held back
            try (var other = new RawConnection("127.0.0.2", n.server.port())) {
                other.send(new Message.Hello(
                        MessageCodec.MAJOR, MessageCodec.MINOR, Message.Role.CLIENT, "", "", new byte[32]));
                var welcome = (Message.Welcome) other.read();
                other.send(new Message.Authenticate(1, n.token.proof(welcome.nodeId(), welcome.nonce(), new byte[32])));
                assertThat(other.read()).isEqualTo(new Message.Ok(1));
            }
            assertThat(log.list.stream()
                            .filter(e -> e.getLevel() == Level.WARN
                                    && e.getFormattedMessage().contains("failed authentications from 127.0.0.1")))
                    .hasSize(1);

            // after the back-off the right credential is checked again, and passes
            NetNode.await(
                    "the back-off to end",
                    () -> {
                        try (var admin = n.admin()) {
                            return admin.ping().isPositive();
                        } catch (NetworkException e) {
                            assertThat(e.getMessage()).contains("too many failed authentications");
                            return false;
                        }
                    },
                    Duration.ofSeconds(10));
        } finally {
            logger.detachAppender(log);
        }
    }
}
