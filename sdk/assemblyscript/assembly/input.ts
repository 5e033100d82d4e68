// Input events (upstream's ABI-6 InputEvent) for `@reducer({ on: "input" })` in the module holding the Input
// authority: the node delivers a frame's events in order, each as an IntersticeValue
// Enum{"InputEvent", variant, Struct{variant, fields}} (a unit variant such as CloseRequested carries Void).

import { Reader, Tag } from "./codec";
import { Value } from "./value";

/**
 * One input event. `kind` is the variant: Added, Removed, MouseMotion, MouseWheel, Motion, Button, Key,
 * WindowResized, WindowFocused or CloseRequested. Fields a kind does not carry are 0, false or empty.
 */
export class InputEvent {
  kind: string = "";
  deviceId: u32 = 0;
  /** MouseMotion: raw movement; MouseWheel: scroll in pixels. */
  deltaX: f64 = 0;
  deltaY: f64 = 0;
  /** Motion. */
  axisId: u32 = 0;
  value: f64 = 0;
  /** Button. */
  buttonId: u32 = 0;
  /** Button, Key: pressed (true) or released. */
  pressed: bool = false;
  /** Key: the physical key's name as upstream's KeyCode (winit's: "KeyA", "Space", "ArrowLeft"), or "" when the key has none. */
  keyCode: string = "";
  /** Key: the scan code of a key without a name. */
  scanCode: u32 = 0;
  /** WindowResized: the new size in pixels. */
  width: u32 = 0;
  height: u32 = 0;
  /** WindowFocused. */
  focused: bool = false;

  get isKey(): bool {
    return this.kind == "Key";
  }
  get isButton(): bool {
    return this.kind == "Button";
  }
  get isMouseMotion(): bool {
    return this.kind == "MouseMotion";
  }
  get isMouseWheel(): bool {
    return this.kind == "MouseWheel";
  }
  get isCloseRequested(): bool {
    return this.kind == "CloseRequested";
  }

  /** Reads the event the node delivers. */
  static decode(r: Reader): InputEvent {
    return InputEvent.of(Value.decode(r));
  }

  static of(v: Value): InputEvent {
    let e = new InputEvent();
    e.kind = v.variant;
    let f = v.payload;
    if (f.kind != Tag.Struct) return e; // a unit variant (CloseRequested)
    let x = f.field("device_id");
    if (x) e.deviceId = num(x);
    x = f.field("delta");
    if (x) {
      let pair = x.asArray();
      e.deltaX = pair[0].asF64();
      e.deltaY = pair[1].asF64();
    }
    x = f.field("axis_id");
    if (x) e.axisId = num(x);
    x = f.field("value");
    if (x) e.value = x.asF64();
    x = f.field("button_id");
    if (x) e.buttonId = num(x);
    x = f.field("state");
    if (x) e.pressed = x.variant == "Pressed";
    x = f.field("physical_key");
    if (x) {
      // PhysicalKey::Code(KeyCode::<name>) or PhysicalKey::Unidentified(scan code)
      if (x.variant == "Code") e.keyCode = x.payload.variant;
      else e.scanCode = num(x.payload);
    }
    x = f.field("width");
    if (x) e.width = num(x);
    x = f.field("height");
    if (x) e.height = num(x);
    x = f.field("focused");
    if (x) e.focused = x.asBool();
    return e;
  }
}

/** A u32 field (tolerating the other integer kinds a window may send). */
function num(v: Value): u32 {
  if (v.kind == Tag.U32 || v.kind == Tag.U64 || v.kind == Tag.U8 || v.kind == Tag.I32 || v.kind == Tag.I64) return <u32>v.bits;
  return <u32>v.asF64();
}
