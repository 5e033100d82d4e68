package dev.interstice.runtime.exec;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.module.LoadedModule;
import java.util.List;

/** Which reducers and queries a caller may invoke, with which arguments: checked before any guest code runs. */
final class Callables {
    private Callables() {}

    /** A reducer callers may invoke with these arguments, else the reason. */
    static LoadedModule.Callable<ReducerSchema> reducer(LoadedModule m, String reducer, List<IntersticeValue> args) {
        var r = m.reducer(reducer);
        if (r == null)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "module '" + m.name() + "' has no reducer '" + reducer + "'");
        if (m.isSubscriptionHandler(reducer))
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "reducer '" + reducer + "' of module '" + m.name()
                            + "' handles a subscription and cannot be called directly");
        checkArgs(m, "reducer '" + reducer + "'", args, r.schema().arguments());
        return r;
    }

    static LoadedModule.Callable<QuerySchema> query(LoadedModule m, String query, List<IntersticeValue> args) {
        var q = m.query(query);
        if (q == null)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "module '" + m.name() + "' has no query '" + query + "'");
        checkArgs(m, "query '" + query + "'", args, q.schema().arguments());
        return q;
    }

    /** Refuses a nested call into a module already running in the caller's transaction. */
    static void refuseReentry(Frame caller, String moduleName) {
        if (caller.onStack(moduleName))
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "module '" + moduleName
                            + "' is already executing in this transaction; re-entrant calls are not allowed");
    }

    private static void checkArgs(LoadedModule m, String what, List<IntersticeValue> args, List<FieldDef> params) {
        String r = m.types().checkArguments(args, params);
        if (r != null)
            throw new CallException(CallException.Kind.BAD_ARGUMENTS, what + " of module '" + m.name() + "': " + r);
    }
}
