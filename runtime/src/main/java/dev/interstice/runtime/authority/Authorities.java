package dev.interstice.runtime.authority;

import dev.interstice.abi.codec.AudioCodec;
import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.codec.ChildCodec;
import dev.interstice.abi.codec.GpuCodec;
import dev.interstice.abi.codec.LoggedInputs;
import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.host.gpu.GpuCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.authority.audio.AudioAuthority;
import dev.interstice.runtime.authority.file.FileAuthority;
import dev.interstice.runtime.authority.file.FileRoot;
import dev.interstice.runtime.authority.file.FileWatches;
import dev.interstice.runtime.authority.gpu.GpuAuthority;
import dev.interstice.runtime.authority.input.InputAuthority;
import dev.interstice.runtime.authority.module.ModuleAuthority;
import dev.interstice.runtime.authority.module.ModuleControl;
import dev.interstice.runtime.authority.network.NetworkAuthority;
import dev.interstice.runtime.authority.window.DisplayUnavailable;
import dev.interstice.runtime.authority.window.NodeWindow;
import dev.interstice.runtime.authority.window.RenderSubscription;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.webgpu.DawnLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node's authorities: which it offers ({@link AuthorityConfig}), who holds each (the one loaded module declaring
 * it), and the privileged host calls, each answered only for its holder. One holder per authority is enforced at
 * publish ({@code Node}); a module asking for an authority this node does not offer is refused there too.
 */
public final class Authorities implements AutoCloseable {
    /** The authorities that need the node's window. */
    private static final Set<Authority> WINDOWED = EnumSet.of(Authority.GPU, Authority.INPUT);

    private final AuthorityConfig config;
    private final Executor executor;
    private final ModuleAuthority module;
    private final FileAuthority files;
    private final FileWatches fileWatches;
    private final NetworkAuthority network;
    private final InputAuthority input;
    private volatile GpuAuthority gpu;
    /** The node's window (Gpu, Input), or null. */
    private final NodeWindow window;
    /** Why the node has no window although its configuration asked for Gpu or Input, or null. */
    private final String noDisplay;
    /** Why the node offers no Gpu although it has a window (WebGPU could not start), or null. */
    private final String noGpu;

    private final AudioAuthority audio;
    private final Children children = new Children();
    private final Grants grants;
    /** Replay only: transaction id to the answers its record kept (null: not replaying). */
    private volatile java.util.function.LongFunction<List<byte[]>> replayed;

    /**
     * Creates the file root (mode 700) when the node offers the File authority, and opens the node's window when it
     * offers Gpu or Input and is not headless: without a display it offers neither, and says why.
     */
    public Authorities(AuthorityConfig config, Executor executor, ModuleControl modules) {
        this.executor = executor;
        this.input = new InputAuthority(executor);
        NodeWindow w = null;
        String why = null;
        var ws = config.window();
        if (!ws.headless()
                && (config.offered().contains(Authority.GPU) || config.offered().contains(Authority.INPUT))) {
            try {
                boolean offersInput = config.offered().contains(Authority.INPUT);
                w = NodeWindow.open(
                        ws.title() != null
                                ? ws
                                : ws.withTitle(
                                        "interstice node " + executor.services().nodeId()),
                        events -> {
                            if (offersInput) input.deliver(events);
                        },
                        new RenderSubscription(executor));
            } catch (DisplayUnavailable e) {
                why = e.getMessage();
                var offered = EnumSet.noneOf(Authority.class);
                offered.addAll(config.offered());
                offered.removeAll(WINDOWED);
                config = config.withOffered(offered);
            }
        }
        String gpuWhy = null;
        if (w != null && config.offered().contains(Authority.GPU)) {
            try {
                gpu = GpuAuthority.forWindow(w.x11Display(), w.x11Window(), gpuWindow(w));
            } catch (DawnLibrary.UnavailableException | IllegalStateException e) {
                gpuWhy = "WebGPU is unavailable: " + e.getMessage();
                var offered = EnumSet.noneOf(Authority.class);
                offered.addAll(config.offered());
                offered.remove(Authority.GPU);
                config = config.withOffered(offered);
            }
        }
        this.noGpu = gpuWhy;
        this.window = w;
        this.noDisplay = why;
        this.config = config;
        this.network = new NetworkAuthority(config.network(), executor);
        this.audio = new AudioAuthority(config.audio(), executor);
        this.module = new ModuleAuthority(modules, executor);
        FileRoot root = null;
        if (config.offers(Authority.FILE)) {
            try {
                root = new FileRoot(config.fileRoot());
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot create the file root " + config.fileRoot() + ": " + e.getMessage(), e);
            }
            files = new FileAuthority(root, config.fileLimits());
            fileWatches = new FileWatches(root, executor, config.fileLimits().maxPendingEvents(), children::isChild);
        } else {
            files = null;
            fileWatches = null;
        }
        this.grants = new Grants(children, config, executor, root);
    }

