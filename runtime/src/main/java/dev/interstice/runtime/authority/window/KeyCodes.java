package dev.interstice.runtime.authority.window;

import java.util.HashMap;
import java.util.Map;
import org.lwjgl.glfw.GLFW;

/**
 * GLFW key tokens to upstream's {@code KeyCode} names (winit's, by physical position). GLFW names keys by their
 * position on a US layout, as winit's {@code KeyCode} does, so the mapping is one to one; GLFW keys without a winit
 * equivalent (and {@code GLFW.GLFW_KEY_UNKNOWN}) have no name and become {@code PhysicalKey::Unidentified(scancode)}.
 */
final class KeyCodes {
    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        put(GLFW.GLFW_KEY_SPACE, "Space");
        put(GLFW.GLFW_KEY_APOSTROPHE, "Quote");
        put(GLFW.GLFW_KEY_COMMA, "Comma");
        put(GLFW.GLFW_KEY_MINUS, "Minus");
        put(GLFW.GLFW_KEY_PERIOD, "Period");
        put(GLFW.GLFW_KEY_SLASH, "Slash");
        for (int d = 0; d <= 9; d++) put(GLFW.GLFW_KEY_0 + d, "Digit" + d);
        put(GLFW.GLFW_KEY_SEMICOLON, "Semicolon");
        put(GLFW.GLFW_KEY_EQUAL, "Equal");
        for (char c = 'A'; c <= 'Z'; c++) put(GLFW.GLFW_KEY_A + (c - 'A'), "Key" + c);
        put(GLFW.GLFW_KEY_LEFT_BRACKET, "BracketLeft");
        put(GLFW.GLFW_KEY_BACKSLASH, "Backslash");
        put(GLFW.GLFW_KEY_RIGHT_BRACKET, "BracketRight");
        put(GLFW.GLFW_KEY_GRAVE_ACCENT, "Backquote");
        put(GLFW.GLFW_KEY_WORLD_1, "IntlBackslash"); // the ISO key left of Z (X11's LSGT)
        put(GLFW.GLFW_KEY_ESCAPE, "Escape");
        put(GLFW.GLFW_KEY_ENTER, "Enter");
        put(GLFW.GLFW_KEY_TAB, "Tab");
        put(GLFW.GLFW_KEY_BACKSPACE, "Backspace");
        put(GLFW.GLFW_KEY_INSERT, "Insert");
        put(GLFW.GLFW_KEY_DELETE, "Delete");
        put(GLFW.GLFW_KEY_RIGHT, "ArrowRight");
        put(GLFW.GLFW_KEY_LEFT, "ArrowLeft");
        put(GLFW.GLFW_KEY_DOWN, "ArrowDown");
        put(GLFW.GLFW_KEY_UP, "ArrowUp");
        put(GLFW.GLFW_KEY_PAGE_UP, "PageUp");
        put(GLFW.GLFW_KEY_PAGE_DOWN, "PageDown");
        put(GLFW.GLFW_KEY_HOME, "Home");
        put(GLFW.GLFW_KEY_END, "End");
        put(GLFW.GLFW_KEY_CAPS_LOCK, "CapsLock");
        put(GLFW.GLFW_KEY_SCROLL_LOCK, "ScrollLock");
        put(GLFW.GLFW_KEY_NUM_LOCK, "NumLock");
        put(GLFW.GLFW_KEY_PRINT_SCREEN, "PrintScreen");
        put(GLFW.GLFW_KEY_PAUSE, "Pause");
        for (int f = 1; f <= 25; f++) put(GLFW.GLFW_KEY_F1 + f - 1, "F" + f);
        for (int d = 0; d <= 9; d++) put(GLFW.GLFW_KEY_KP_0 + d, "Numpad" + d);
        put(GLFW.GLFW_KEY_KP_DECIMAL, "NumpadDecimal");
        put(GLFW.GLFW_KEY_KP_DIVIDE, "NumpadDivide");
        put(GLFW.GLFW_KEY_KP_MULTIPLY, "NumpadMultiply");
        put(GLFW.GLFW_KEY_KP_SUBTRACT, "NumpadSubtract");
        put(GLFW.GLFW_KEY_KP_ADD, "NumpadAdd");
        put(GLFW.GLFW_KEY_KP_ENTER, "NumpadEnter");
        put(GLFW.GLFW_KEY_KP_EQUAL, "NumpadEqual");
        put(GLFW.GLFW_KEY_LEFT_SHIFT, "ShiftLeft");
        put(GLFW.GLFW_KEY_LEFT_CONTROL, "ControlLeft");
        put(GLFW.GLFW_KEY_LEFT_ALT, "AltLeft");
        put(GLFW.GLFW_KEY_LEFT_SUPER, "SuperLeft");
        put(GLFW.GLFW_KEY_RIGHT_SHIFT, "ShiftRight");
        put(GLFW.GLFW_KEY_RIGHT_CONTROL, "ControlRight");
        put(GLFW.GLFW_KEY_RIGHT_ALT, "AltRight");
        put(GLFW.GLFW_KEY_RIGHT_SUPER, "SuperRight");
        put(GLFW.GLFW_KEY_MENU, "ContextMenu");
    }

    private KeyCodes() {}

    private static void put(int glfwKey, String name) {
        NAMES.put(glfwKey, name);
    }

    /** The winit {@code KeyCode} name of a GLFW key token, or null when it has none. */
    static String name(int glfwKey) {
        return NAMES.get(glfwKey);
    }

    /** How many GLFW keys have a name (for tests). */
    static int count() {
        return NAMES.size();
    }
}
