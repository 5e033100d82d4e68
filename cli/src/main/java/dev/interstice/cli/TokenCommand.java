package dev.interstice.cli;

import dev.interstice.network.Grant;
import dev.interstice.network.wire.Message;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice token create|list|revoke <node> ...}: a node's scoped tokens (admin only). */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description =
                "Manage a node's scoped tokens: credentials allowing some actions on some modules (needs its admin token).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<node>")
        String node;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Make a token; prints its credential once (the node cannot show it again).")
    static final class Create extends Sub {
        @Option(
                names = "--allow",
                required = true,
                split = ",",
                paramLabel = "<action:module>",
                description =
                        "What it allows: action:module, module * for every module; actions call, query, rows, subscribe, publish, remove (also unload, rollback). E.g. --allow call:bank,query:bank")
        List<String> allow = new ArrayList<>();

        @Option(
                names = "--expires",
                paramLabel = "<when>",
                description =
                        "When it stops working: after a duration (30m, 12h, 7d) or at a time (2027-01-31T00:00:00Z). Default: never.")
        String expires;

        @Override
        public Integer call() {
            List<Grant> grants;
            try {
                grants = allow.stream()
                        .map(String::strip)
                        .filter(a -> !a.isEmpty())
                        .map(Grant::parse)
                        .toList();
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--allow: " + e.getMessage());
            }
            Instant until = expires == null ? null : expiry(expires, Instant.now());
            try (var t = Cli.connect(node)) {
                t.requireAdmin("creating a token");
                Message.TokenCreated c = t.client().createToken(grants, until);
                var o = out();
                o.println("created token " + c.token().tokenId() + " on " + t.label() + ": "
                        + Grant.describe(c.token().grants()) + "; "
                        + (c.token().expiresAtMs() == 0
                                ? "never expires"
                                : "expires " + time(c.token().expiresAtMs())));
                o.println("its credential, shown this once (keep it secret):");
                o.println(c.credential());
                o.println("use it with: "
                        + Cli.command("node add <name> " + t.entry().address() + " --token <credential>"));
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "List a node's tokens: id, what each allows, expiry, creation, last use (never their secrets).")
    static final class ListTokens extends Sub {
        @Override
        public Integer call() {
            try (var t = Cli.connect(node)) {
                t.requireAdmin("listing tokens");
                var tokens = t.client().listTokens();
                var o = out();
                if (tokens.isEmpty()) {
                    o.println(t.label() + " has no tokens; make one with: "
                            + Cli.command("token create " + node + " --allow call:<module>"));
                    return 0;
                }
                String format = "%-12s  %-20s  %-20s  %-20s  %s%n";
                o.printf(format, "ID", "EXPIRES", "CREATED", "LAST USED", "ALLOWS");
                for (Message.TokenInfo i : tokens)
                    o.printf(
                            format,
                            i.tokenId(),
                            i.expiresAtMs() == 0 ? "never" : time(i.expiresAtMs()),
                            time(i.createdAtMs()),
                            i.lastUsedMs() == 0 ? "not since start" : time(i.lastUsedMs()),
                            Grant.describe(i.grants()));
            }
            return 0;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revoke a token: its connections are refused from their next request and closed.")
    static final class Revoke extends Sub {
        @Parameters(index = "1", paramLabel = "<id>", description = "The token's id (tk_...), as token list shows it.")
        String id;

        @Override
        public Integer call() {
            try (var t = Cli.connect(node)) {
                t.requireAdmin("revoking a token");
                t.client().revokeToken(id);
                out().println("revoked token " + id + " on " + t.label());
            }
            return 0;
        }
    }

    /** {@code 30m}, {@code 12h}, {@code 7d}, {@code 90s} from {@code now}, or an ISO-8601 instant. */
    static Instant expiry(String text, Instant now) {
        String s = text.strip();
        var m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return now.plus(
                    switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw CliException.usage(
                    "--expires: '" + text + "' is neither a duration (30m, 12h, 7d) nor a time (2027-01-31T00:00:00Z)");
        }
    }

    private static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