    /** The node's child modules and their grants. */
    public Children children() {
        return children;
    }

    /**
     * The node's children, one entry each, under their parents: "kid (child of parent: File in kids/a; stops with
     * it)"; empty without children. For the admin's views ({@code node show}, the console).
     */
    public String describeChildren() {
        var out = new java.util.ArrayList<String>();
        for (Children.Child c : children.all()) {
            var g = new java.util.ArrayList<String>();
            c.grant().file().ifPresent(d -> g.add("File in " + (d.isEmpty() ? "its root" : d)));
            c.grant().network().ifPresent(r -> g.add("Network to " + String.join(", ", r)));
            if (c.grant().module()) g.add("Module over its children");
            String revoked = c.revoked().isEmpty()
                    ? ""
                    : ", revoked: "
                            + c.revoked().stream()
                                    .map(Authorities::name)
                                    .sorted()
                                    .collect(Collectors.joining(", "));
            out.add(c.name() + " (child of " + c.parent() + ": " + (g.isEmpty() ? "no grant" : String.join(", ", g))
                    + revoked + (c.stopWithParent() ? "; stops with it" : "; keeps running without it") + ")");
        }
        return String.join("; ", out);
    }

    /**
     * Refuses child {@code m} at its install (under the execution lock) when it declares an authority its grant does
     * not include, or needs what children cannot have; a module that is no child passes.
     */
    public void checkChild(LoadedModule m) {
        grants.checkChild(m);
    }

    /** The children of {@code parent} that stop (unload) with it. */
    public List<String> stoppingWith(String parent) {
        return grants.stoppingWith(parent);
    }

    /**
     * A call of the frame's module through {@code interstice_children} (docs/abi.md §4.5): spawn a child with a grant
     * (carried out after commit), revoke a grant (at commit, before the next transaction), list its children.
     * A Spawn by hash takes module code this node keeps (never content a module stored: that is not its to run).
     */
    public byte[] children(Frame f, ChildCall call) {
        if (!config.offers(Authority.MODULE))
            return ChildCodec.err("the Module authority, which spawns children, is not available on this node");
        byte[] wasm = null;
        if (call instanceof ChildCall.Spawn s)
            try {
                wasm = switch (s.source()) {
                    case ChildCall.Wasm w -> w.bytes();
                    case ChildCall.Hash h -> module.code(h.sha256());
                };
            } catch (IntersticeException e) {
                return ChildCodec.err("cannot spawn a child: " + e.getMessage());
            }
        return grants.handle(f, call, wasm, module, this::refusal);
    }

    /**
     * Call after modules were loaded, replaced or removed: the File holder's watches start, restart (a new version)
     * or stop.
     */
    public void modulesChanged() {
        if (fileWatches != null && replayed == null) fileWatches.update(); // a replay's file events are logged
        if (window != null) window.start(); // the first call (Node.start) starts the frame loop: modules are loaded
    }

    /** The node's window, when it has one (Gpu and Input need it unless an embedding application feeds them). */
    public Optional<NodeWindow> window() {
        return Optional.ofNullable(window);
    }

