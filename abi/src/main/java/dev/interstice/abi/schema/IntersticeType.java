package dev.interstice.abi.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A declared type (upstream {@code IntersticeType}); {@link #tag()} is its postcard discriminant. */
public sealed interface IntersticeType {

    int tag();

    /** The ten scalar kinds, in discriminant order 0..9. */
    enum Kind {
        VOID,
        U8,
        U32,
        U64,
        I32,
        I64,
        F32,
        F64,
        BOOL,
        STRING
    }

    record Primitive(Kind kind) implements IntersticeType {
        public int tag() {
            return kind.ordinal();
        }

        @Override
        public String toString() {
            return format(this);
        }
    }

    record Vec(IntersticeType element) implements IntersticeType {
        public Vec {
            Objects.requireNonNull(element);
        }

        public int tag() {
            return 10;
        }

        @Override
        public String toString() {
            return format(this);
        }
    }

    record Option(IntersticeType inner) implements IntersticeType {
        public Option {
            Objects.requireNonNull(inner);
        }

        public int tag() {
            return 11;
        }

        @Override
        public String toString() {
            return format(this);
        }
    }

    record Tuple(List<IntersticeType> elements) implements IntersticeType {
        public Tuple {
            elements = List.copyOf(elements);
        }

        public int tag() {
            return 12;
        }

        @Override
        public String toString() {
            return format(this);
        }
    }

    /** A user-defined struct or enum, resolved through the module's type definitions. */
    record Named(String name) implements IntersticeType {
        public Named {
            Objects.requireNonNull(name);
        }

        public int tag() {
            return 13;
        }

        @Override
        public String toString() {
            return format(this);
        }
    }

    Primitive VOID = new Primitive(Kind.VOID);
    Primitive U8 = new Primitive(Kind.U8);
    Primitive U32 = new Primitive(Kind.U32);
    Primitive U64 = new Primitive(Kind.U64);
    Primitive I32 = new Primitive(Kind.I32);
    Primitive I64 = new Primitive(Kind.I64);
    Primitive F32 = new Primitive(Kind.F32);
    Primitive F64 = new Primitive(Kind.F64);
    Primitive BOOL = new Primitive(Kind.BOOL);
    Primitive STRING = new Primitive(Kind.STRING);

    /** Rust-style spelling used by upstream: {@code u64}, {@code String}, {@code Vec<Option<i32>>}, {@code (u8, bool)}, {@code ()}. */
    static String format(IntersticeType t) {
        return switch (t) {
            case Primitive p ->
                switch (p.kind()) {
                    case VOID -> "()";
                    case STRING -> "String";
                    default -> p.kind().name().toLowerCase();
                };
            case Vec v -> "Vec<" + format(v.element()) + ">";
            case Option o -> "Option<" + format(o.inner()) + ">";
            case Tuple tu -> {
                var sb = new StringBuilder("(");
                for (int i = 0; i < tu.elements().size(); i++) {
                    if (i > 0) sb.append(", ");
                    sb.append(format(tu.elements().get(i)));
                }
                yield sb.append(")").toString();
            }
            case Named n -> n.name();
        };
    }

    /** Parses the spelling produced by {@link #format}; unknown identifiers become {@link Named}. */
    static IntersticeType parse(String text) {
        var p = new TypeParser(text);
        IntersticeType t = p.type();
        p.skipWs();
        if (!p.atEnd())
            throw new IllegalArgumentException("unexpected trailing input in type '" + text + "' at " + p.pos);
        return t;
    }

    final class TypeParser {
        private final String s;
        private int pos;

        TypeParser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skipWs() {
            while (!atEnd() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        IntersticeType type() {
            skipWs();
            if (!atEnd() && s.charAt(pos) == '(') {
                pos++;
                skipWs();
                if (!atEnd() && s.charAt(pos) == ')') {
                    pos++;
                    return VOID;
                }
                var elems = new ArrayList<IntersticeType>();
                while (true) {
                    elems.add(type());
                    skipWs();
                    if (atEnd()) throw error("expected ',' or ')'");
                    char c = s.charAt(pos++);
                    if (c == ')') break;
                    if (c != ',') throw error("expected ',' or ')'");
                }
                return new Tuple(elems);
            }
            int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            if (start == pos) throw error("expected a type name");
            String ident = s.substring(start, pos);
            skipWs();
            if (!atEnd() && s.charAt(pos) == '<') {
                pos++;
                IntersticeType inner = type();
                skipWs();
                if (atEnd() || s.charAt(pos) != '>') throw error("expected '>'");
                pos++;
                return switch (ident) {
                    case "Vec" -> new Vec(inner);
                    case "Option" -> new Option(inner);
                    default -> throw error("unknown generic type '" + ident + "'");
                };
            }
            return switch (ident) {
                case "u8" -> U8;
                case "u32" -> U32;
                case "u64" -> U64;
                case "i32" -> I32;
                case "i64" -> I64;
                case "f32" -> F32;
                case "f64" -> F64;
                case "bool" -> BOOL;
                case "String" -> STRING;
                default -> new Named(ident);
            };
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " in type '" + s + "' at " + pos);
        }
    }
}
