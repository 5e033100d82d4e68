package dev.interstice.runtime.authority.file;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.module.LoadedModule;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The File holder's {@code file:<path>} and {@code file_recursive:<path>} subscriptions: a watch service over the
 * file root (directories registered as they appear) whose events reach the holder's handlers, each event as its own
 * transaction per matching subscription, in the order the file system reported them. A subscription matches the path
 * itself and, for a directory, its direct entries ({@code file:}) or everything below it ({@code file_recursive:}).
 * Waiting events are bounded ({@link FileEventQueue}). Renames arrive as Deleted + Created (the JDK's watch service
 * does not pair them).
 */
public final class FileWatches implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileWatches.class);
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** A subscription: handler reducer and normalised path ('' is the root). */
    record Sub(String reducer, String path, boolean recursive) {
        boolean matches(String rel) {
            if (rel.equals(path)) return true;
            if (recursive) return path.isEmpty() || rel.startsWith(path + "/");
            return parent(rel).equals(path);
        }

        /** Whether events in directory {@code dir} can match: it is on the way to the path or (recursive) below it. */
        boolean needs(String dir) {
            return dir.isEmpty()
                    || path.equals(dir)
                    || path.startsWith(dir + "/")
                    || (recursive && (path.isEmpty() || dir.startsWith(path + "/")));
        }
    }

    private final FileRoot root;
    private final Executor executor;
    private final int maxPending;
    private Session session;

    /** Modules that are children: they never hold the File authority themselves (their grant is another root). */
    private final java.util.function.Predicate<String> isChild;

    public FileWatches(FileRoot root, Executor executor, int maxPending, java.util.function.Predicate<String> isChild) {
        this.isChild = isChild;
        this.root = root;
        this.executor = executor;
        this.maxPending = maxPending;
    }

    /** The File subscriptions of a schema, normalised; refuses a path outside the root. */
    static List<Sub> subscriptions(LoadedModule m) throws FileRoot.Refused {
        var out = new ArrayList<Sub>();
        for (var s : m.schema().subscriptions())
            if (s.event() instanceof SubscriptionEvent.File f)
                out.add(new Sub(s.reducer(), String.join("/", FileRoot.normalise(f.path())), f.recursive()));
        return out;
    }

    /** Watches for the File holder now loaded (restarted when it was replaced, stopped when it is gone). */
    public synchronized void update() {
        LoadedModule holder = executor.exclusive(() -> executor.modules().all().stream()
                .filter(m -> m.schema().authorities().contains(Authority.FILE) && !isChild.test(m.name()))
                .findFirst()
                .orElse(null));
        if (session != null && session.module == holder) return;
        if (session != null) session.stop();
        session = null;
        if (holder == null) return;
        try {
            List<Sub> subs = subscriptions(holder);
            if (subs.isEmpty()) return;
            session = new Session(holder, subs);
            session.start();
        } catch (FileRoot.Refused | IOException e) {
            log.warn("file subscriptions of module '{}' not watched: {}", holder.name(), e.getMessage());
            if (session != null) session.stop();
            session = null;
        }
    }

    @Override
    public synchronized void close() {
        if (session != null) session.stop();
        session = null;
    }

    private static String parent(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    /** The watches of one loaded holder: a watcher thread and a delivering thread. */
    private final class Session {
        final LoadedModule module;
        final List<Sub> subs;
        final WatchService ws;
        final Map<WatchKey, Path> dirs = new HashMap<>();
        final FileEventQueue queue;
        volatile boolean stopped;

        Session(LoadedModule module, List<Sub> subs) throws IOException {
            this.module = module;
            this.subs = subs;
            this.ws = root.path().getFileSystem().newWatchService();
            this.queue = new FileEventQueue(
                    maxPending,
                    n -> log.warn(
                            "dropped {} file events for module '{}': its handlers were slower than the file system"
                                    + " (at most {} events wait)",
                            n,
                            module.name(),
                            maxPending));
        }

        void start() throws IOException {
            register(root.path(), false);
            Thread.ofVirtual().name("interstice-file-watch-" + module.name()).start(this::watch);
            Thread.ofVirtual().name("interstice-file-events-" + module.name()).start(this::deliver);
        }

        void stop() {
            stopped = true;
            try {
                ws.close();
            } catch (IOException e) {
                log.debug("closing a file watch: {}", e.toString());
            }
            queue.close();
        }

        private boolean needed(String dir) {
            for (Sub s : subs) if (s.needs(dir)) return true;
            return false;
        }

        /** Watches {@code dir} and the directories below it that subscriptions need ({@code created}: report them). */
        private void register(Path dir, boolean created) throws IOException {
            String rel = root.relative(dir);
            if (!needed(rel)) return;
            WatchKey key = dir.register(
                    ws,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            synchronized (dirs) {
                dirs.put(key, dir);
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    // entries made before the watch existed would go unreported
                    if (created) offer(new FileEventQueue.Event("Created", root.relative(p)));
                    if (Files.isDirectory(p, NOFOLLOW)) register(p, created);
                }
            }
        }

        private void watch() {
            try {
                while (!stopped) {
                    WatchKey key = ws.take();
                    Path dir;
                    synchronized (dirs) {
                        dir = dirs.get(key);
                    }
                    for (WatchEvent<?> e : key.pollEvents()) if (dir != null) handle(dir, e);
                    if (!key.reset())
                        synchronized (dirs) {
                            dirs.remove(key);
                        }
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                // stopped
            }
        }

        private void handle(Path dir, WatchEvent<?> e) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                queue.lost(e.count());
                return;
            }
            Path p = dir.resolve((Path) e.context());
            String variant = e.kind() == StandardWatchEventKinds.ENTRY_CREATE
                    ? "Created"
                    : e.kind() == StandardWatchEventKinds.ENTRY_DELETE ? "Deleted" : "Modified";
            offer(new FileEventQueue.Event(variant, root.relative(p)));
            if (variant.equals("Created") && Files.isDirectory(p, NOFOLLOW)) {
                try {
                    register(p, true);
                } catch (IOException ex) {
                    log.debug("watching new directory {}: {}", root.relative(p), ex.toString());
                } catch (ClosedWatchServiceException ex) {
                    // stopped meanwhile
                }
            }
        }

        private void offer(FileEventQueue.Event e) {
            if (subs.stream().anyMatch(s -> s.matches(e.path()))) queue.offer(e);
        }

        private void deliver() {
            var ctx = CallContext.runtime(executor.services().nodeId());
            try {
                for (var e = queue.take(); e != null; e = queue.take()) deliver(ctx, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** One event: a transaction per matching subscription, in declaration order. */
        private void deliver(CallContext ctx, FileEventQueue.Event e) {
            IntersticeValue value = AuthorityCodec.fileEvent(e.variant(), e.path());
            var jobs = new ArrayList<Executor.Job>();
            for (Sub s : subs)
                if (s.matches(e.path()))
                    jobs.add(new Executor.Job(module.name(), s.reducer(), List.of(value), ctx, "file event"));
            if (!stopped) executor.runJobs(jobs);
        }
    }
}
