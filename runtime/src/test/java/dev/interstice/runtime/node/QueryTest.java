package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryTest {
    static final String RETURN_ANSWER =
            "(i64.or (i64.shl (i64.const ${answer}) (i64.const 32)) (i64.const ${answer.len}))";

    static ModuleFixture oracle() {
        return ModuleFixture.module("oracle")
                .table(TransactionTest.ITEMS)
                .blob("answer", Abi.encodeValue(u64(42)))
                .blob("apple", Abi.encodeRow(TransactionTest.APPLE))
                .blob(
                        "askSelf",
                        hostCall(new HostCall.CallQuery(
                                Selection.CURRENT, Selection.other("oracle"), "answer", IntersticeValue.vec())))
                .blob(
                        "callReducer",
                        hostCall(new HostCall.CallReducer(
                                Selection.CURRENT, Selection.other("oracle"), "noop", IntersticeValue.vec())))
                .query("answer", List.of(), IntersticeType.U64, List.of(), RETURN_ANSWER)
                .query(
                        "echo_arg",
                        List.of(new FieldDef("s", IntersticeType.STRING)),
                        IntersticeType.U64,
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))" + RETURN_ANSWER)
                .query("wrong_type", List.of(), IntersticeType.STRING, List.of(), RETURN_ANSWER)
                .query(
                        "tries_to_write",
                        List.of(),
                        IntersticeType.U64,
                        List.of("items"),
                        ModuleFixture.insertAndLog("items", "apple") + RETURN_ANSWER)
                .query(
                        "calls_reducer",
                        List.of(),
                        IntersticeType.U64,
                        List.of(),
                        hostCallAndLog("callReducer") + RETURN_ANSWER)
                .reducer("noop", List.of(), List.of(), "")
                .reducer("asks", List.of(), List.of(), "");
    }

    static ModuleFixture asker() {
        return ModuleFixture.module("asker")
                .blob(
                        "ask",
                        hostCall(new HostCall.CallQuery(
                                Selection.CURRENT, Selection.other("oracle"), "answer", IntersticeValue.vec())))
                .reducer("ask", List.of(), List.of(), hostCallAndLog("ask"));
    }

    @Test
    void queriesReturnTypedValuesAndReceiveTheirArguments() {
        try (var t = new TestNode()) {
            t.node.load(oracle().build());
            assertThat(t.node.query("oracle", "answer", List.of())).isEqualTo(u64(42));
            t.node.query("oracle", "echo_arg", List.of(str("hi")));
            var input =
                    Abi.readCallInput(new PostcardReader(t.hexLogsOf("oracle").getLast()));
            assertThat(input.args()).containsExactly(str("hi"));
            assertThat(input.context().callerNodeId()).isEqualTo(t.node.id());
        }
    }

    @Test
    void queriesCannotWriteNorCallReducersAndMustReturnTheirDeclaredType() {
        try (var t = new TestNode()) {
            t.node.load(oracle().build());
            t.node.query("oracle", "tries_to_write", List.of());
            assertThat(new String(t.hexLogsOf("oracle").getLast(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("queries cannot write");
            assertThat(t.node.rows("oracle", "items")).isEmpty();
            t.node.query("oracle", "calls_reducer", List.of());
            assertThat(new String(t.hexLogsOf("oracle").getLast(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("cannot call reducers");
            assertThatThrownBy(() -> t.node.query("oracle", "wrong_type", List.of()))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("does not fit its declared type");
        }
    }

    @Test
    void reducersCallQueriesOfOtherModules() {
        try (var t = new TestNode()) {
            t.node.load(oracle().build());
            t.node.load(asker().build());
            t.node.call("asker", "ask", List.of());
            var r = new PostcardReader(t.hexLogsOf("asker").getLast());
            assertThat(r.readVarU32()).isZero();
            assertThat(Abi.readValue(r)).isEqualTo(u64(42));
        }
    }
}
