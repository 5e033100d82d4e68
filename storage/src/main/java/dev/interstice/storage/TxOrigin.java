package dev.interstice.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * What started a committed transaction, kept in its log record so that the log can be read (and later re-run): the
 * top-level reducer and its module, why it ran ({@code trigger}: empty for a direct call, else e.g. {@code
 * "hello.greetings.insert"} for a table subscriber, {@code "schedule"}, {@code "init"}, {@code "publish"}), who called
 * it ({@code callerNode}: empty for the node itself, i.e. the runtime, a client, a local module; {@code callerModule}:
 * empty when the runtime or a client called) and its arguments as
 * encoded by the runtime (opaque bytes here, like rows).
 */
public record TxOrigin(
        String module, String reducer, String trigger, String callerNode, String callerModule, byte[] args) {
    public TxOrigin {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(reducer, "reducer");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(callerNode, "callerNode");
        Objects.requireNonNull(callerModule, "callerModule");
        Objects.requireNonNull(args, "args");
    }

    void encode(Bytes.Sink out) {
        out.string(module).string(reducer).string(trigger).string(callerNode).string(callerModule);
        out.lenBytes(args);
    }

    static TxOrigin decode(byte[] b, int off, int len) throws Bytes.FormatException {
        Bytes.Source in = new Bytes.Source(b, off, off + len);
        String module = in.string();
        String reducer = in.string();
        String trigger = in.string();
        String callerNode = in.string();
        String callerModule = in.string();
        int a = in.lenBytes();
        byte[] args = Arrays.copyOfRange(b, a, a + in.lastLen);
        if (in.hasMore()) throw new Bytes.FormatException((in.limit - in.pos) + " trailing bytes in a record's origin");
        return new TxOrigin(module, reducer, trigger, callerNode, callerModule, args);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxOrigin t
                && module.equals(t.module)
                && reducer.equals(t.reducer)
                && trigger.equals(t.trigger)
                && callerNode.equals(t.callerNode)
                && callerModule.equals(t.callerModule)
                && Arrays.equals(args, t.args);
    }

    @Override
    public int hashCode() {
        return Objects.hash(module, reducer, trigger, callerNode, callerModule) * 31 + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return "TxOrigin[" + module + "." + reducer + (trigger.isEmpty() ? "" : " (" + trigger + ")") + ", caller "
                + callerNode + "/" + callerModule + ", " + args.length + " bytes of arguments]";
    }
}
