package dev.interstice.runtime.engine;

/**
 * A structural pass over a module's bytes before the engine parses them. Chicory sizes lists and arrays from counts
 * read from the module before reading their elements (a section's size, a function type's parameters, a data
 * segment's bytes, a function's locals), so a few bytes claiming four billion of something make it allocate until the
 * heap is gone, and a node started with {@code -XX:+ExitOnOutOfMemoryError} stops. Here every such count must fit in
 * the bytes left in its section (each element takes at least one byte), and a function declares at most
 * {@link #MAX_LOCALS} locals in all.
 *
 * <p>It checks only that: whatever it does not understand (a type, element or expression form it does not know) ends
 * its look at that section, and the engine's parser decides. Not covered: counts inside function bodies' instructions
 * ({@code br_table}, typed {@code select}), which would need a full instruction decoder.
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
                        case CODE -> code(s);
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

    private static void code(Reader r) {
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
        }
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