    /**
     * Where a window (the node's display, or an embedding application's) hands its input: delivered to the Input
     * holder only when this node offers Input.
     */
    public InputAuthority input() {
        if (!config.offers(Authority.INPUT))
            throw new IllegalStateException("this node does not offer the Input authority");
        return input;
    }

    /** The Network authority: its policy and what it holds now. */
    public NetworkAuthority network() {
        return network;
    }

    /** The Audio authority: its settings and the streams open now. */
    public AudioAuthority audio() {
        return audio;
    }

    /**
     * A module version was unloaded, replaced or removed: it loses what it held (sockets, audio streams). Under the
     * execution lock.
     */
    public void released(LoadedModule m) {
        network.release(m);
        GpuAuthority g = gpu;
        if (g != null && m.schema().authorities().contains(Authority.GPU)) g.release(m);
        audio.release(m);
    }

    public AuthorityConfig config() {
        return config;
    }

    /** The module holding {@code a}, if one is loaded. */
    public Optional<String> holder(Authority a) {
        return executor.exclusive(() -> executor.modules().all().stream()
                .filter(m -> m.schema().authorities().contains(a) && !children.isChild(m.name()))
                .map(LoadedModule::name)
                .findFirst());
    }

    /**
     * Refuses a module that asks for an authority this node does not offer, saying which it offers, and one whose
     * file subscriptions it could not hold (without the File authority, or outside the file root).
     */
    public void checkOffered(ModuleSchema m) {
        for (Authority a : m.authorities())
            if (!config.offers(a))
                throw new ModuleException(
                        ModuleException.Kind.UNSUPPORTED,
                        "module '" + m.name() + "' needs the " + name(a) + " authority, which this node does not offer"
                                + " (it offers: " + offeredNames() + ")"
                                + (WINDOWED.contains(a) ? "; " + whyNot(a) : "")
                                + (a == Authority.AUDIO && config.offered().contains(a)
                                        ? "; Audio needs a sound output device or an output file (--audio-out):"
                                                + " this node has "
                                                + config.audio().whyUnusable()
                                        : "")
                                + (a == Authority.FILE && config.offered().contains(a)
                                        ? "; a node without a data directory offers File only when given a file root"
                                        : ""));
        checkFileSubscriptions(m);
    }

    private static void checkFileSubscriptions(ModuleSchema m) {
        for (var s : m.subscriptions()) {
            if (!(s.event() instanceof SubscriptionEvent.File f)) continue;
            if (!m.authorities().contains(Authority.FILE))
                throw new ModuleException(
                        ModuleException.Kind.INVALID,
                        "module '" + m.name() + "' subscribes '" + s.reducer() + "' to file events of '" + f.path()
                                + "' but does not hold the File authority (declare it in the module's authorities)");
            try {
                FileRoot.normalise(f.path());
            } catch (FileRoot.Refused e) {
                throw new ModuleException(
                        ModuleException.Kind.INVALID,
                        "module '" + m.name() + "' subscribes '" + s.reducer() + "' to file events: " + e.getMessage());
            }
        }
    }

    public String offeredNames() {
        String s = Arrays.stream(Authority.values())
                .filter(config::offers)
                .map(Authorities::name)
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }

    /** One line for start-up: what is offered (with its reach) and what is not. */
    public String summary() {
        var offered = new java.util.ArrayList<String>();
        var not = new java.util.ArrayList<String>();
        for (Authority a : Authority.values()) {
            if (!config.offers(a))
                not.add(
                        a == Authority.AUDIO && config.offered().contains(a)
                                ? name(a) + " (" + config.audio().whyUnusable() + ")"
                                : name(a));
            else if (a == Authority.NETWORK || a == Authority.AUDIO) offered.add(name(a) + " (" + describe(a) + ")");
            else offered.add(name(a));
        }
        boolean windowless = WINDOWED.stream().anyMatch(a -> !config.offers(a))
                && (noDisplay != null || config.window().headless());
        return "authorities offered: " + (offered.isEmpty() ? "none" : String.join(", ", offered))
                + (not.isEmpty() ? "" : "; not offered: " + String.join(", ", not))
                + (windowless ? " (Gpu and Input: " + whyNoWindow() + ")" : "")
                + (noGpu != null ? " (" + noGpu + ")" : "")
                + (gpu != null ? "; Gpu renders with " + gpu.backend() : "");
    }

