// @ts-check
// The type definitions a module with an input handler declares: upstream's ABI-6 InputEvent (and the types it names)
// plus the node's window variants. The node delivers WindowResized, WindowFocused and CloseRequested only to modules
// whose `InputEvent` type lists them (upstream's modules trap on variants they do not know); the SDK decodes all ten.

/**
 * @typedef {import("./postcard.js").TypeDefValue} TypeDefValue
 * @typedef {import("./postcard.js").IntersticeType} IntersticeType
 */

/** Upstream's KeyCode variants (winit's physical key names), in upstream's order. */
const KEY_CODES = `Backquote Backslash BracketLeft BracketRight Comma Digit0 Digit1 Digit2 Digit3 Digit4 Digit5 Digit6 Digit7
  Digit8 Digit9 Equal IntlBackslash IntlRo IntlYen KeyA KeyB KeyC KeyD KeyE KeyF KeyG KeyH KeyI KeyJ KeyK KeyL
  KeyM KeyN KeyO KeyP KeyQ KeyR KeyS KeyT KeyU KeyV KeyW KeyX KeyY KeyZ Minus Period Quote Semicolon Slash
  AltLeft AltRight Backspace CapsLock ContextMenu ControlLeft ControlRight Enter SuperLeft SuperRight ShiftLeft
  ShiftRight Space Tab Convert KanaMode Lang1 Lang2 Lang3 Lang4 Lang5 NonConvert Delete End Help Home Insert
  PageDown PageUp ArrowDown ArrowLeft ArrowRight ArrowUp NumLock Numpad0 Numpad1 Numpad2 Numpad3 Numpad4
  Numpad5 Numpad6 Numpad7 Numpad8 Numpad9 NumpadAdd NumpadBackspace NumpadClear NumpadClearEntry NumpadComma
  NumpadDecimal NumpadDivide NumpadEnter NumpadEqual NumpadHash NumpadMemoryAdd NumpadMemoryClear
  NumpadMemoryRecall NumpadMemoryStore NumpadMemorySubtract NumpadMultiply NumpadParenLeft NumpadParenRight
  NumpadStar NumpadSubtract Escape Fn FnLock PrintScreen ScrollLock Pause BrowserBack BrowserFavorites
  BrowserForward BrowserHome BrowserRefresh BrowserSearch BrowserStop Eject LaunchApp1 LaunchApp2 LaunchMail
  MediaPlayPause MediaSelect MediaStop MediaTrackNext MediaTrackPrevious Power Sleep AudioVolumeDown
  AudioVolumeMute AudioVolumeUp WakeUp Meta Hyper Turbo Abort Resume Suspend Again Copy Cut Find Open Paste
  Props Select Undo Hiragana Katakana F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 F11 F12 F13 F14 F15 F16 F17 F18 F19 F20
  F21 F22 F23 F24 F25 F26 F27 F28 F29 F30 F31 F32 F33 F34 F35`.split(/\s+/);

/** @param {IntersticeType[]} items */
const tuple = (...items) => ({ Tuple: items });
/** @param {string} name @param {[string, IntersticeType][]} variants @returns {TypeDefValue} */
const enumDef = (name, variants) => ({ Enum: { name, variants: variants.map(([n, t]) => ({ name: n, field_type: t })) } });

const PAIR = tuple("F64", "F64");
const STATE = { Named: "ElementState" };

/** The type definitions by name; variants with named fields are tuples of the field types, as upstream's derive writes them. */
export const INPUT_TYPE_DEFS = /** @type {Record<string, TypeDefValue>} */ ({
  InputEvent: enumDef("InputEvent", [
    ["Added", tuple("U32")],
    ["Removed", tuple("U32")],
    ["MouseMotion", tuple("U32", PAIR)],
    ["MouseWheel", tuple("U32", PAIR)],
    ["Motion", tuple("U32", "U32", "F64")],
    ["Button", tuple("U32", "U32", STATE)],
    ["Key", tuple("U32", { Named: "PhysicalKey" }, STATE)],
    ["WindowResized", tuple("U32", "U32")],
    ["WindowFocused", tuple("Bool")],
    ["CloseRequested", "Void"],
  ]),
  ElementState: enumDef("ElementState", [
    ["Pressed", "Void"],
    ["Released", "Void"],
  ]),
  PhysicalKey: enumDef("PhysicalKey", [
    ["Code", { Named: "KeyCode" }],
    ["Unidentified", "U32"],
  ]),
  KeyCode: enumDef(
    "KeyCode",
    KEY_CODES.map((k) => [k, "Void"]),
  ),
});
