package dev.interstice.cli;

import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.audio.AudioSettings;
import dev.interstice.runtime.authority.network.NetworkPolicy;
import dev.interstice.runtime.authority.window.WindowSettings;
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
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Which authorities a started node offers ({@code --authorities}), how far its Network authority reaches (loopback
 * only unless widened by these flags) and its window ({@code --headless}, {@code --window-size}, {@code --fps}): Gpu
 * and Input are offered when the node has a display and is not headless; and where its Audio streams go ({@code --audio-out}, {@code --audio-in}).
 */
final class AuthorityOptions {
    @Option(
            names = "--authorities",
            paramLabel = "<list>",
            split = ",",
            description =
                    "Authorities this node offers to its modules (default: Module,File,Network, Gpu,Input when it has a display, and Audio when there is a sound device or --audio-out; 'none' for none). A module needing another is refused at publish.")
    List<String> offered;

    @Option(
            names = "--headless",
            description = "Open no window, even with a display: the node offers neither Gpu nor Input.")
    boolean headless;

    @Option(
            names = "--window-size",
            paramLabel = "<WxH>",
            description = "The window's size in pixels (default: 800x600).")
    String windowSize;

    @Option(
            names = "--fps",
            paramLabel = "<n>",
            description = "Frames per second of the window: each frame delivers the input that arrived and runs the "
                    + "Gpu holder's render once (default: 60).")
    int fps = WindowSettings.DEFAULT_FPS;

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

    /** The authorities of the node named {@code nodeName} (its window's title); bad flags are usage errors. */
    AuthorityConfig authorities(String nodeName) {
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
        return offered(AuthorityConfig.headless()
                        .withOffered(headless ? AuthorityConfig.headless().offered() : withWindow()))
                .withNetwork(p.withTrusted(certs))
                .withWindow(window(nodeName))
                .withAudio(audio());
    }

    private static Set<Authority> withWindow() {
        var all = EnumSet.copyOf(AuthorityConfig.headless().offered());
        all.add(Authority.GPU);
        all.add(Authority.INPUT);
        return all;
    }

    private WindowSettings window(String nodeName) {
        try {
            var w = WindowSettings.window().withTitle(nodeName).withFps(fps).withHeadless(headless);
            if (windowSize == null) return w;
            int[] size = WindowSettings.parseSize(windowSize);
            return w.withSize(size[0], size[1]);
        } catch (IllegalArgumentException bad) {
            throw CliException.usage(
                    (windowSize != null && bad.getMessage().contains("size") ? "--window-size" : "--fps") + ": "
                            + bad.getMessage());
        }
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
        for (Authority a : set) {
            if ((a == Authority.GPU || a == Authority.INPUT) && headless)
                throw CliException.usage("--authorities: " + Authorities.name(a)
                        + " needs the node's window, and --headless opens none");
        }
        return base.withOffered(set);
    }
}
