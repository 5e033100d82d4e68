package dev.interstice.runtime.engine;

/**
 * A structural pass over a module's bytes before the engine parses them. Chicory sizes lists and arrays from counts
 * read from the module before reading their elements (a section's size, a function type's parameters, a data
 * segment's bytes, a function's locals), so a few bytes claiming four billion of something make it allocate until the
 * heap is gone, and a node started with {@code -XX:+ExitOnOutOfMemoryError} stops. Here every such count must fit in
 * the bytes left in its section (each element takes at least one byte), and a function declares at most
 * {@link #MAX_LOCALS} locals in all.
 *
 * <p>It checks only that: whatever it does not understand (a type, element or expression form, an instruction it does
 * not know) ends its look at that section or function body, and the engine's parser decides. Instructions are decoded
 * for the counts some of them carry ({@code br_table}, typed {@code select}, {@code try_table}); the GC proposal's
 * instructions are not decoded (a body using one is checked up to it).
 */
final class WasmPrecheck {
    /** At most this many locals per function in all (Chicory's limit per declaration group, V8's per function). */
    static final long MAX_LOCALS = 50_000;

    private static final int TYPE = 1;
    private static final int ELEMENT = 9;
    private static final int CODE = 10;
    private static final int DATA = 11;

    private WasmPrecheck() {}

    /** Why the module cannot be parsed safely, or null. */
    static String problem(byte[] wasm) {
        return check(wasm, new int[1]);
    }

    /** How many function bodies this pass could not decode to their end (tests: real modules decode fully). */
    static int undecodedBodies(byte[] wasm) {
        int[] undecoded = new int[1];
        check(wasm, undecoded);
        return undecoded[0];
    }

    private static String check(byte[] wasm, int[] undecoded) {
        if (wasm.length < 8) return null; // the parser says what is wrong with it
        var r = new Reader(wasm, 8, wasm.length);
        try {
            while (r.pos < r.end) {
                int id = r.u8();
                long size = r.u32();
                if (size > r.end - r.pos)
                    return "section " + id + " declares " + size + " bytes, but only " + (r.end - r.pos) + " follow";
                var s = new Reader(wasm, r.pos, r.pos + (int) size);
                r.pos += (int) size;
                try {
                    switch (id) {
                        case TYPE -> types(s);
                        case ELEMENT -> elements(s);
                        case CODE -> code(s, undecoded);
                        case DATA -> data(s);
                        default -> {}
                    }
                } catch (Unknown | Truncated e) {
                    // not understood, or cut short: the engine's parser decides
                }
            }
        } catch (TooMany e) {
            return e.getMessage();
        } catch (Unknown | Truncated e) {
            return null;
        }
        return null;
    }

    private static void types(Reader r) {
        for (long n = r.count("types", 1); n > 0; n--) {
            int form = r.u8();
            if (form == 0x4E) { // rec: a group of subtypes
                for (long m = r.count("types in a recursive group", 1); m > 0; m--) subtype(r, r.u8());
            } else subtype(r, form);
        }
    }

    private static void subtype(Reader r, int form) {
        if (form == 0x50 || form == 0x4F) { // sub, sub final: supertypes, then the composite type
            for (long n = r.count("supertypes", 1); n > 0; n--) r.u32();
            form = r.u8();
        }
        switch (form) {
            case 0x60 -> { // func
                for (long n = r.count("parameters", 1); n > 0; n--) valueType(r);
                for (long n = r.count("results", 1); n > 0; n--) valueType(r);
            }
            case 0x5F -> { // struct
                for (long n = r.count("fields", 2); n > 0; n--) fieldType(r);
            }
            case 0x5E -> fieldType(r); // array
            default -> throw new Unknown();
        }
    }

    private static void fieldType(Reader r) {
        valueType(r); // a storage type: a value type or a packed one (one byte)
        r.u8(); // mutability
    }

    private static void valueType(Reader r) {
        int t = r.u8();
        if (t == 0x63 || t == 0x64) r.leb(); // (ref null? heaptype): a heap type is an s33
    }

