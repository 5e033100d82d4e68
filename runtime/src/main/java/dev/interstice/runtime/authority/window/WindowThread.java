package dev.interstice.runtime.authority.window;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.lwjgl.glfw.GLFW;
import org.lwjgl.glfw.GLFWErrorCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ("interstice-window") that makes every GLFW call of the process: GLFW is process-wide and not
 * thread-safe, so every node's window lives here. It initialises GLFW once (X11, as the Gpu authority presents
 * through a Vulkan X11 surface), then loops: run the submitted tasks, run each window's frame when its tick is due,
 * wait for window-system events until the next tick. GLFW stays initialised for the life of the process.
 */
final class WindowThread {
    private static final Logger log = LoggerFactory.getLogger(WindowThread.class);
    private static final long MAX_WAIT_NANOS = 100_000_000L;
    private static WindowThread instance;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<NodeWindow> windows = new ArrayList<>(); // the window thread's only
    private final CompletableFuture<String> initialised = new CompletableFuture<>();
    private volatile String lastError = "";
    private Thread thread;

    private WindowThread() {}

    /** The process's window thread, GLFW initialised; or why there is no display. */
    static synchronized WindowThread get() throws DisplayUnavailable {
        String display = System.getenv("DISPLAY");
        if (display == null || display.isBlank()) throw new DisplayUnavailable("no display: DISPLAY is not set");
        if (instance == null) {
            instance = new WindowThread();
            instance.thread =
                    Thread.ofPlatform().name("interstice-window").daemon(true).start(instance::run);
        }
        String failure;
        try {
            failure = instance.initialised.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DisplayUnavailable("no display: interrupted while opening it");
        } catch (ExecutionException | TimeoutException e) {
            failure = "no display: the window system did not answer (" + e + ")";
        }
        if (failure != null) throw new DisplayUnavailable(failure);
        return instance;
    }

    boolean onThread() {
        return Thread.currentThread() == thread;
    }

    /** The last error GLFW reported (its own words), for messages. */
    String lastError() {
        return lastError;
    }

    /** Runs {@code task} on the window thread and waits for its result (at most {@code timeoutMs}). */
    <T> T call(Callable<T> task, long timeoutMs) throws ExecutionException, TimeoutException {
        if (onThread()) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        var done = new CompletableFuture<T>();
        submit(() -> {
            try {
                done.complete(task.call());
            } catch (Exception | LinkageError e) {
                done.completeExceptionally(e);
            }
        });
        try {
            return done.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutionException(e);
        }
    }

    /** Queues {@code task} for the window thread and wakes it. */
    void submit(Runnable task) {
        tasks.add(task);
        GLFW.glfwPostEmptyEvent();
    }

    /** On the window thread: {@code w} takes part in the frame loop (until {@link #remove}). */
    void add(NodeWindow w) {
        windows.add(w);
    }

    void remove(NodeWindow w) {
        windows.remove(w);
    }

    private void run() {
        try {
            GLFWErrorCallback.create((code, description) -> lastError = GLFWErrorCallback.getDescription(description))
                    .set();
            GLFW.glfwInitHint(GLFW.GLFW_PLATFORM, GLFW.GLFW_PLATFORM_X11);
            if (!GLFW.glfwInit()) {
                initialised.complete("no display: GLFW could not open it (" + lastError + ")");
                return;
            }
        } catch (LinkageError | RuntimeException e) {
            initialised.complete("no display: GLFW could not be loaded (" + e.getMessage() + ")");
            return;
        }
        initialised.complete(null);
        while (true) {
            try {
                loopOnce();
            } catch (RuntimeException e) {
                log.error("window thread: {}", e.toString(), e); // never ends the loop: other windows go on
            }
        }
    }

    private void loopOnce() {
        Runnable t;
        while ((t = tasks.poll()) != null) t.run();
        long next = System.nanoTime() + MAX_WAIT_NANOS;
        for (NodeWindow w : List.copyOf(windows)) {
            if (w.due(System.nanoTime())) {
                GLFW.glfwPollEvents(); // the freshest input goes into this frame
                w.frame();
            }
            next = Math.min(next, w.nextTick());
        }
        if (!tasks.isEmpty()) return;
        long wait = next - System.nanoTime();
        if (wait > 0) GLFW.glfwWaitEventsTimeout(wait / 1e9);
        else GLFW.glfwPollEvents();
    }
}
