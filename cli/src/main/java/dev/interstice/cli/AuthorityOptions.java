package dev.interstice.cli;

import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.audio.AudioSettings;
import dev.interstice.runtime.authority.network.NetworkPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Which authorities a started node offers ({@code --authorities}), how far its Network authority reaches (loopback
 * only unless widened by these flags) and where its Audio streams go ({@code --audio-out}, {@code --audio-in}).
 */
final class AuthorityOptions {
    @Option(
            names = "--authorities",
            paramLabel = "<list>",
            split = ",",
            description =
                    "Authorities this node offers to its modules (default: Module,File,Network, and Audio when there is a sound device or --audio-out; 'none' for none). A module needing another is refused at publish.")
    List<String> offered;

    @Option(
            names = "--allow-egress",
            paramLabel = "<host:port|cidr[:port]>",
            description = "Let the Network authority's module connect and send to these addresses too (repeatable; "
                    + "default: loopback only).")
    List<String> egress = new ArrayList<>();

    @Option(
            names = "--allow-listen",
            paramLabel = "<[ip:]port|cidr>",
            description = "Let the Network authority's module listen on (and bind UDP to) these too (repeatable; "
                    + "a bare port means any address; default: loopback only).")
    List<String> listen = new ArrayList<>();

    @Option(
            names = "--trust-cert",
            paramLabel = "<pem file>",
            description = "Trust this certificate for the module's TLS connections, besides the JDK's authorities.")
    List<Path> trust = new ArrayList<>();

    @Option(
            names = "--audio-out",
            paramLabel = "<file.wav>",
            description = "Write the Audio authority's output streams to this WAV file (16-bit PCM at the stream's"
                    + " rate and channels; later streams to <file>-2.wav, ...) instead of the sound device.")
    Path audioOut;

    @Option(
            names = "--audio-in",
            paramLabel = "<file.wav>",
            description = "Read the Audio authority's input streams from this WAV file (16-bit PCM or 32-bit float,"
                    + " the stream's rate and channels) instead of the capture device.")
    Path audioIn;

    /** The node's authorities with this network policy; bad flags are usage errors. */
    AuthorityConfig authorities() {
        NetworkPolicy p = NetworkPolicy.loopbackOnly();
        try {
            for (String e : egress) p = p.withEgress(NetworkPolicy.Rule.parse(e));
            for (String l : listen) p = p.withListen(NetworkPolicy.Rule.parse(l));
        } catch (IllegalArgumentException bad) {
            throw CliException.usage(bad.getMessage());
        }
        var certs = new ArrayList<X509Certificate>();
        for (Path file : trust) {
            try (InputStream in = Files.newInputStream(file)) {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in))
                    certs.add((X509Certificate) c);
            } catch (IOException | GeneralSecurityException e) {
                throw CliException.usage(
                        "--trust-cert " + file + ": not a readable PEM certificate (" + e.getMessage() + ")");
            }
        }
        return offered(AuthorityConfig.headless())
                .withNetwork(p.withTrusted(certs))
                .withAudio(audio());
    }

    private AudioSettings audio() {
        var a = AudioSettings.defaults();
        if (audioOut != null) {
            Path dir = audioOut.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir))
                throw CliException.usage("--audio-out " + audioOut + ": its directory does not exist");
            a = a.withOutputFile(audioOut.toAbsolutePath());
        }
        if (audioIn != null) {
            if (!Files.isRegularFile(audioIn)) throw CliException.usage("--audio-in " + audioIn + ": no such file");
            a = a.withInputFile(audioIn.toAbsolutePath());
        }
        return a;
    }

    /** {@code base} offering the authorities named by {@code --authorities} (all of base's without the flag). */
    private AuthorityConfig offered(AuthorityConfig base) {
        if (offered == null) return base;
        var set = EnumSet.noneOf(Authority.class);
        for (String n : offered) {
            if (n.isBlank() || n.equalsIgnoreCase("none")) continue;
            try {
                set.add(Authority.valueOf(n.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException ex) {
                throw CliException.usage("--authorities: unknown authority '" + n
                        + "' (known: Module, File, Network, Gpu, Input, Audio)");
            }
        }
        for (Authority a : set)
            if (a == Authority.GPU || a == Authority.INPUT)
                throw CliException.usage(
                        "--authorities: this node cannot offer " + Authorities.name(a) + " yet (it needs a display)");
        return base.withOffered(set);
    }
}
