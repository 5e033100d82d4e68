package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AbiDecodeException;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.GuestMemoryException;
import dev.interstice.runtime.engine.GuestTrapException;
import dev.interstice.runtime.module.LoadedModule;
import java.util.List;

/**
 * Runs one frame's wrapper export on a pooled instance of its module: the arguments encoded as the wrapper takes
 * them, the instance's host pointed at the frame for the call, guest failures turned into {@link CallException}s.
 */
final class GuestCall {
    private GuestCall() {}

    /** Runs a reducer frame, its arguments encoded in {@code writer}. */
    static void reducer(Frame frame, List<IntersticeValue> args, PostcardWriter writer) {
        run(frame, args, false, writer);
    }

    /** Runs a query frame; its result, checked against the query's declared return type. */
    static IntersticeValue query(Frame frame, QuerySchema q, List<IntersticeValue> args, PostcardWriter writer) {
        IntersticeValue v = run(frame, args, true, writer);
        String r = frame.module().types().check(v, q.returnType());
        if (r != null)
            throw new CallException(
                    CallException.Kind.TRAP,
                    "query '" + q.name() + "' of module '" + frame.module().name()
                            + "' returned a value that does not fit its declared type: " + r);
        return v;
    }

    /** Runs one wrapper export, its arguments encoded in {@code writer}; the decoded result for queries, else null. */
    private static IntersticeValue run(Frame frame, List<IntersticeValue> args, boolean query, PostcardWriter writer) {
        LoadedModule m = frame.module();
        String export = frame.export();
        LoadedModule.Pooled p;
        try {
            p = m.acquire(); // may instantiate: a start function can trap too
        } catch (GuestTrapException e) {
            throw new CallException(
                    e.callKind(),
                    "module '" + m.name() + "' could not start an instance for " + frame.function() + ": "
                            + e.getMessage(),
                    e);
        }
        GuestInstance g = p.instance();
        FrameHost host = (FrameHost) p.host();
        Frame saved = host.frame();
        host.enter(frame);
        frame.invocation().enterFrame();
        try {
            writer.reset();
            Abi.writeCallInput(writer, frame.caller(), args);
            int len = writer.size();
            int ptr = host.scratch(g, len);
            g.write(ptr, writer.buffer(), 0, len);
            long result = g.export(export).call(ptr, len);
            return query ? readQueryResult(m, export, g, result) : null;
        } catch (GuestTrapException e) {
            throw new CallException(
                    e.callKind(),
                    (query ? "query " : "reducer ") + m.name() + "." + frame.function() + " failed: " + e.reason(),
                    e);
        } catch (GuestMemoryException e) {
            throw new CallException(
                    CallException.Kind.TRAP,
                    "module '" + m.name() + "' " + frame.function() + ": bad guest memory access: " + e.getMessage(),
                    e);
        } finally {
            frame.invocation().leaveFrame();
            host.leave(saved);
            m.release(p);
        }
    }

    private static IntersticeValue readQueryResult(LoadedModule m, String export, GuestInstance g, long packed) {
        int ptr = (int) (packed >>> 32);
        int len = (int) packed;
        if (len < 0)
            throw new CallException(
                    CallException.Kind.TRAP, "module '" + m.name() + "' " + export + " returned a negative length");
        byte[] bytes = g.read(ptr, len);
        g.dealloc(ptr, len);
        try {
            return Abi.decodeValue(bytes);
        } catch (AbiDecodeException e) {
            throw new CallException(
                    CallException.Kind.TRAP,
                    "module '" + m.name() + "' " + export + " returned bytes that do not decode: " + e.getMessage());
        }
    }
}
