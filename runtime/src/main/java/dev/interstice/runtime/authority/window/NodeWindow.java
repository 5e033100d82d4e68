package dev.interstice.runtime.authority.window;

import dev.interstice.abi.codec.InputEvents;
import dev.interstice.abi.value.IntersticeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.lwjgl.glfw.Callbacks;
import org.lwjgl.glfw.GLFW;
import org.lwjgl.glfw.GLFWNativeX11;
import org.lwjgl.system.MemoryStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's window and its frame loop, on the window thread. Once per tick of the configured frame rate (a frame that
 * overran skips the ticks it missed, so frames never pile up) the frame delivers the input that arrived since the last
 * one as one batch, then runs the Gpu holder's {@code render} handlers once, as one transaction, between the
 * {@link FrameListener}'s calls. The window lives as long as the node: its close button is a {@code CloseRequested}
 * input event, not a shutdown. Created without a client API ({@code GLFW_NO_API}): the Gpu authority presents into it
 * through a Vulkan surface made from {@link #x11Display()} and {@link #x11Window()}.
 */
public final class NodeWindow implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeWindow.class);
    /** Input events kept for one frame; more are dropped (and counted in the log) until the frame takes them. */
    public static final int MAX_EVENTS_PER_FRAME = 4096;

    private static final long CALL_TIMEOUT_MS = 10_000;

    private final WindowThread glfw;
    private final WindowSettings settings;
    private final Consumer<List<IntersticeValue>> input;
    private final RenderSubscription render;
    private final long periodNanos;
    // window thread only
    private long handle;
    private GlfwInput.Cursor cursor;
    private List<IntersticeValue> pending = new ArrayList<>();
    private int dropped;
    private long nextTick;
    private boolean running;
    // read from any thread
    private volatile int width;
    private volatile int height;
    private volatile long x11Window;
    private volatile FrameListener listener;
    private volatile boolean redrawRequested;
    private volatile long frames;
    private volatile long renders;
    private volatile boolean closed;

    private NodeWindow(
            WindowThread glfw,
            WindowSettings settings,
            Consumer<List<IntersticeValue>> input,
            RenderSubscription render) {
        this.glfw = glfw;
        this.settings = settings;
        this.input = input;
        this.render = render;
        this.periodNanos = 1_000_000_000L / settings.fps();
    }

    /**
     * Opens the window (shown, not yet running frames: see {@link #start}). {@code input} receives each frame's input
     * batch; {@code render} is run once a frame.
     */
    public static NodeWindow open(
            WindowSettings settings, Consumer<List<IntersticeValue>> input, RenderSubscription render)
            throws DisplayUnavailable {
        var glfw = WindowThread.get();
        var w = new NodeWindow(glfw, settings, input, render);
        try {
            glfw.call(w::create, CALL_TIMEOUT_MS);
        } catch (ExecutionException e) {
            throw new DisplayUnavailable("no display: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        } catch (TimeoutException e) {
            throw new DisplayUnavailable("no display: the window thread did not answer");
        }
        return w;
    }

    private Void create() throws DisplayUnavailable {
        GLFW.glfwDefaultWindowHints();
        GLFW.glfwWindowHint(GLFW.GLFW_CLIENT_API, GLFW.GLFW_NO_API);
        GLFW.glfwWindowHint(GLFW.GLFW_VISIBLE, GLFW.GLFW_TRUE);
        String title = settings.title() == null ? "interstice" : settings.title();
        long h = GLFW.glfwCreateWindow(settings.width(), settings.height(), title, 0, 0);
        if (h == 0) throw new DisplayUnavailable("GLFW could not create the window (" + glfw.lastError() + ")");
        handle = h;
        x11Window = GLFWNativeX11.glfwGetX11Window(h);
        try (MemoryStack stack = MemoryStack.stackPush()) {
            var fw = stack.mallocInt(1);
            var fh = stack.mallocInt(1);
            GLFW.glfwGetFramebufferSize(h, fw, fh);
            width = fw.get(0);
            height = fh.get(0);
            var cx = stack.mallocDouble(1);
            var cy = stack.mallocDouble(1);
            GLFW.glfwGetCursorPos(h, cx, cy);
            cursor = new GlfwInput.Cursor(cx.get(0), cy.get(0));
        }
        GLFW.glfwSetKeyCallback(h, (win, key, scancode, action, mods) -> add(GlfwInput.key(key, scancode, action)));
        GLFW.glfwSetMouseButtonCallback(h, (win, button, action, mods) -> add(GlfwInput.button(button, action)));
        GLFW.glfwSetCursorPosCallback(h, (win, x, y) -> {
            var motion = cursor.moveTo(x, y);
            if (motion != null) add(motion);
        });
        GLFW.glfwSetScrollCallback(h, (win, dx, dy) -> add(GlfwInput.scroll(dx, dy)));
        GLFW.glfwSetFramebufferSizeCallback(h, (win, w, hh) -> {
            width = w;
            height = hh;
            add(InputEvents.windowResized(w, hh));
        });
        GLFW.glfwSetWindowFocusCallback(h, (win, focused) -> add(InputEvents.windowFocused(focused)));
        GLFW.glfwSetWindowCloseCallback(h, win -> {
            GLFW.glfwSetWindowShouldClose(win, false); // the window lives as long as the node
            add(InputEvents.closeRequested());
        });
        return null;
    }

    /** Starts the frame loop (once the node's modules are loaded); does nothing the second time. */
    public void start() {
        if (closed) return;
        glfw.submit(() -> {
            if (running || handle == 0) return;
            running = true;
            nextTick = System.nanoTime();
            glfw.add(this);
        });
    }

    private void add(IntersticeValue event) {
        if (pending.size() < MAX_EVENTS_PER_FRAME) pending.add(event);
        else dropped++;
    }

    boolean due(long now) {
        return now - nextTick >= 0;
    }

    long nextTick() {
        return nextTick;
    }

    /** One frame, on the window thread: this frame's input, then render. */
    void frame() {
        long now = System.nanoTime();
        // the next tick after now on this window's grid: an overrun skips the ticks it missed
        nextTick += ((now - nextTick) / periodNanos + 1) * periodNanos;
        if (dropped > 0) {
            log.warn(
                    "window '{}': {} input event(s) dropped (more than {} in one frame)",
                    settings.title(),
                    dropped,
                    MAX_EVENTS_PER_FRAME);
            dropped = 0;
        }
        if (!pending.isEmpty()) {
            var batch = pending;
            pending = new ArrayList<>();
            input.accept(batch);
        }
        frames++;
        redrawRequested = false;
        if (width == 0 || height == 0) return; // minimised: nothing to draw into
        var jobs = render.jobs();
        if (jobs.isEmpty()) return;
        var l = listener;
        if (l != null) l.beforeRender(width, height);
        try {
            render.run(jobs);
            renders++;
        } finally {
            if (l != null) l.afterRender();
        }
    }

    /** Who is called around each render (the Gpu authority); null for none. */
    public void setFrameListener(FrameListener l) {
        listener = l;
    }

    /**
     * Upstream's {@code RequestRedraw}: the next tick renders. Render already runs every tick while a Gpu holder is
     * loaded, so this only wakes the loop; kept so an on-demand mode can honour it.
     */
    public void requestRedraw() {
        redrawRequested = true;
        if (!closed) glfw.submit(() -> {});
    }

    /** Whether a redraw was requested since the last frame. */
    public boolean redrawRequested() {
        return redrawRequested;
    }

    /** Asks the window system for a new size; a {@code WindowResized} event follows when it is applied. */
    public void resize(int w, int h) {
        if (closed) return;
        WindowSettings.checkSize(w, h);
        glfw.submit(() -> {
            if (handle != 0) GLFW.glfwSetWindowSize(handle, w, h);
        });
    }

    /** The X11 {@code Display*} the window is on (process-wide). */
    public long x11Display() {
        return GLFWNativeX11.glfwGetX11Display();
    }

    /** The window's X11 {@code Window} id. */
    public long x11Window() {
        return x11Window;
    }

    /** The drawable area's width in pixels (the framebuffer's; 0 when minimised). */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public WindowSettings settings() {
        return settings;
    }

    /** Frames run so far. */
    public long frames() {
        return frames;
    }

    /** Render transactions run so far (committed or not). */
    public long renders() {
        return renders;
    }

    /**
     * Runs {@code task} on the window thread (for the Gpu authority's surface set-up) and waits for its result. Never
     * call it holding the execution lock (e.g. from a host call of a reducer running on another thread): the window
     * thread may be waiting for that lock in a frame, and the call would wait for its timeout.
     */
    public <T> T onWindowThread(java.util.concurrent.Callable<T> task) throws ExecutionException, TimeoutException {
        return glfw.call(task, CALL_TIMEOUT_MS);
    }

    /** Destroys the window (waits for a frame in progress to end). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            glfw.call(
                    () -> {
                        glfw.remove(this);
                        if (handle != 0) {
                            Callbacks.glfwFreeCallbacks(handle);
                            GLFW.glfwDestroyWindow(handle);
                            handle = 0;
                        }
                        return null;
                    },
                    CALL_TIMEOUT_MS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("window '{}' did not close cleanly: {}", settings.title(), e.toString());
        }
    }
}
