package dev.interstice.runtime.authority.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.InputEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.lwjgl.glfw.GLFW;

/** GLFW's callbacks map to upstream's InputEvent values (no display needed: GLFW's constants only). */
class GlfwInputTest {
    @Test
    void keysAreNamedByTheirPhysicalPositionAsWinitNamesThem() {
        assertThat(GlfwInput.key(GLFW.GLFW_KEY_A, 38, GLFW.GLFW_PRESS)).isEqualTo(InputEvents.key(0, "KeyA", 38, true));
        assertThat(GlfwInput.key(GLFW.GLFW_KEY_A, 38, GLFW.GLFW_RELEASE))
                .isEqualTo(InputEvents.key(0, "KeyA", 38, false));
        assertThat(GlfwInput.key(GLFW.GLFW_KEY_A, 38, GLFW.GLFW_REPEAT))
                .as("a held key repeats as presses, like winit's keyboard events")
                .isEqualTo(InputEvents.key(0, "KeyA", 38, true));
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_7)).isEqualTo("Digit7");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_Z)).isEqualTo("KeyZ");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_LEFT)).isEqualTo("ArrowLeft");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_GRAVE_ACCENT)).isEqualTo("Backquote");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_APOSTROPHE)).isEqualTo("Quote");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_WORLD_1)).isEqualTo("IntlBackslash");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_KP_5)).isEqualTo("Numpad5");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_F25)).isEqualTo("F25");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_RIGHT_SUPER)).isEqualTo("SuperRight");
        assertThat(KeyCodes.name(GLFW.GLFW_KEY_MENU)).isEqualTo("ContextMenu");
        // every GLFW key token from space to menu except WORLD_2 (no winit equivalent)
        assertThat(KeyCodes.count()).isEqualTo(119);
    }

    @Test
    void keysWithoutANameCarryTheirScanCode() {
        assertThat(GlfwInput.key(GLFW.GLFW_KEY_UNKNOWN, 191, GLFW.GLFW_PRESS))
                .isEqualTo(InputEvents.key(0, null, 191, true));
        assertThat(GlfwInput.key(GLFW.GLFW_KEY_WORLD_2, 200, GLFW.GLFW_RELEASE))
                .isEqualTo(InputEvents.key(0, null, 200, false));
    }

    @Test
    void everyNameIsOneOfUpstreamsKeyCodes() throws Exception {
        Path upstream = Path.of("/tmp/up/crates/interstice-abi/src/host_calls/input/key_code.rs");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.exists(upstream), "SKIPPED: upstream's source is not unpacked at /tmp/up");
        String src = Files.readString(upstream);
        for (int key = 0; key <= GLFW.GLFW_KEY_LAST; key++) {
            String name = KeyCodes.name(key);
            if (name != null)
                assertThat(Pattern.compile("(?m)^\\s+" + name + ",?$")
                                .matcher(src)
                                .find())
                        .as(name)
                        .isTrue();
        }
    }

    @Test
    void buttonsKeepUpstreamsNumbersAndWheelLinesArePixels() {
        assertThat(GlfwInput.button(GLFW.GLFW_MOUSE_BUTTON_LEFT, GLFW.GLFW_PRESS))
                .isEqualTo(InputEvents.button(1, 0, true));
        assertThat(GlfwInput.button(GLFW.GLFW_MOUSE_BUTTON_RIGHT, GLFW.GLFW_RELEASE))
                .isEqualTo(InputEvents.button(1, 1, false));
        assertThat(GlfwInput.button(GLFW.GLFW_MOUSE_BUTTON_MIDDLE, GLFW.GLFW_PRESS))
                .isEqualTo(InputEvents.button(1, 2, true));
        assertThat(GlfwInput.button(GLFW.GLFW_MOUSE_BUTTON_4, GLFW.GLFW_PRESS))
                .as("back")
                .isEqualTo(InputEvents.button(1, 3, true));
        assertThat(GlfwInput.scroll(0, -1)).isEqualTo(InputEvents.mouseWheel(1, 0, -40));
        assertThat(GlfwInput.scroll(0.5, 2)).isEqualTo(InputEvents.mouseWheel(1, 20, 80));
    }

    @Test
    void cursorPositionsBecomeMotionSinceTheLastOne() {
        var c = new GlfwInput.Cursor(10, 20);
        assertThat(c.moveTo(40, 30)).isEqualTo(InputEvents.mouseMotion(1, 30, 10));
        assertThat(c.moveTo(40, 30)).isNull();
        assertThat(c.moveTo(35.5, 31)).isEqualTo(InputEvents.mouseMotion(1, -4.5, 1));
    }
}
