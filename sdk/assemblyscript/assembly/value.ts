// A dynamic IntersticeValue, for generic calls (`ctx.callReducer(module, name, args)`) and their results.

import { Writer, Reader, Tag, KeyTag, tagName } from "./codec";

export class Field {
  constructor(public name: string, public value: Value) {}
}

export class Value {
  kind: u32 = Tag.Void;
  bits: u64 = 0; // U8/U32/U64/I32/I64/Bool payloads
  num: f64 = 0; // F32/F64 payloads
  text: string = ""; // String payload; Struct/Enum name
  variant: string = ""; // Enum variant
  items: Array<Value> | null = null; // Vec/Tuple items; Option: 0 or 1 item; Enum: 1 item (payload)
  fields: Array<Field> | null = null; // Struct fields

  static void(): Value {
    return new Value();
  }
  static u8(v: u8): Value {
    let x = new Value();
    x.kind = Tag.U8;
    x.bits = <u64>v;
    return x;
  }
  static u32(v: u32): Value {
    let x = new Value();
    x.kind = Tag.U32;
    x.bits = <u64>v;
    return x;
  }
  static u64(v: u64): Value {
    let x = new Value();
    x.kind = Tag.U64;
    x.bits = v;
    return x;
  }
  static i32(v: i32): Value {
    let x = new Value();
    x.kind = Tag.I32;
    x.bits = <u64>(<i64>v);
    return x;
  }
  static i64(v: i64): Value {
    let x = new Value();
    x.kind = Tag.I64;
    x.bits = <u64>v;
    return x;
  }
  static f32(v: f32): Value {
    let x = new Value();
    x.kind = Tag.F32;
    x.num = <f64>v;
    return x;
  }
  static f64(v: f64): Value {
    let x = new Value();
    x.kind = Tag.F64;
    x.num = v;
    return x;
  }
  static bool(v: bool): Value {
    let x = new Value();
    x.kind = Tag.Bool;
    x.bits = v ? 1 : 0;
    return x;
  }
  static string(v: string): Value {
    let x = new Value();
    x.kind = Tag.String;
    x.text = v;
    return x;
  }
  static vec(items: Array<Value>): Value {
    let x = new Value();
    x.kind = Tag.Vec;
    x.items = items;
    return x;
  }
  static tuple(items: Array<Value>): Value {
    let x = new Value();
    x.kind = Tag.Tuple;
    x.items = items;
    return x;
  }
  static some(v: Value): Value {
    let x = new Value();
    x.kind = Tag.Option;
    x.items = [v];
    return x;
  }
  static none(): Value {
    let x = new Value();
    x.kind = Tag.Option;
    x.items = [];
    return x;
  }
  static struct(name: string, fields: Array<Field>): Value {
    let x = new Value();
    x.kind = Tag.Struct;
    x.text = name;
    x.fields = fields;
    return x;
  }
  static enum(name: string, variant: string, payload: Value): Value {
    let x = new Value();
    x.kind = Tag.Enum;
    x.text = name;
    x.variant = variant;
    x.items = [payload];
    return x;
  }

  private want(kind: u32): void {
    if (this.kind != kind) abort("Interstice: Value is " + tagName(this.kind) + ", not " + tagName(kind));
  }

  asU8(): u8 { this.want(Tag.U8); return <u8>this.bits; }
  asU32(): u32 { this.want(Tag.U32); return <u32>this.bits; }
  asU64(): u64 { this.want(Tag.U64); return this.bits; }
  asI32(): i32 { this.want(Tag.I32); return <i32>this.bits; }
  asI64(): i64 { this.want(Tag.I64); return <i64>this.bits; }
  asF32(): f32 { this.want(Tag.F32); return <f32>this.num; }
  asF64(): f64 { this.want(Tag.F64); return this.num; }
  asBool(): bool { this.want(Tag.Bool); return this.bits != 0; }
  asString(): string { this.want(Tag.String); return this.text; }
  /** A `Vec<u8>` (a Vec of U8 values, as upstream sends bytes) as bytes. */
  asBytes(): Uint8Array {
    let items = this.asArray();
    let bytes = new Uint8Array(items.length);
    for (let i = 0; i < items.length; i++) bytes[i] = items[i].asU8();
    return bytes;
  }
  /** Items of a Vec or Tuple. */
  asArray(): Array<Value> {
    if (this.kind != Tag.Vec && this.kind != Tag.Tuple) this.want(Tag.Vec);
    return this.items!;
  }
  /** The inner value of Some, or null for None. */
  asOption(): Value | null {
    this.want(Tag.Option);
    let items = this.items!;
    return items.length ? items[0] : null;
  }
  /** A struct field by name, or null. */
  field(name: string): Value | null {
    this.want(Tag.Struct);
    let fields = this.fields!;
    for (let i = 0; i < fields.length; i++) if (fields[i].name == name) return fields[i].value;
    return null;
  }
  /** The payload of an enum value. */
  get payload(): Value {
    this.want(Tag.Enum);
    return this.items![0];
  }

