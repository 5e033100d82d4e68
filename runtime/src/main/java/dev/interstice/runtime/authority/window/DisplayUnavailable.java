package dev.interstice.runtime.authority.window;

/** The node cannot open its window; the message says why in plain words ("no display: DISPLAY is not set"). */
public final class DisplayUnavailable extends Exception {
    public DisplayUnavailable(String why) {
        super(why);
    }
}
