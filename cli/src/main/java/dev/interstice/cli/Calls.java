package dev.interstice.cli;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.console.ValueJson;
import java.util.ArrayList;
import java.util.List;

/** Looking up what a command names in a node's schema, and typing command-line arguments by it. */
final class Calls {
    private Calls() {}

    static ModuleSchema module(Cli.Target t, String module) {
        var schema = t.client().schema(t.client().isAdmin() || t.client().tokenId() != null);
        for (ModuleSchema m : schema.modules()) if (m.name().equals(module)) return m;
        throw new CliException(t.label() + " has no module '" + module + "'"
                + (t.client().isAdmin() ? "" : " visible to you") + "; its modules: "
                + SchemaToml.names(
                        schema.modules().stream().map(ModuleSchema::name).toList()));
    }

    static TableSchema table(Cli.Target t, ModuleSchema m, String table) {
        return m.table(table)
                .orElseThrow(() -> new CliException("module '" + m.name() + "' on " + t.label() + " has no table '"
                        + table + "'"
                        + (t.client().isAdmin() ? "" : " visible to you") + "; its tables: "
                        + SchemaToml.names(
                                m.tables().stream().map(TableSchema::name).toList())));
    }

    /** Types every argument by its parameter before anything is sent. */
    static List<IntersticeValue> arguments(ModuleSchema m, String what, List<FieldDef> params, List<String> texts) {
        if (texts.size() != params.size())
            throw CliException.usage(
                    what + " takes " + params.size() + " argument(s) " + signature(params) + ", got " + texts.size());
        var json = new ValueJson(m.typeDefinitions());
        var out = new ArrayList<IntersticeValue>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            FieldDef p = params.get(i);
            try {
                out.add(json.parseArgument(texts.get(i), p.type()));
            } catch (ValueJson.TypeMismatch e) {
                throw CliException.usage("argument " + (i + 1) + " '" + p.name() + "' of " + what + " (" + p.type()
                        + "): " + e.getMessage() + "; nothing was sent");
            }
        }
        return out;
    }

    static String signature(List<FieldDef> params) {
        var parts = new ArrayList<String>();
        for (FieldDef p : params) parts.add(p.name() + ": " + p.type());
        return "(" + String.join(", ", parts) + ")";
    }
}
