package dev.interstice.abi.codec;

import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.Set;

/**
 * Upstream's ABI-6 {@code InputEvent} values (crates/interstice-abi/src/host_calls/input), as the Input holder's
 * {@code input} reducer receives them, shaped by upstream's {@code IntersticeType} derive: named variants are
 * {@code Enum{"InputEvent", variant, Struct{variant, fields}}}, unit variants carry {@code Void}, a one-field variant
 * its value, a tuple a {@code Tuple}. Device ids, axis, button and scan codes are u32; deltas and values f64.
 *
 * <p>Three variants are our extension, after upstream's seven (so their indexes do not move): {@code WindowResized},
 * {@code WindowFocused} and {@code CloseRequested}. Upstream's decoder traps on a variant it does not know, so the
 * node sends them only to a module whose schema declares them (docs/abi.md, "Window events").
 */
public final class InputEvents {
    /** The extension variants' names. */
    public static final Set<String> EXTENSION_VARIANTS = Set.of("WindowResized", "WindowFocused", "CloseRequested");

    private InputEvents() {}

    /** Extension: the window's drawable area is now {@code width} x {@code height} pixels. */
    public static IntersticeValue windowResized(long width, long height) {
        return event(
                "WindowResized",
                field("width", IntersticeValue.u32(width)),
                field("height", IntersticeValue.u32(height)));
    }

    /** Extension: the window gained or lost the keyboard focus. */
    public static IntersticeValue windowFocused(boolean focused) {
        return event("WindowFocused", field("focused", IntersticeValue.bool(focused)));
    }

    /** Extension: the user asked to close the window (its close button); the window stays open. */
    public static IntersticeValue closeRequested() {
        return new IntersticeValue.Enum("InputEvent", "CloseRequested", IntersticeValue.VOID);
    }

    /** The variant name of an {@code InputEvent} value. */
    public static String variant(IntersticeValue event) {
        return ((IntersticeValue.Enum) event).variant();
    }

    public static IntersticeValue added(long deviceId) {
        return event("Added", device(deviceId));
    }

    public static IntersticeValue removed(long deviceId) {
        return event("Removed", device(deviceId));
    }

    /** Raw pointer movement since the last event. */
    public static IntersticeValue mouseMotion(long deviceId, double dx, double dy) {
        return event("MouseMotion", device(deviceId), field("delta", pair(dx, dy)));
    }

    /** Wheel movement in pixels (upstream turns a line into 40 pixels). */
    public static IntersticeValue mouseWheel(long deviceId, double dx, double dy) {
        return event("MouseWheel", device(deviceId), field("delta", pair(dx, dy)));
    }

    public static IntersticeValue motion(long deviceId, long axisId, double value) {
        return event(
                "Motion",
                device(deviceId),
                field("axis_id", IntersticeValue.u32(axisId)),
                field("value", IntersticeValue.f64(value)));
    }

    public static IntersticeValue button(long deviceId, long buttonId, boolean pressed) {
        return event(
                "Button",
                device(deviceId),
                field("button_id", IntersticeValue.u32(buttonId)),
                field("state", state(pressed)));
    }

    /**
     * A key by its physical position: {@code keyCode} is one of upstream's {@code KeyCode} variant names (winit's,
     * e.g. {@code KeyA}, {@code Space}, {@code ArrowLeft}), or null for a key it has no name for, which is then
     * {@code PhysicalKey::Unidentified(scanCode)}.
     */
    public static IntersticeValue key(long deviceId, String keyCode, long scanCode, boolean pressed) {
        IntersticeValue physical = keyCode == null
                ? new IntersticeValue.Enum("PhysicalKey", "Unidentified", IntersticeValue.u32(scanCode))
                : new IntersticeValue.Enum(
                        "PhysicalKey", "Code", new IntersticeValue.Enum("KeyCode", keyCode, IntersticeValue.VOID));
        return event("Key", device(deviceId), field("physical_key", physical), field("state", state(pressed)));
    }

    private static IntersticeValue state(boolean pressed) {
        return new IntersticeValue.Enum("ElementState", pressed ? "Pressed" : "Released", IntersticeValue.VOID);
    }

    private static IntersticeValue pair(double a, double b) {
        return IntersticeValue.tuple(IntersticeValue.f64(a), IntersticeValue.f64(b));
    }

    private static IntersticeValue.Field device(long deviceId) {
        return field("device_id", IntersticeValue.u32(deviceId));
    }

    private static IntersticeValue.Field field(String name, IntersticeValue v) {
        return new IntersticeValue.Field(name, v);
    }

    private static IntersticeValue event(String variant, IntersticeValue.Field... fields) {
        return new IntersticeValue.Enum("InputEvent", variant, new IntersticeValue.Struct(variant, List.of(fields)));
    }
}
