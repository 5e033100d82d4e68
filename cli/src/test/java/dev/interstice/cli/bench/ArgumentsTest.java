package dev.interstice.cli.bench;

import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.i64;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    private static final TemplateContext CTX =
            new TemplateContext(7, 2, 99, "run-2", 1_700_000_000_000L, 7, "run-2", 99);

    private static List<FieldDef> params(Object... nameType) {
        var out = new java.util.ArrayList<FieldDef>();
        for (int i = 0; i < nameType.length; i += 2)
            out.add(new FieldDef((String) nameType[i], (IntersticeType) nameType[i + 1]));
        return out;
    }

    @Test
    void placeholdersAreTypedByTheReducerParameters() {
        var p = params(
                "client_id",
                IntersticeType.STRING,
                "seq",
                IntersticeType.U64,
                "payload_bytes",
                IntersticeType.U64,
                "track_progress",
                IntersticeType.BOOL);
        var t = ArgTemplate.parse("[\"$client\", \"$seq\", 64, true]", p, Map.of());
        assertThat(t.next(CTX)).containsExactly(str("run-2"), u64(7), u64(64), bool(true));
        var t2 = ArgTemplate.parse("[\"k-$worker-$seq\", \"$op\", \"$total_sent\", false]", p, Map.of());
        assertThat(t2.next(CTX)).containsExactly(str("k-2-7"), u64(99), u64(99), bool(false));
    }

    @Test
    void numbersAreConvertedAndRangeChecked() {
        var p = params(
                "a",
                IntersticeType.U32,
                "b",
                IntersticeType.I64,
                "c",
                IntersticeType.U8,
                "d",
                IntersticeType.F64,
                "e",
                new IntersticeType.Option(IntersticeType.I32),
                "f",
                new IntersticeType.Option(IntersticeType.STRING));
        assertThat(ArgTemplate.parse("[\"$worker\", -5, \"200\", 1.5, null, \"x\"]", p, Map.of())
                        .next(CTX))
                .containsExactly(
                        u32(2),
                        i64(-5),
                        IntersticeValue.u8(200),
                        IntersticeValue.f64(1.5),
                        IntersticeValue.none(),
                        IntersticeValue.some(str("x")));
        assertThat(ArgTemplate.parse("[1, 2, 3, 4, 5, null]", p, Map.of())
                        .next(CTX)
                        .get(4))
                .isEqualTo(IntersticeValue.some(IntersticeValue.i32(5)));
        assertThatThrownBy(() -> ArgTemplate.parse("[-1, 0, 0, 0, null, null]", p, Map.of()))
                .hasMessageContaining("'a'")
                .hasMessageContaining("u32");
        assertThatThrownBy(() -> ArgTemplate.parse("[1, 0, 256, 0, null, null]", p, Map.of()))
                .hasMessageContaining("u8");
        assertThatThrownBy(() -> ArgTemplate.parse("[1, 2]", p, Map.of())).hasMessageContaining("takes 6");
        assertThatThrownBy(() -> ArgTemplate.parse("[1, 2", p, Map.of())).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ArgTemplate.parse("[\"$client\", 0, 0, 0, null, null]", p, Map.of()))
                .hasMessageContaining("'a'");
    }

    @Test
    void structsEnumsVecsAndTuples() {
        var types = Map.<String, TypeDef>of(
                "Point", new TypeDef.Struct("Point", params("x", IntersticeType.I32, "y", IntersticeType.I32)),
                "Shape",
                        new TypeDef.Enum(
                                "Shape",
                                params("Empty", IntersticeType.VOID, "At", new IntersticeType.Named("Point"))));
        var p = params(
                "p",
                new IntersticeType.Named("Point"),
                "s",
                new IntersticeType.Named("Shape"),
                "s2",
                new IntersticeType.Named("Shape"),
                "v",
                new IntersticeType.Vec(IntersticeType.U64),
                "t",
                new IntersticeType.Tuple(List.of(IntersticeType.U8, IntersticeType.STRING)));
        var t = ArgTemplate.parse(
                "[{\"x\": \"$seq\", \"y\": -1}, \"Empty\", {\"At\": {\"x\": 1, \"y\": 2}}, [1, \"$seq\"], [3, \"$client\"]]",
                p,
                types);
        var point = new IntersticeValue.Struct(
                "Point",
                List.of(
                        new IntersticeValue.Field("x", IntersticeValue.i32(7)),
                        new IntersticeValue.Field("y", IntersticeValue.i32(-1))));
        var at = new IntersticeValue.Struct(
                "Point",
                List.of(
                        new IntersticeValue.Field("x", IntersticeValue.i32(1)),
                        new IntersticeValue.Field("y", IntersticeValue.i32(2))));
        assertThat(t.next(CTX))
                .containsExactly(
                        point,
                        new IntersticeValue.Enum("Shape", "Empty", IntersticeValue.VOID),
                        new IntersticeValue.Enum("Shape", "At", at),
                        IntersticeValue.vec(u64(1), u64(7)),
                        IntersticeValue.tuple(IntersticeValue.u8(3), str("run-2")));
        assertThatThrownBy(() -> ArgTemplate.parse("[{\"x\": 1}, \"Empty\", \"Empty\", [], [1, \"a\"]]", p, types))
                .hasMessageContaining("needs field 'y'");
        assertThatThrownBy(() ->
                        ArgTemplate.parse("[{\"x\": 1, \"y\": 1}, \"Nope\", \"Empty\", [], [1, \"a\"]]", p, types))
                .hasMessageContaining("no variant 'Nope'");
    }

    @Test
    void untypedTemplatesFollowUpstream() {
        var t = ArgTemplate.parse("[\"$client\", \"$seq\", 64, -3, 1.5, true, null, [1], {\"a\": 1}]", null, null);
        assertThat(t.next(CTX))
                .containsExactly(
                        str("run-2"),
                        u64(7),
                        u64(64),
                        i64(-3),
                        IntersticeValue.f64(1.5),
                        bool(true),
                        IntersticeValue.VOID,
                        IntersticeValue.vec(u64(1)),
                        new IntersticeValue.Struct("JsonObject", List.of(new IntersticeValue.Field("a", u64(1)))));
        assertThat(ArgTemplate.parse("\"$now_ms\"", null, null).next(CTX)).containsExactly(u64(1_700_000_000_000L));
        assertThat(ArgTemplate.substitute("$max_seq/$seq/$max_client/$client", CTX))
                .isEqualTo("7/7/run-2/run-2");
    }

    @Test
    void zipfFollowsItsLaw() {
        var z = new Zipf(100_000, 1.5);
        double h = 0;
        for (int k = 1; k <= 100_000; k++) h += Math.pow(k, -1.5);
        assertThat(z.probability(0)).isCloseTo(1 / h, within(1e-12));
        assertThat(z.probability(1) / z.probability(0)).isCloseTo(Math.pow(2, -1.5), within(1e-9));
        var r = new SplittableRandom(1);
        int n = 400_000;
        int[] counts = new int[4];
        int tail = 0;
        for (int i = 0; i < n; i++) {
            int k = z.sample(r);
            assertThat(k).isBetween(0, 99_999);
            if (k < 4) counts[k]++;
            if (k >= 1000) tail++;
        }
        for (int k = 0; k < 4; k++) assertThat(counts[k] / (double) n).isCloseTo(z.probability(k), within(0.005));
        double expectedTail = 0;
        for (int k = 1000; k < 100_000; k++) expectedTail += z.probability(k);
        assertThat(tail / (double) n).isCloseTo(expectedTail, within(0.005));
    }

    @Test
    void transferArgumentsNeverPickTheSameAccountTwice() {
        for (var args : List.of(
                TransferArgs.uniform(100_000, 100, 1),
                TransferArgs.zipf(100_000, 1.5, 100, 1),
                TransferArgs.zipf(2, 1.5, 1, 1))) {
            var r = new SplittableRandom(3);
            for (int i = 0; i < 50_000; i++) {
                long[] d = args.draw3(r);
                assertThat(d[0]).isNotEqualTo(d[1]);
                assertThat(d[0]).isBetween(0L, 99_999L);
                assertThat(d[1]).isBetween(0L, 99_999L);
                assertThat(d[2]).isBetween(1L, 100L);
            }
            var v = args.next(CTX);
            assertThat(v).hasSize(3);
            assertThat(v.get(0)).isInstanceOf(IntersticeValue.U32.class);
            assertThat(v.get(2)).isInstanceOf(IntersticeValue.I64.class);
        }
    }
}
