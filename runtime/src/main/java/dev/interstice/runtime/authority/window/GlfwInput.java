package dev.interstice.runtime.authority.window;

import dev.interstice.abi.codec.InputEvents;
import dev.interstice.abi.value.IntersticeValue;
import org.lwjgl.glfw.GLFW;

/**
 * GLFW's input callbacks as upstream's {@code InputEvent} values. GLFW reports window events, not raw devices, so
 * there are two devices: {@link #KEYBOARD} and {@link #POINTER}. A held key's repeats are presses, as upstream's
 * winit keyboard events are. Mouse buttons keep GLFW's numbers, which are upstream's (0 left, 1 right, 2 middle,
 * 3 back, 4 forward, then the others); wheel lines become 40 pixels each, as upstream normalises them.
 */
final class GlfwInput {
    static final long KEYBOARD = 0;
    static final long POINTER = 1;
    static final double PIXELS_PER_LINE = 40;

    private GlfwInput() {}

    static IntersticeValue key(int glfwKey, int scancode, int action) {
        return InputEvents.key(
                KEYBOARD, KeyCodes.name(glfwKey), Integer.toUnsignedLong(scancode), action != GLFW.GLFW_RELEASE);
    }

    static IntersticeValue button(int glfwButton, int action) {
        return InputEvents.button(POINTER, glfwButton, action == GLFW.GLFW_PRESS);
    }

    static IntersticeValue scroll(double xLines, double yLines) {
        return InputEvents.mouseWheel(POINTER, xLines * PIXELS_PER_LINE, yLines * PIXELS_PER_LINE);
    }

    /** Turns GLFW's cursor positions into the movement since the last one (upstream's events carry deltas only). */
    static final class Cursor {
        private double x;
        private double y;

        Cursor(double x, double y) {
            this.x = x;
            this.y = y;
        }

        /** The motion to {@code (nx, ny)}, or null when the cursor did not move. */
        IntersticeValue moveTo(double nx, double ny) {
            double dx = nx - x;
            double dy = ny - y;
            x = nx;
            y = ny;
            return dx == 0 && dy == 0 ? null : InputEvents.mouseMotion(POINTER, dx, dy);
        }
    }
}
