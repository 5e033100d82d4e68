package dev.interstice.runtime.testing;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A module holding the Network authority for tests: each {@link #call} becomes a reducer that makes that network
 * call and logs the answer as hex; its {@code on_network} handler logs "event:" then the event it got as hex.
 */
public final class NetFixture {
    private final ModuleFixture module;

    public NetFixture(String name) {
        this(name, "");
    }

    /** {@code handlerPrologue}: WAT the handler runs first (e.g. a busy loop making it slow). */
    public NetFixture(String name, String handlerPrologue) {
        module = ModuleFixture.module(name)
                .authority(Authority.NETWORK)
                .blob("evt", "event:".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .reducer(
                        "on_network",
                        List.of(),
                        List.of(),
                        handlerPrologue + "\n(call $log (i32.const ${evt}) (i32.const ${evt.len}))\n"
                                + "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe("on_network", new SubscriptionEvent.Core(SubscriptionEvent.Simple.NETWORK));
        if (!handlerPrologue.isEmpty()) module.func("(global $spin (mut i32) (i32.const 2000000))");
    }

    /** A reducer {@code reducer} that makes {@code call} and logs the answer. */
    public NetFixture call(String reducer, NetworkCall call) {
        module.blob(reducer, AuthorityCodec.encodeHostCall(call))
                .reducer(reducer, List.of(), List.of(), ModuleFixture.hostCallAndLog(reducer));
        return this;
    }

    /** A reducer that makes {@code call}, then traps (so its transaction is dropped). */
    public NetFixture callThenTrap(String reducer, NetworkCall call) {
        module.blob(reducer, AuthorityCodec.encodeHostCall(call))
                .reducer(reducer, List.of(), List.of(), ModuleFixture.hostCallAndLog(reducer) + "\nunreachable");
        return this;
    }

    public byte[] build() {
        return module.build();
    }

    /** The network events module {@code name} received so far, in order. */
    public static List<IntersticeValue.Enum> events(TestNode t, String name) {
        var out = new ArrayList<IntersticeValue.Enum>();
        List<String> lines = t.logsOf(name);
        for (int i = 0; i + 1 < lines.size(); i++)
            if (lines.get(i).equals("event:")) {
                var input = Abi.readCallInput(new PostcardReader(HexFormat.of().parseHex(lines.get(i + 1))));
                out.add((IntersticeValue.Enum) input.args().getFirst());
            }
        return out;
    }

    /** The answers (host-call responses) module {@code name} logged, in order. */
    public static List<byte[]> answers(TestNode t, String name) {
        var out = new ArrayList<byte[]>();
        List<String> lines = t.logsOf(name);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("event:")) {
                i++;
                continue;
            }
            out.add(HexFormat.of().parseHex(lines.get(i)));
        }
        return out;
    }

    /** The last answer: "ok", "handle N" or "err: message". */
    public static String lastAnswer(TestNode t, String name) {
        var r = new PostcardReader(answers(t, name).getLast());
        int tag = r.readU8();
        if (tag == 1) return "err: " + r.readString();
        return r.remaining() > 0 ? "handle " + r.readVarU64() : "ok";
    }

    /** An event's field by name. */
    public static IntersticeValue field(IntersticeValue.Enum e, String name) {
        for (var f : ((IntersticeValue.Struct) e.value()).fields()) if (f.name().equals(name)) return f.value();
        throw new AssertionError("event " + e.variant() + " has no field " + name);
    }

    /** The bytes of a {@code data} field (a Vec of U8). */
    public static byte[] data(IntersticeValue.Enum e) {
        var items = ((IntersticeValue.Vec) field(e, "data")).items();
        byte[] b = new byte[items.size()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) ((IntersticeValue.U8) items.get(i)).value();
        return b;
    }

    public static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A port free on loopback right now. */
    public static int freePort() {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
