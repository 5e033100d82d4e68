package dev.interstice.cli.bench;

import dev.interstice.abi.value.IntersticeValue;
import java.util.List;

/** Produces the arguments of each call. Called concurrently from every connection's sender thread. */
@FunctionalInterface
public interface ArgSource {
    List<IntersticeValue> next(TemplateContext ctx);

    static ArgSource none() {
        List<IntersticeValue> empty = List.of();
        return ctx -> empty;
    }
}
