package dev.interstice.webgpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A C struct of webgpu.h, described by its fields in declaration order; offsets follow the x86-64 System V rules
 * (each field at its natural alignment, the size rounded to the largest). Structs are written field by field, in
 * order, through a {@link Writer}: the code that fills a descriptor reads like the C declaration it fills, and a
 * field written with the wrong kind fails at once instead of corrupting the struct.
 */
public final class CStruct {
    /** A field's kind. {@code SV} is {@code WGPUStringView} (pointer + length), {@code STRUCT} a nested struct. */
    public enum Kind {
        PTR,
        U16,
        U32,
        U64,
        F32,
        F64,
        SV,
        STRUCT
    }

    /** One field: its kind, and the nested struct when it is one. */
    public record Field(Kind kind, CStruct nested) {
        long size() {
            return switch (kind) {
                case U16 -> 2;
                case U32, F32 -> 4;
                case PTR, U64, F64 -> 8;
                case SV -> 16;
                case STRUCT -> nested.size;
            };
        }

        long align() {
            return switch (kind) {
                case U16 -> 2;
                case U32, F32 -> 4;
                case PTR, U64, F64, SV -> 8;
                case STRUCT -> nested.align;
            };
        }
    }

    public static final Field PTR = new Field(Kind.PTR, null);
    public static final Field U16 = new Field(Kind.U16, null);
    public static final Field U32 = new Field(Kind.U32, null);
    public static final Field U64 = new Field(Kind.U64, null);
    public static final Field F32 = new Field(Kind.F32, null);
    public static final Field F64 = new Field(Kind.F64, null);
    public static final Field SV = new Field(Kind.SV, null);

    /** {@code WGPU_STRLEN}: a string view's length meaning "nul-terminated", with a null pointer "absent". */
    public static final long STRLEN = -1L;

    private final Field[] fields;
    private final long[] offsets;
    private final long size;
    private final long align;

    private CStruct(Field[] fields) {
        this.fields = fields.clone();
        this.offsets = new long[fields.length];
        long at = 0;
        long maxAlign = 1;
        for (int i = 0; i < fields.length; i++) {
            long a = fields[i].align();
            at = roundUp(at, a);
            offsets[i] = at;
            at += fields[i].size();
            maxAlign = Math.max(maxAlign, a);
        }
        this.align = maxAlign;
        this.size = roundUp(at, maxAlign);
    }

    public static CStruct of(Field... fields) {
        return new CStruct(fields);
    }

    /** This struct as a field of another (by value). */
    public Field field() {
        return new Field(Kind.STRUCT, this);
    }

    public long size() {
        return size;
    }

    public long offset(int field) {
        return offsets[field];
    }

    /** A zeroed array of {@code n} of these structs. */
    public MemorySegment allocate(Arena arena, int n) {
        return arena.allocate(size * Math.max(1, n), align);
    }

    /** A zeroed struct and a writer at its first field. */
    public Writer write(Arena arena) {
        return new Writer(arena, allocate(arena, 1), 0);
    }

    /** A writer for element {@code index} of an array from {@link #allocate}. */
    public Writer write(Arena arena, MemorySegment array, int index) {
        return new Writer(arena, array, index * size);
    }

    private static long roundUp(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /** Writes one struct's fields in declaration order; fields left out stay zero. */
    public final class Writer {
        private final Arena arena;
        private final MemorySegment seg;
        private final long base;
        private int next;

        Writer(Arena arena, MemorySegment seg, long base) {
            this.arena = arena;
            this.seg = seg;
            this.base = base;
        }

        private long at(Kind k) {
            if (next >= fields.length)
                throw new IllegalStateException(
                        "struct has only " + fields.length + " fields: " + Arrays.toString(fields));
            Field f = fields[next];
            if (f.kind() != k)
                throw new IllegalStateException("field " + next + " is " + f.kind() + ", written as " + k);
            return base + offsets[next++];
        }

        public Writer ptr(MemorySegment p) {
            seg.set(ADDRESS, at(Kind.PTR), p == null ? MemorySegment.NULL : p);
            return this;
        }

        public Writer u16(int v) {
            seg.set(JAVA_SHORT, at(Kind.U16), (short) v);
            return this;
        }

        public Writer u32(int v) {
            seg.set(JAVA_INT, at(Kind.U32), v);
            return this;
        }

        public Writer bool(boolean v) {
            return u32(v ? 1 : 0);
        }

        public Writer u64(long v) {
            seg.set(JAVA_LONG, at(Kind.U64), v);
            return this;
        }

        public Writer f32(float v) {
            seg.set(JAVA_FLOAT, at(Kind.F32), v);
            return this;
        }

        public Writer f64(double v) {
            seg.set(JAVA_DOUBLE, at(Kind.F64), v);
            return this;
        }

        /** A string view: null writes the "absent" view (null, {@link #STRLEN}). */
        public Writer sv(String s) {
            long o = at(Kind.SV);
            if (s == null) {
                seg.set(ADDRESS, o, MemorySegment.NULL);
                seg.set(JAVA_LONG, o + 8, STRLEN);
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                MemorySegment data = arena.allocate(Math.max(1, b.length));
                MemorySegment.copy(MemorySegment.ofArray(b), 0, data, 0, b.length);
                seg.set(ADDRESS, o, data);
                seg.set(JAVA_LONG, o + 8, b.length);
            }
            return this;
        }

        /** A nested struct: returns its writer; this writer moves past it. */
        public CStruct.Writer nested() {
            if (next >= fields.length || fields[next].kind() != Kind.STRUCT)
                throw new IllegalStateException("field " + next + " is not a nested struct");
            CStruct inner = fields[next].nested();
            long o = base + offsets[next++];
            return inner.new Writer(arena, seg, o);
        }

        /** Leaves the next field zero. */
        public Writer skip() {
            if (next >= fields.length) throw new IllegalStateException("no field left to skip");
            next++;
            return this;
        }

        public MemorySegment segment() {
            return seg.asSlice(base, size);
        }
    }
}
