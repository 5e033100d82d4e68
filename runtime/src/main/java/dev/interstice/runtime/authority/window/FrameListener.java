package dev.interstice.runtime.authority.window;

/**
 * Called on the window thread around each frame's {@code render} transaction (the Gpu authority registers one: it
 * acquires the surface's texture before and presents it after). Only called when a Gpu holder with a {@code render}
 * handler is loaded and the window's drawable area is not empty.
 */
public interface FrameListener {
    /** Before the render transaction, with the drawable area's size in pixels. */
    void beforeRender(int width, int height);

    /** After the render transaction, whether it committed or failed. */
    void afterRender();
}
