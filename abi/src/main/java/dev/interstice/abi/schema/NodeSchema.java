package dev.interstice.abi.schema;

import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

public record NodeSchema(String name, String address, List<ModuleSchema> modules) {
    public NodeSchema {
        modules = List.copyOf(modules);
    }

    /**
     * Only public modules, each in its public view: nothing in it names a private module or table of this node (a
     * reference to one is indistinguishable from a reference to one that is not loaded: both are left out).
     */
    public NodeSchema toPublic() {
        Predicate<String> publicModule = m -> module(m).isPresent();
        BiPredicate<String, String> publicTable = (m, t) -> module(m)
                .flatMap(x -> x.table(t))
                .filter(x -> x.visibility() == Visibility.PUBLIC)
                .isPresent();
        return new NodeSchema(
                name,
                address,
                modules.stream()
                        .filter(m -> m.visibility() == Visibility.PUBLIC)
                        .map(m -> m.toPublic(publicModule, publicTable))
                        .toList());
    }

    /** The public module of that name. */
    private Optional<ModuleSchema> module(String moduleName) {
        return modules.stream()
                .filter(m -> m.name().equals(moduleName) && m.visibility() == Visibility.PUBLIC)
                .findFirst();
    }
}