    private static void elements(Reader r) {
        for (long n = r.count("element segments", 1); n > 0; n--) {
            long flags = r.u32();
            if (flags > 7) throw new Unknown();
            if ((flags & 1) == 0) { // active
                if ((flags & 2) != 0) r.u32(); // table index
                constExpr(r);
            }
            boolean expressions = (flags & 4) != 0;
            if ((flags & 3) != 0) { // an element kind (indices) or a reference type (expressions)
                if (expressions) valueType(r);
                else r.u8();
            }
            long items = r.count("elements", 1);
            for (; items > 0; items--) {
                if (expressions) constExpr(r);
                else r.u32();
            }
        }
    }

    private static void data(Reader r) {
        for (long n = r.count("data segments", 1); n > 0; n--) {
            long flags = r.u32();
            if (flags == 2) r.u32(); // memory index
            if (flags == 0 || flags == 2) constExpr(r);
            else if (flags != 1) throw new Unknown();
            r.skip(r.count("bytes of a data segment", 1));
        }
    }

    private static void code(Reader r, int[] undecoded) {
        for (long n = r.count("function bodies", 1); n > 0; n--) {
            long size = r.u32();
            if (size > r.end - r.pos)
                throw new TooMany(
                        "a function body declares " + size + " bytes, but only " + (r.end - r.pos) + " follow");
            var body = new Reader(r.bytes, r.pos, r.pos + (int) size);
            r.pos += (int) size;
            long locals = 0;
            for (long groups = body.count("local declarations", 2); groups > 0; groups--) {
                locals += body.u32();
                if (locals > MAX_LOCALS) throw new TooMany("a function declares more than " + MAX_LOCALS + " locals");
                valueType(body);
            }
            try {
                while (body.pos < body.end) instruction(body);
            } catch (Unknown | Truncated e) {
                undecoded[0]++; // an instruction not known here, or a body cut short: the engine's parser decides
            }
        }
    }

    /** Skips one instruction and its immediates, checking the counts among them. */
    private static void instruction(Reader r) {
        int op = r.u8();
        switch (op) {
            case 0x02, 0x03, 0x04, 0x06 -> blockType(r); // block, loop, if, try
            case 0x0E -> { // br_table: labels, then the default
                for (long n = r.count("br_table labels", 1); n > 0; n--) r.u32();
                r.u32();
            }
            case 0x1C -> { // select with types
                for (long n = r.count("select types", 1); n > 0; n--) valueType(r);
            }
            case 0x1F -> { // try_table: a block type, then catch clauses
                blockType(r);
                for (long n = r.count("try_table catches", 2); n > 0; n--) {
                    if (r.u8() < 2) r.u32(); // catch and catch_ref name a tag
                    r.u32(); // the label
                }
            }
            case 0x07,
                    0x08,
                    0x09,
                    0x0C,
                    0x0D,
                    0x10,
                    0x12,
                    0x14,
                    0x15,
                    0x18,
                    0x20,
                    0x21,
                    0x22,
                    0x23,
                    0x24,
                    0x25,
                    0x26,
                    0x3F,
                    0x40,
                    0xD2,
                    0xD5,
                    0xD6 -> r.u32(); // one index (or label, or memory)
            case 0x11, 0x13 -> { // call_indirect, return_call_indirect: type, table
                r.u32();
                r.u32();
            }
            case 0x41, 0x42, 0xD0 -> r.leb(); // i32.const, i64.const, ref.null (a heap type)
            case 0x43 -> r.skip(4);
            case 0x44 -> r.skip(8);
            case 0xFC -> misc(r);
            case 0xFD -> simd(r);
            default -> {
                if (op >= 0x28 && op <= 0x3E) memarg(r); // loads and stores
                else if (!noImmediates(op)) throw new Unknown();
            }
        }
    }

