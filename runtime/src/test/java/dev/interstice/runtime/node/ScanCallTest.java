package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.codec.Responses;
import dev.interstice.abi.codec.ScanCodec;
import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.host.ScanCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code interstice_scan} at the ABI level (docs/abi.md §4.2), from a hand-written module. */
class ScanCallTest {
    TestNode t;

    /** Sends the blob {@code name} through interstice_scan and logs the answer as hex. */
    private static String scan(String name) {
        return "(call $log_packed (call $scan (i32.const ${" + name + "}) (i32.const ${" + name + ".len})))";
    }

    @BeforeEach
    void open() {
        var table = ModuleFixture.simpleTable(
                "t",
                false,
                Persistence.EPHEMERAL,
                Visibility.PUBLIC,
                List.of(new FieldDef("kind", IntersticeType.U64)),
                List.of(new IndexSchema("kind", IndexSchema.Type.HASH, false, false)));
        var tables = List.of("t");
        t = new TestNode();
        t.node.load(ModuleFixture.module("m")
                .importScan()
                .table(table)
                .blob("row", Abi.encodeRow(new Row(u64(5), List.of(u64(1)))))
                .blob("open", ScanCodec.encode(new ScanCall.Open(Selection.CURRENT, "t", null)))
                .blob("next1", ScanCodec.encode(new ScanCall.Next(1, 10)))
                .blob("next7", ScanCodec.encode(new ScanCall.Next(7, 10)))
                .blob(
                        "hashRange",
                        ScanCodec.encode(new ScanCall.Open(
                                Selection.CURRENT,
                                "t",
                                new ScanCall.IndexScan("kind", List.of(), new IndexQuery.Gt(new IndexKey(u64(0)))))))
                .blob("junk", new byte[] {7})
                .reducer(
                        "read",
                        List.of(),
                        tables,
                        "(drop (call $insert_row (i32.const ${t:t}) (i32.const ${t:t.len}) (i32.const ${row})"
                                + " (i32.const ${row.len}) (i32.const ${resp}) (i32.const 4096)))"
                                + scan("open") + scan("next1") + scan("next1"))
                .reducer("open_only", List.of(), tables, scan("open"))
                .reducer("next_only", List.of(), tables, scan("next1") + scan("next7"))
                .reducer("hash_range", List.of(), tables, scan("hashRange"))
                .reducer("junk", List.of(), tables, scan("junk"))
                .build());
    }

    @AfterEach
    void close() {
        t.close();
    }

    private List<byte[]> hex() {
        return t.hexLogsOf("m");
    }

    @Test
    void aCursorReadsTheTransactionsOwnWritesThenEnds() {
        t.node.call("m", "read", List.of());
        var w = new PostcardWriter();
        ScanCodec.page(w, List.of(Abi.encodeRow(new Row(u64(5), List.of(u64(1))))), true);
        assertThat(hex())
                .containsExactly(
                        ScanCodec.opened(1),
                        w.toByteArray(),
                        Responses.err("no open scan cursor 1")); // closed once it reached its end
    }

    @Test
    void aCursorEndsWithTheCallThatOpenedIt() {
        t.node.call("m", "open_only", List.of());
        t.node.call("m", "next_only", List.of());
        assertThat(hex())
                .containsExactly(
                        ScanCodec.opened(1),
                        Responses.err("no open scan cursor 1"),
                        Responses.err("no open scan cursor 7"));
    }

    @Test
    void refusalsAnswerErrAndMalformedCallsTrap() {
        t.node.call("m", "hash_range", List.of());
        assertThat(new String(hex().getFirst(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("a hash index supports only equality lookups");
        assertThatThrownBy(() -> t.node.call("m", "junk", List.of()))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("malformed scan call");
    }
}
