package dev.interstice.runtime.tx;

/**
 * A speculative transaction (docs/parallel-execution.md) did something its read set cannot validate (a scan, an
 * auto_inc insert, a nested call, the transaction's time or random numbers, an effect outside the tables): it is
 * abandoned and the call runs serially under the execution lock instead. Never seen by a guest or a caller.
 */
public final class SerialOnly extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SerialOnly(String what) {
        super(what, null, false, false); // control flow: no stack trace
    }
}