    private static boolean noImmediates(int op) {
        return op <= 0x01 // unreachable, nop
                || op == 0x05 // else
                || op == 0x0A // throw_ref
                || op == 0x0B // end
                || op == 0x0F // return
                || op == 0x19 // catch_all
                || op == 0x1A // drop
                || op == 0x1B // select
                || (op >= 0x45 && op <= 0xC4) // numeric
                || op == 0xD1 // ref.is_null
                || op == 0xD3 // ref.eq
                || op == 0xD4; // ref.as_non_null
    }

    private static void blockType(Reader r) {
        int first = r.u8();
        if (first == 0x63 || first == 0x64) r.leb(); // (ref null? heaptype)
        else if ((first & 0x80) != 0) { // a type index: an s33 of more than one byte
            r.pos--;
            r.leb();
        }
        // else 0x40 (empty) or a value type: one byte
    }

    private static void memarg(Reader r) {
        long align = r.u32();
        if ((align & 0x40) != 0) r.u32(); // a memory index (multi-memory)
        r.leb(); // offset
    }

    /** The 0xFC prefix: saturating truncations, bulk memory and table instructions. */
    private static void misc(Reader r) {
        long sub = r.u32();
        if (sub <= 7) return;
        switch ((int) sub) {
            case 9, 11, 13, 15, 16, 17 -> r.u32();
            case 8, 10, 12, 14 -> {
                r.u32();
                r.u32();
            }
            default -> throw new Unknown();
        }
    }

    /** The 0xFD prefix: fixed-width SIMD (and relaxed SIMD, whose instructions take no immediates). */
    private static void simd(Reader r) {
        long sub = r.u32();
        if (sub <= 11 || sub == 92 || sub == 93) memarg(r);
        else if (sub == 12 || sub == 13) r.skip(16); // v128.const, i8x16.shuffle
        else if (sub >= 21 && sub <= 34) r.skip(1); // extract or replace a lane
        else if (sub >= 84 && sub <= 91) { // load or store a lane
            memarg(r);
            r.skip(1);
        } else if (sub > 0x113) throw new Unknown();
    }

    /** A constant expression: the instructions constants, globals and references are made of, up to {@code end}. */
    private static void constExpr(Reader r) {
        while (true) {
            int op = r.u8();
            switch (op) {
                case 0x0B -> {
                    return; // end
                }
                case 0x41, 0x42, 0x23, 0xD2, 0xD0 -> r.leb(); // i32/i64.const, global.get, ref.func, ref.null
                case 0x43 -> r.skip(4); // f32.const
                case 0x44 -> r.skip(8); // f64.const
                case 0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E -> {} // extended constant arithmetic
                default -> throw new Unknown();
            }
        }
    }

    /** A count that cannot fit in what is left. */
    private static final class TooMany extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooMany(String message) {
            super(message, null, false, false);
        }
    }

    /** A form this pass does not know: the engine's parser decides. */
    private static final class Unknown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unknown() {
            super(null, null, false, false);
        }
    }

    /** Bytes end before a value does. */
    private static final class Truncated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Truncated() {
            super(null, null, false, false);
        }
    }

    private static final class Reader {
        final byte[] bytes;
        int pos;
        final int end;

        Reader(byte[] bytes, int pos, int end) {
            this.bytes = bytes;
            this.pos = pos;
            this.end = end;
        }

        int u8() {
            if (pos >= end) throw new Truncated();
            return bytes[pos++] & 0xFF;
        }

        /** An unsigned or signed LEB128 of at most 10 bytes, as a raw value (the caller knows its width). */
        long leb() {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = u8();
                if (shift < 64) v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new Unknown(); // too long for any LEB the format has
        }

        long u32() {
            return leb() & 0xFFFF_FFFFL;
        }

        /** A vector's length, refused when its elements (at least {@code minBytes} each) cannot fit in what is left. */
        long count(String what, int minBytes) {
            long n = u32();
            if (n > (long) (end - pos) / minBytes)
                throw new TooMany("a vector of " + n + " " + what + " cannot fit in the " + (end - pos)
                        + " bytes left of its section");
            return n;
        }

        void skip(long n) {
            if (n > end - pos) throw new Truncated();
            pos += (int) n;
        }
    }
}
