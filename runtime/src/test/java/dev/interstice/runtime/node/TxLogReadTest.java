package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.testing.TestNode;
import dev.interstice.storage.StorageLockedException;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxOrigin;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each committed transaction's log record says what ran; the log reads back from a running or a stopped node. */
class TxLogReadTest {
    @Test
    void recordsNameTheCallItsCallerAndArgumentsAndReadBackWhenStopped(@TempDir Path dir) {
        var module = RestartTest.store().reducer("note", List.of(new FieldDef("n", IntersticeType.U32)), List.of(), "");
        List<TxLog.Entry> running;
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(module.build());
            var added = t.node.call("store", "add_all", List.of());
            t.node.call("store", "note", List.of(u32(7)));
            running = t.node.readLog(0, 100, NodeLog.filter(null, null));

            TxLog.Entry publish = running.getFirst();
            assertThat(publish.record().origin().module()).isEqualTo("store");
            assertThat(publish.record().origin().trigger()).isEqualTo("publish");

            TxLog.Entry add = running.stream()
                    .filter(e -> e.record().txId() == added.txId())
                    .findFirst()
                    .orElseThrow();
            TxOrigin o = add.record().origin();
            assertThat(List.of(o.module(), o.reducer(), o.trigger(), o.callerNode(), o.callerModule()))
                    .containsExactly("store", "add_all", "", "", ""); // the caller node is this one
            assertThat(add.record().changes().stream().map(c -> c.table()))
                    .contains(
                            new TableId("store", "logged"),
                            new TableId("store", "stateful"),
                            new TableId("__interstice", "sequences")); // the runtime's own tables are named too
            assertThat(Abi.decodeValue(o.args())).isEqualTo(new IntersticeValue.Vec(List.of()));
            // a reducer that writes nothing leaves no record: only reducers that changed something are logged
            assertThat(running.getLast().record().txId()).isEqualTo(added.txId());

            assertThat(t.node.readLog(added.txId(), 100, NodeLog.filter("store", "logged")))
                    .extracting(e -> e.record().txId())
                    .containsExactly(added.txId());
            assertThat(t.node.readLog(0, 100, NodeLog.filter("other", null))).isEmpty();
            assertThatThrownBy(() -> NodeLog.read(dir, 0, 100, r -> true))
                    .isInstanceOf(StorageLockedException.class)
                    .hasMessageContaining("is running");
        }
        assertThat(NodeLog.read(dir, 0, 100, r -> true)).isEqualTo(running);
        assertThat(NodeLog.schemas(dir).get("store").reducer("note")).isPresent();
    }
}
