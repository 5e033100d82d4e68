package dev.interstice.abi.schema;

import java.util.List;

public record NodeSchema(String name, String address, List<ModuleSchema> modules) {
    public NodeSchema { modules = List.copyOf(modules); }

    /** Only public modules, each in its public view. */
    public NodeSchema toPublic() {
        return new NodeSchema(name, address,
                modules.stream().filter(m -> m.visibility() == Visibility.PUBLIC).map(ModuleSchema::toPublic).toList());
    }
}
