package dev.interstice.cli;

import dev.interstice.cli.update.Installation;
import dev.interstice.cli.update.Release;
import dev.interstice.cli.update.ReleaseSource;
import dev.interstice.cli.update.ReleaseVersion;
import dev.interstice.cli.update.UpdateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code interstice update}: installs the newest release from a release source over an installed interstice, keeping
 * the version it replaces for {@code --rollback}. The archive's SHA-256 must match the source's latest.json; the new
 * version's own install.sh lays it out and switches to it with one rename.
 */
@Command(
        name = "update",
        mixinStandardHelpOptions = true,
        description = {
            "Update the installed interstice (CLI and node) to the newest release of a release source, or roll back.",
            "A release source is an https:// URL or a directory holding latest.json ({\"version\", \"archive\", "
                    + "\"sha256\"}) and the archive it names. The source given with --source is remembered.",
            "Nodes already running keep their version until restarted."
        })
final class UpdateCommand implements Callable<Integer> {
    /** How long the new version's install.sh (unpacking, the start-up cache) may take. */
    private static final long INSTALL_TIMEOUT_MINUTES = 10;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--source",
            paramLabel = "<url|dir>",
            description = "The release source (else the remembered one, else $INTERSTICE_RELEASES).")
    String source;

    @Option(names = "--check", description = "Only say whether a newer release is available.")
    boolean check;

    @Option(names = "--allow-downgrade", description = "Install the source's newest release even if it is older.")
    boolean allowDowngrade;

    @Option(names = "--rollback", description = "Switch back to the version the last update replaced.")
    boolean rollback;

    @Option(
            names = "--prefix",
            paramLabel = "<dir>",
            description = "The installation to update (default: the one this command runs from).")
    Path prefix;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Installation inst = prefix != null
                    ? new Installation(prefix.toAbsolutePath())
                    : Installation.ofRunningCommand()
                            .orElseThrow(() -> new CliException("this interstice runs from a checkout, not from an"
                                    + " installation: update a checkout with git pull (interstice update updates an"
                                    + " interstice installed with install.sh, or the one given with --prefix)"));
            if (rollback) return rollback(inst, out);
            return update(inst, out);
        } catch (UpdateException e) {
            throw new CliException(e.getMessage());
        }
    }

    private int rollback(Installation inst, PrintWriter out) {
        ReleaseVersion cur = inst.current();
        ReleaseVersion prev = inst.previous()
                .orElseThrow(() -> new CliException("there is no previous version under " + inst.root()
                        + " to roll back to (an update keeps the version it replaces)"));
        inst.point("current", prev);
        inst.point("previous", cur);
        out.println("rolled back from interstice " + cur + " to " + prev
                + " (interstice update --rollback again returns to " + cur + ")");
        return 0;
    }

    private int update(Installation inst, PrintWriter out) {
        ReleaseVersion cur = inst.current();
        ReleaseSource src = releaseSource(inst);
        Release latest = src.latest();
        int order = latest.version().compareTo(cur);
        if (order == 0) {
            out.println("interstice " + cur + " is the newest release at " + src);
            return 0;
        }
        if (order < 0 && !allowDowngrade)
            throw new CliException("the newest release at " + src + " is " + latest.version()
                    + ", older than the installed " + cur + "; not downgrading (give --allow-downgrade to install it"
                    + " anyway"
                    + inst.previous()
                            .map(p -> ", or --rollback to return to " + p)
                            .orElse("") + ")");
        if (check) {
            out.println((order > 0 ? "a newer release is available: " : "an older release is offered: ")
                    + latest.version() + " (installed: " + cur + "); install it with: interstice update");
            return 0;
        }
        Path stage = null;
        try {
            stage = Files.createTempDirectory(inst.root(), ".update-");
            Path archive = stage.resolve(latest.archive());
            out.println("downloading " + latest.archive() + " from " + src + "...");
            out.flush();
            src.download(latest, archive);
            Path unpacked = Files.createDirectory(stage.resolve("unpacked"));
            run(List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), "unpacking " + latest.archive());
            Path installer = unpacked.resolve("interstice-" + latest.version()).resolve("install.sh");
            if (!Files.isRegularFile(installer))
                throw new CliException(latest.archive() + " is not an interstice " + latest.version()
                        + " archive (no interstice-" + latest.version() + "/install.sh in it); nothing was installed");
            out.println(run(
                    List.of(
                            "bash",
                            installer.toString(),
                            "--prefix",
                            inst.prefix().toString()),
                    "installing " + latest.version()));
            if (!inst.current().equals(latest.version()))
                throw new CliException("the installer of " + latest.version() + " finished but " + inst.root()
                        + "/current does not point to it");
            inst.point("previous", cur);
            out.println("updated interstice " + cur + " -> " + latest.version()
                    + " (the previous version is kept: interstice update --rollback)");
            return 0;
        } catch (IOException e) {
            throw new CliException("cannot update: " + e.getMessage() + "; nothing was changed");
        } finally {
            if (stage != null) {
                try {
                    Paths.deleteTree(stage);
                } catch (IOException ignored) {
                    // a leftover .update-* directory under the root; the next update makes its own
                }
            }
        }
    }

    /** --source (remembered for next time), else the remembered one, else $INTERSTICE_RELEASES. */
    private ReleaseSource releaseSource(Installation inst) {
        Path remembered = inst.root().resolve("release-source");
        try {
            if (source != null) {
                ReleaseSource given = ReleaseSource.of(source); // a bad one is refused before it is remembered
                Files.writeString(remembered, source + "\n", StandardCharsets.UTF_8);
                return given;
            }
            if (Files.isRegularFile(remembered))
                return ReleaseSource.of(
                        Files.readString(remembered, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new CliException("cannot use " + remembered + ": " + e.getMessage());
        }
        String env = System.getenv("INTERSTICE_RELEASES");
        if (env != null && !env.isBlank()) return ReleaseSource.of(env);
        throw new CliException("no release source: give one with --source <https-url|dir> (it is remembered), or set"
                + " INTERSTICE_RELEASES");
    }

    /** Runs a command to its end; its output, or a CliException with the output's tail when it fails. */
    private static String run(List<String> command, String what) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new CliException(what + " took longer than " + INSTALL_TIMEOUT_MINUTES + " minutes; stopped");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CliException(what + " was interrupted");
        }
        if (p.exitValue() != 0)
            throw new CliException(what + " failed (exit " + p.exitValue() + "): "
                    + output.substring(Math.max(0, output.length() - 2000)));
        return output;
    }
}
