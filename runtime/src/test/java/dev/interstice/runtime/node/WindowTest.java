package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.InputEvents;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.window.FrameListener;
import dev.interstice.runtime.authority.window.NodeWindow;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.testing.Displays;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.awt.Robot;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node's window under a real X server (Xvfb in CI): it opens with the node's name and size, input driven through
 * the X server (XTest, as java.awt.Robot sends it) reaches the Input holder with upstream's codes, a resize is a
 * WindowResized event, and the Gpu holder's render runs once a frame.
 */
class WindowTest {
    private static final long WAIT_MS = 10_000;
    TestNode t;

    @BeforeEach
    void display() {
        Displays.require();
    }

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    private static TestNode windowNode(String title, int width, int height) {
        return new TestNode(NodeConfig.inMemory()
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                        .withWindow(WindowSettings.window().withTitle(title).withSize(width, height))));
    }

    private NodeWindow window() {
        return t.node.authorities().window().orElseThrow();
    }

    /** The events the "game" module's input handler received, in order. */
    private List<IntersticeValue> received() {
        return t.hexLogsOf("game").stream()
                .map(b -> {
                    var r = new PostcardReader(b);
                    r.readString();
                    r.readString();
                    return ((IntersticeValue.Vec) Abi.readValue(r)).items().getFirst();
                })
                .toList();
    }

    private void await(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!ok.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("waited for " + what).isNegative();
            Thread.sleep(10);
        }
    }

    private IntersticeValue awaitEvent(String what, Predicate<IntersticeValue> p) throws InterruptedException {
        await(
                what + " (received: " + received() + ")",
                () -> received().stream().anyMatch(p));
        return received().stream().filter(p).findFirst().orElseThrow();
    }

    /** One line of `xwininfo -name title` output, e.g. "Width", or null when xwininfo is not installed. */
    private static String xwininfo(String title, String field) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/xwininfo"))) return null;
        var p = new ProcessBuilder("xwininfo", "-name", title)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Matcher m =
                Pattern.compile("\\s" + Pattern.quote(field) + ":\\s+(-?\\d+)").matcher(out);
        assertThat(m.find())
                .as("xwininfo found the window titled '" + title + "': " + out)
                .isTrue();
        return m.group(1);
    }

    @Test
    void theWindowHasTheNodesNameAndSize() throws Exception {
        t = windowNode("window-test-node", 320, 240);
        assertThat(window().width()).isEqualTo(320);
        assertThat(window().height()).isEqualTo(240);
        assertThat(window().x11Window()).isNotZero();
        assertThat(window().x11Display()).isNotZero();
        String w = xwininfo("window-test-node", "Width");
        assumeTrue(w != null, "SKIPPED in part: xwininfo (x11-utils) is not installed to check the X window");
        assertThat(w).isEqualTo("320");
        assertThat(xwininfo("window-test-node", "Height")).isEqualTo("240");
        assertThat(t.node.authorities().summary()).contains("Gpu", "Input").doesNotContain("not offered: Gpu");
    }

    private static ModuleFixture game() {
        return ModuleFixture.module("game")
                .authority(Authority.INPUT)
                .subscribe("on_input", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INPUT))
                .reducer("on_input", List.of(), List.of(), InputAuthorityTest.LOG_INPUT);
    }

    @Test
    void keysButtonsMotionAndWheelFromTheXServerReachTheInputHolder() throws Exception {
        t = windowNode("window-input-test", 320, 240);
        t.node.publish("game.wasm", game().build(), false);
        int x0 = Integer.parseInt(xwininfoOrZero("window-input-test", "Absolute upper-left X"));
        int y0 = Integer.parseInt(xwininfoOrZero("window-input-test", "Absolute upper-left Y"));
        var robot = new Robot();
        robot.setAutoDelay(20);
        robot.mouseMove(x0 + 50, y0 + 50);
        robot.waitForIdle();
        await("the pointer entered the window", () -> !received().isEmpty());
        int before = received().size();
        robot.mouseMove(x0 + 80, y0 + 60);
        var motion = awaitEvent(
                "the motion", e -> received().indexOf(e) >= before && variant(e).equals("MouseMotion"));
        assertThat(motion).isEqualTo(InputEvents.mouseMotion(1, 30, 10));

        robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
        robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
        robot.mousePress(InputEvent.BUTTON3_DOWN_MASK);
        robot.mouseRelease(InputEvent.BUTTON3_DOWN_MASK);
        robot.mouseWheel(1); // one notch towards the user: X button 5, GLFW y offset -1
        robot.keyPress(KeyEvent.VK_A);
        robot.keyRelease(KeyEvent.VK_A);
        robot.keyPress(KeyEvent.VK_LEFT);
        robot.keyRelease(KeyEvent.VK_LEFT);
        robot.waitForIdle();
        awaitEvent("the last key", e -> isKey(e, "ArrowLeft", false));
        var rest = received().stream()
                .filter(e -> !variant(e).equals("MouseMotion") && !variant(e).equals("WindowFocused"))
                .toList();
        assertThat(rest)
                .containsSubsequence(
                        InputEvents.button(1, 0, true),
                        InputEvents.button(1, 0, false),
                        InputEvents.button(1, 1, true),
                        InputEvents.button(1, 1, false),
                        InputEvents.mouseWheel(1, 0, -40));
        var keys = rest.stream().filter(e -> variant(e).equals("Key")).toList();
        assertThat(keys).extracting(WindowTest::keyName).containsExactly("KeyA", "KeyA", "ArrowLeft", "ArrowLeft");
        assertThat(keys).extracting(WindowTest::keyState).containsExactly("Pressed", "Released", "Pressed", "Released");
    }

    private static String xwininfoOrZero(String title, String field) throws IOException, InterruptedException {
        String v = xwininfo(title, field);
        assumeTrue(v != null, "SKIPPED: xwininfo (x11-utils) is not installed to find the window on screen");
        return v;
    }

    private static String variant(IntersticeValue e) {
        return InputEvents.variant(e);
    }

    private static IntersticeValue field(IntersticeValue e, int i) {
        return ((IntersticeValue.Struct) ((IntersticeValue.Enum) e).value())
                .fields()
                .get(i)
                .value();
    }

    private static String keyName(IntersticeValue e) {
        var physical = (IntersticeValue.Enum) field(e, 1);
        return ((IntersticeValue.Enum) physical.value()).variant();
    }

    private static String keyState(IntersticeValue e) {
        return ((IntersticeValue.Enum) field(e, 2)).variant();
    }

    private static boolean isKey(IntersticeValue e, String name, boolean pressed) {
        return variant(e).equals("Key")
                && field(e, 1) instanceof IntersticeValue.Enum p
                && p.variant().equals("Code")
                && keyName(e).equals(name)
                && keyState(e).equals(pressed ? "Pressed" : "Released");
    }

    @Test
    void aResizeIsAWindowResizedEventForAModuleThatDeclaresIt() throws Exception {
        t = windowNode("window-resize-test", 320, 240);
        var game = game();
        Displays.inputTypesWithWindowEvents().forEach(game::type);
        t.node.publish("game.wasm", game.build(), false);
        window().resize(400, 300);
        awaitEvent("the resize", e -> e.equals(InputEvents.windowResized(400, 300)));
        assertThat(window().width()).isEqualTo(400);
        assertThat(window().height()).isEqualTo(300);
        String w = xwininfo("window-resize-test", "Width");
        if (w != null) assertThat(w).isEqualTo("400");
    }

    @Test
    void theGpuHoldersRenderRunsOnceAFrameBetweenTheListenersCalls() throws Exception {
        t = windowNode("window-render-test", 200, 150);
        var before = new AtomicInteger();
        var after = new AtomicInteger();
        var sizes = new java.util.concurrent.CopyOnWriteArrayList<String>();
        window().setFrameListener(new FrameListener() {
            @Override
            public void beforeRender(int width, int height) {
                before.incrementAndGet();
                sizes.add(width + "x" + height);
            }

            @Override
            public void afterRender() {
                after.incrementAndGet();
            }
        });
        t.node.publish(
                "painter.wasm",
                ModuleFixture.module("painter")
                        .authority(Authority.GPU)
                        .blob("frame", "frame".getBytes(StandardCharsets.UTF_8))
                        .subscribe("render", new SubscriptionEvent.Core(SubscriptionEvent.Simple.RENDER))
                        .reducer(
                                "render",
                                List.of(),
                                List.of(),
                                "(call $log (i32.const ${frame}) (i32.const ${frame.len}))")
                        .build(),
                false);
        long tx = t.node.lastTxId();
        await("5 renders", () -> t.logsOf("painter").size() >= 5);
        assertThat(t.logsOf("painter")).allMatch("frame"::equals);
        assertThat(before.get()).isGreaterThanOrEqualTo(5);
        assertThat(after.get()).isGreaterThanOrEqualTo(before.get() - 1);
        assertThat(sizes).allMatch("200x150"::equals);
        await("each render committed as a transaction of its own", () -> t.node.lastTxId() - tx >= 5);
        t.node.remove("painter");
        long renders = window().renders();
        long frames = window().frames();
        await("frames go on", () -> window().frames() >= frames + 5);
        // (one render already past its look-up when the module left may still run, and fail)
        assertThat(window().renders()).as("no render without a Gpu holder").isLessThanOrEqualTo(renders + 1);
    }

    @Test
    void aTrappingRenderDropsItsFramesAndTheWindowGoesOn() throws Exception {
        t = windowNode("window-trap-test", 160, 120);
        t.node.publish(
                "painter.wasm",
                ModuleFixture.module("painter")
                        .authority(Authority.GPU)
                        .subscribe("render", new SubscriptionEvent.Core(SubscriptionEvent.Simple.RENDER))
                        .reducer("render", List.of(), List.of(), "unreachable")
                        .build(),
                false);
        long tx = t.node.lastTxId();
        await("3 renders", () -> window().renders() >= 3);
        long frames = window().frames();
        await("frames go on", () -> window().frames() >= frames + 3);
        assertThat(t.node.lastTxId()).as("a trapping render commits nothing").isEqualTo(tx);
        t.node.remove("painter");
    }
}
