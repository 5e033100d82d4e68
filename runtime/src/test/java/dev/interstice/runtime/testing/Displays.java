package dev.interstice.runtime.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TypeDef;
import java.util.List;

/** Tests that need a display (an X server: scripts/test.sh starts Xvfb when DISPLAY is unset and Xvfb is installed). */
public final class Displays {
    private Displays() {}

    /** Skips the calling test, visibly, when there is no display. */
    public static void require() {
        String d = System.getenv("DISPLAY");
        assumeTrue(
                d != null && !d.isBlank(),
                "SKIPPED: no display (DISPLAY is not set; install Xvfb and run scripts/test.sh, which starts one)");
    }

    /**
     * The types a module declares to opt in to the window extension variants: {@code InputEvent} with upstream's seven
     * variants (named fields as tuple payloads, as upstream's derive describes them) and our three, and the types it
     * names ({@code KeyCode} shortened to a few keys: the node reads only {@code InputEvent}'s variant names).
     */
    public static List<TypeDef> inputTypesWithWindowEvents() {
        return List.of(
                inputEventWithWindowEvents(),
                new TypeDef.Enum(
                        "ElementState",
                        List.of(
                                new FieldDef("Pressed", IntersticeType.VOID),
                                new FieldDef("Released", IntersticeType.VOID))),
                new TypeDef.Enum(
                        "PhysicalKey",
                        List.of(
                                new FieldDef("Code", new IntersticeType.Named("KeyCode")),
                                new FieldDef("Unidentified", IntersticeType.U32))),
                new TypeDef.Enum(
                        "KeyCode",
                        List.of(
                                new FieldDef("KeyA", IntersticeType.VOID),
                                new FieldDef("ArrowLeft", IntersticeType.VOID))));
    }

    private static TypeDef inputEventWithWindowEvents() {
        var pair = new IntersticeType.Tuple(List.of(IntersticeType.F64, IntersticeType.F64));
        return new TypeDef.Enum(
                "InputEvent",
                List.of(
                        new FieldDef("Added", tuple(IntersticeType.U32)),
                        new FieldDef("Removed", tuple(IntersticeType.U32)),
                        new FieldDef("MouseMotion", tuple(IntersticeType.U32, pair)),
                        new FieldDef("MouseWheel", tuple(IntersticeType.U32, pair)),
                        new FieldDef("Motion", tuple(IntersticeType.U32, IntersticeType.U32, IntersticeType.F64)),
                        new FieldDef(
                                "Button",
                                tuple(
                                        IntersticeType.U32,
                                        IntersticeType.U32,
                                        new IntersticeType.Named("ElementState"))),
                        new FieldDef(
                                "Key",
                                tuple(
                                        IntersticeType.U32,
                                        new IntersticeType.Named("PhysicalKey"),
                                        new IntersticeType.Named("ElementState"))),
                        new FieldDef("WindowResized", tuple(IntersticeType.U32, IntersticeType.U32)),
                        new FieldDef("WindowFocused", tuple(IntersticeType.BOOL)),
                        new FieldDef("CloseRequested", IntersticeType.VOID)));
    }

    private static IntersticeType tuple(IntersticeType... t) {
        return new IntersticeType.Tuple(List.of(t));
    }
}
