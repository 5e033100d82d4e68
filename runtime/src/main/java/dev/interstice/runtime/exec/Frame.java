package dev.interstice.runtime.exec;

import dev.interstice.abi.host.CallContext;
import dev.interstice.runtime.module.Access;
import dev.interstice.runtime.module.LoadedModule;

/** One guest call on the stack of an invocation: which module runs what, with which rights. */
public record Frame(
        Invocation invocation,
        LoadedModule module,
        String function,
        String export,
        boolean readOnly,
        Access access,
        CallContext caller,
        Frame parent) {

    /** A frame running {@code c} (a reducer or query of {@code module}). */
    public Frame(
            Invocation invocation,
            LoadedModule module,
            LoadedModule.Callable<?> c,
            boolean readOnly,
            CallContext caller,
            Frame parent) {
        this(invocation, module, c.name(), c.export(), readOnly, c.access(), caller, parent);
    }

    public boolean onStack(String moduleName) {
        for (Frame f = this; f != null; f = f.parent) if (f.module.name().equals(moduleName)) return true;
        return false;
    }
}