    /** An authority's name as users write it: {@code File}, {@code Gpu}. */
    public static String name(Authority a) {
        return a.name().charAt(0) + a.name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    /** One line on how far {@code a} reaches on this node (shown by {@code node show} and at start-up). */
    public String describe(Authority a) {
        if (!config.offers(a))
            return WINDOWED.contains(a)
                    ? "not offered (" + (a == Authority.GPU && noGpu != null ? noGpu : whyNoWindow()) + ")"
                    : a == Authority.AUDIO && config.offered().contains(a)
                            ? "not offered (" + config.audio().whyUnusable() + ")"
                            : "not offered (turned off in the node's configuration)";
        return switch (a) {
            case NETWORK -> config.network().describe();
            case AUDIO ->
                config.audio().outputFile() != null
                        ? "output to " + config.audio().outputFile()
                                + (config.audio().inputFile() != null
                                        ? ", input from " + config.audio().inputFile()
                                        : "")
                        : "the sound device"
                                + (config.audio().inputFile() != null
                                        ? ", input from " + config.audio().inputFile()
                                        : "");
            default -> "offered";
        };
    }

    /** {@link #describe}, for the admin: the Module authority's line also names the node's children and grants. */
    public String describeForAdmin(Authority a) {
        String children = a == Authority.MODULE ? describeChildren() : "";
        return describe(a) + (children.isEmpty() ? "" : "; children: " + children);
    }

    /** The window as the Gpu authority sees it: its drawable size, and a way to ask for another frame. */
    private static GpuAuthority.Window gpuWindow(NodeWindow w) {
        return new GpuAuthority.Window() {
            @Override
            public GpuAuthority.Size size() {
                return new GpuAuthority.Size(w.width(), w.height());
            }

            @Override
            public void requestRedraw() {
                w.requestRedraw();
            }
        };
    }

    /** Why Gpu or Input is not offered: no window, or (Gpu) no WebGPU on this machine. */
    private String whyNot(Authority a) {
        if (a == Authority.GPU && noGpu != null) return noGpu;
        return name(a) + " needs the node's window: " + whyNoWindow();
    }

    /** Why Gpu or Input is not offered, in plain words. */
    private String whyNoWindow() {
        if (noDisplay != null) return noDisplay;
        if (config.window().headless()) return "the node runs headless, without a window";
        return "turned off in the node's configuration";
    }

    /**
     * Replay only ({@code interstice replay}): from now on File, Audio, Network and Gpu calls are answered with what the log kept for
     * the calling transaction ({@code logged}: transaction id to its record's inputs, in call order), never by the
     * world; file watches stop. A call the record kept no answer for (a log written before answers were kept) is
     * answered by the world, as before.
     */
    public void replayFrom(java.util.function.LongFunction<List<byte[]>> logged) {
        replayed = logged;
        if (fileWatches != null) fileWatches.close();
    }

    /**
     * An answer from outside the node: kept in the transaction's record as an input ({@link Invocation#input}), or, in
     * a replay, taken from the record.
     */
    private static byte[] input(
            Frame f,
            Object call,
            java.util.function.LongFunction<List<byte[]>> logged,
            java.util.function.Supplier<byte[]> world) {
        Invocation inv = f.invocation();
        List<byte[]> kept = logged == null ? null : logged.apply(inv.tx().id());
        int next = inv.inputs().size();
        // kept labelled with the call it answered, for people reading the log (LoggedInputs)
        byte[] answer = kept != null && next < kept.size() ? LoggedInputs.answer(kept.get(next)) : world.get();
        inv.input(LoggedInputs.labelled(call, answer));
        return answer;
    }

    public byte[] file(Frame f, FileCall call) {
        return input(f, call, replayed, () -> fileAnswer(f, call));
    }

    private byte[] fileAnswer(Frame f, FileCall call) {
        String refused = refusal(f, Authority.FILE);
        if (refused != null) return AuthorityCodec.err(refused);
        if (!children.isChild(f.module().name())) return files.handle(call);
        try {
            return grants.files(f.module().name()).handle(call);
        } catch (FileRoot.Refused e) {
            return AuthorityCodec.err(e.getMessage());
        }
    }

    /** Audio calls: their answers depend on the device's pace (a full queue), so they are inputs too. */
    public byte[] audio(Frame f, AudioCall call) {
        return input(f, call, replayed, () -> {
            String refused = refusal(f, Authority.AUDIO);
            if (refused != null) return AudioCodec.err(refused);
            return audio.call(f, call);
        });
    }

    public byte[] module(Frame f, ModuleCall call) {
        String refused = refusal(f, Authority.MODULE);
        if (refused == null && children.isChild(f.module().name()))
            refused = grants.moduleRefusal(f.module().name(), call);
        if (refused != null) return AuthorityCodec.err(refused);
        return module.handle(f, call);
    }

    /** Network calls: their answers depend on the sockets' state (a connection the peer closed), so they are inputs. */
    public byte[] network(Frame f, NetworkCall call) {
        return input(f, call, replayed, () -> {
            String refused = refusal(f, Authority.NETWORK);
            if (refused == null && children.isChild(f.module().name()))
                refused = grants.networkRefusal(f.module().name(), call);
            if (refused != null) return AuthorityCodec.err(refused);
            return network.call(f, call);
        });
    }

    /**
     * A Gpu call: refused as the others are, else run on the node's GPU device. Every answer is an input: it depends on
     * the device (its surface's size and format, what Dawn validates) and on the frames before it, which are not logged
     * when they change no persistent row (object ids are counted across them), so a replay could not work them out. An
     * answer is a few bytes (an id, a size, an error), never frame data. A replay's scratch node has no device: its
     * Gpu is a stand-in that draws nothing and answers what the log kept.
     */
    public byte[] gpu(Frame f, GpuCall call) {
        return input(f, call, replayed, () -> {
            String refused = refusal(f, Authority.GPU);
            if (refused != null) return GpuCodec.err(refused);
            GpuAuthority g = gpu;
            if (g == null)
                return GpuCodec.err(
                        replayed != null
                                ? "a replay has no GPU device, and the log kept no answer for this call"
                                : "this node's GPU device is not open (yet)");
            return g.call(f.module(), call);
        });
    }

    /**
     * Gives the node its GPU device (opened with its window, or offscreen); the Gpu authority's calls run on it. The
     * node closes it at shutdown.
     */
    public void attachGpu(GpuAuthority g) {
        gpu = g;
    }

    /** The GPU device, if one is attached. */
    public Optional<GpuAuthority> gpu() {
        return Optional.ofNullable(gpu);
    }

    /** Why the frame's module may not use {@code a}, or null when it may. */
    private String refusal(Frame f, Authority a) {
        if (!config.offers(a)) return "the " + name(a) + " authority is not available on this node";
        if (children.isChild(f.module().name())) {
            String refused = grants.refusal(f.module().name(), a);
            if (refused != null) return refused;
        } else if (!f.module().schema().authorities().contains(a))
            return "module '" + f.module().name() + "' does not hold the " + name(a)
                    + " authority (declare it in the module's authorities)";
        if (f.readOnly()) return "a query cannot use the " + name(a) + " authority";
        return null;
    }

    @Override
    public void close() {
        if (window != null) window.close();
        module.close();
        if (fileWatches != null) fileWatches.close();
        network.close();
        GpuAuthority g = gpu;
        if (g != null) g.close();
        audio.close();
    }
}