  encode(w: Writer): void {
    w.tag(this.kind);
    switch (this.kind) {
      case Tag.Void: break;
      case Tag.U8: { w.u8(<u8>this.bits); break; }
      case Tag.U32: { w.u32(<u32>this.bits); break; }
      case Tag.U64: { w.u64(this.bits); break; }
      case Tag.I32: { w.i32(<i32>this.bits); break; }
      case Tag.I64: { w.i64(<i64>this.bits); break; }
      case Tag.F32: { w.f32(<f32>this.num); break; }
      case Tag.F64: { w.f64(this.num); break; }
      case Tag.Bool: { w.bool(this.bits != 0); break; }
      case Tag.String: { w.str(this.text); break; }
      case Tag.Vec:
      case Tag.Tuple: {
        let items = this.items!;
        w.varint32(<u32>items.length);
        for (let i = 0; i < items.length; i++) items[i].encode(w);
        break;
      }
      case Tag.Option: {
        let items = this.items!;
        if (items.length) {
          w.u8(1);
          items[0].encode(w);
        } else w.u8(0);
        break;
      }
      case Tag.Struct: {
        w.str(this.text);
        let fields = this.fields!;
        w.varint32(<u32>fields.length);
        for (let i = 0; i < fields.length; i++) {
          w.str(fields[i].name);
          fields[i].value.encode(w);
        }
        break;
      }
      case Tag.Enum: {
        w.str(this.text);
        w.str(this.variant);
        this.items![0].encode(w);
        break;
      }
      default: abort("Interstice: invalid Value kind");
    }
  }

  /** Encodes this value as an IndexKey (primary keys / index lookups). */
  encodeKey(w: Writer): void {
    switch (this.kind) {
      case Tag.U8: { w.tag(KeyTag.U8); w.u8(<u8>this.bits); return; }
      case Tag.U32: { w.tag(KeyTag.U32); w.u32(<u32>this.bits); return; }
      case Tag.U64: { w.tag(KeyTag.U64); w.u64(this.bits); return; }
      case Tag.I32: { w.tag(KeyTag.I32); w.i32(<i32>this.bits); return; }
      case Tag.I64: { w.tag(KeyTag.I64); w.i64(<i64>this.bits); return; }
      case Tag.Bool: { w.tag(KeyTag.Bool); w.bool(this.bits != 0); return; }
      case Tag.String: { w.tag(KeyTag.String); w.str(this.text); return; }
      case Tag.Option: {
        w.tag(KeyTag.Option);
        let items = this.items!;
        if (items.length) {
          w.u8(1);
          items[0].encodeKey(w);
        } else w.u8(0);
        return;
      }
      case Tag.Tuple: {
        w.tag(KeyTag.Tuple);
        let items = this.items!;
        w.varint32(<u32>items.length);
        for (let i = 0; i < items.length; i++) items[i].encodeKey(w);
        return;
      }
    }
    abort("Interstice: a " + tagName(this.kind) + " value cannot be an index key");
  }

  static decode(r: Reader): Value {
    let t = r.tag();
    let x = new Value();
    x.kind = t;
    switch (t) {
      case Tag.Void: break;
      case Tag.U8: { x.bits = <u64>r.u8(); break; }
      case Tag.U32: { x.bits = <u64>r.u32(); break; }
      case Tag.U64: { x.bits = r.u64(); break; }
      case Tag.I32: { x.bits = <u64>(<i64>r.i32()); break; }
      case Tag.I64: { x.bits = <u64>r.i64(); break; }
      case Tag.F32: { x.num = <f64>r.f32(); break; }
      case Tag.F64: { x.num = r.f64(); break; }
      case Tag.Bool: { x.bits = r.bool() ? 1 : 0; break; }
      case Tag.String: { x.text = r.str(); break; }
      case Tag.Vec:
      case Tag.Tuple: {
        let n = r.len();
        let items = new Array<Value>(n);
        for (let i = 0; i < n; i++) items[i] = Value.decode(r);
        x.items = items;
        break;
      }
      case Tag.Option: {
        x.items = r.bool() ? [Value.decode(r)] : [];
        break;
      }
      case Tag.Struct: {
        x.text = r.str();
        let n = r.len();
        let fields = new Array<Field>(n);
        for (let i = 0; i < n; i++) {
          let name = r.str();
          fields[i] = new Field(name, Value.decode(r));
        }
        x.fields = fields;
        break;
      }
      case Tag.Enum: {
        x.text = r.str();
        x.variant = r.str();
        x.items = [Value.decode(r)];
        break;
      }
      default: abort("Interstice: unknown IntersticeValue discriminant " + t.toString());
    }
    return x;
  }

  toString(): string {
    switch (this.kind) {
      case Tag.Void: return "void";
      case Tag.U8:
      case Tag.U32:
      case Tag.U64: return this.bits.toString();
      case Tag.I32:
      case Tag.I64: return (<i64>this.bits).toString();
      case Tag.F32:
      case Tag.F64: return this.num.toString();
      case Tag.Bool: return this.bits != 0 ? "true" : "false";
      case Tag.String: return "\"" + this.text + "\"";
      case Tag.Vec:
      case Tag.Tuple: {
        let items = this.items!;
        let parts = new Array<string>(items.length);
        for (let i = 0; i < items.length; i++) parts[i] = items[i].toString();
        return this.kind == Tag.Vec ? "[" + parts.join(", ") + "]" : "(" + parts.join(", ") + ")";
      }
      case Tag.Option: {
        let items = this.items!;
        return items.length ? "Some(" + items[0].toString() + ")" : "None";
      }
      case Tag.Struct: {
        let fields = this.fields!;
        let parts = new Array<string>(fields.length);
        for (let i = 0; i < fields.length; i++) parts[i] = fields[i].name + ": " + fields[i].value.toString();
        return this.text + " { " + parts.join(", ") + " }";
      }
      case Tag.Enum: return this.text + "::" + this.variant + "(" + this.items![0].toString() + ")";
    }
    return "?";
  }
}
