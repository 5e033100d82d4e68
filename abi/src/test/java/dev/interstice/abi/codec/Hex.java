package dev.interstice.abi.codec;

import java.util.HexFormat;

/** Test helper: "03 AC 02" <-> bytes. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String spaced) {
        String s = spaced.replaceAll("[\\s|]+", "");
        return HexFormat.of().parseHex(s);
    }

    static String str(byte[] b) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
