package dev.interstice.runtime.authority.window;

/**
 * The node's window: its title (the node's name), size in pixels, how many frames a second it runs (input delivered,
 * {@code render} run) and whether the node runs {@code headless}. A headless node opens no window: it offers Gpu and
 * Input only when its configuration lists them explicitly, for an embedding application that feeds them itself; a node
 * that is not headless opens its window when it offers Gpu or Input and has a display, and offers neither otherwise.
 */
public record WindowSettings(String title, int width, int height, int fps, boolean headless) {
    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 600;
    public static final int DEFAULT_FPS = 60;
    /** Frame rates outside 1..MAX_FPS are refused (a higher rate only burns the CPU the modules share). */
    public static final int MAX_FPS = 1000;
    /** Window sides beyond this are refused (X11's limit is 32767; one side of a Vulkan surface is 16384 at most). */
    public static final int MAX_SIDE = 16384;

    public WindowSettings {
        checkSize(width, height);
        if (fps < 1 || fps > MAX_FPS)
            throw new IllegalArgumentException("frame rate must be between 1 and " + MAX_FPS + ", not " + fps);
    }

    /** Refuses a window size outside 1x1 .. MAX_SIDExMAX_SIDE. */
    public static void checkSize(int width, int height) {
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
            throw new IllegalArgumentException("window size must be between 1x1 and " + MAX_SIDE + "x" + MAX_SIDE
                    + ", not " + width + "x" + height);
    }

    /** A window of the default size and rate (title: the node's id until set). */
    public static WindowSettings window() {
        return new WindowSettings(null, DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FPS, false);
    }

    /** No window (the default of an embedded node). */
    public static WindowSettings none() {
        return new WindowSettings(null, DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FPS, true);
    }

    public WindowSettings withTitle(String t) {
        return new WindowSettings(t, width, height, fps, headless);
    }

    public WindowSettings withSize(int w, int h) {
        return new WindowSettings(title, w, h, fps, headless);
    }

    public WindowSettings withFps(int f) {
        return new WindowSettings(title, width, height, f, headless);
    }

    public WindowSettings withHeadless(boolean h) {
        return new WindowSettings(title, width, height, fps, h);
    }

    /** Parses {@code WxH} (e.g. {@code 1024x768}). */
    public static int[] parseSize(String s) {
        var parts = s.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 2) return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw new IllegalArgumentException(
                "window size must be WIDTHxHEIGHT in pixels (e.g. 800x600), not '" + s + "'");
    }
}
