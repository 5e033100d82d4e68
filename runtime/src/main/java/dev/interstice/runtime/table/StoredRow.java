package dev.interstice.runtime.table;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.Row;
import java.util.Arrays;

/**
 * A row as its primary key and postcard encoding: scans, guests, subscriber arguments and the log use the bytes
 * as they are. A committed table keeps only the bytes and hands out a short-lived {@code StoredRow} per read, whose
 * {@link #row()} decodes on first use (so the table never holds decoded values); a written row carries the decoded
 * row it was validated as. Equal when key and bytes are.
 */
public final class StoredRow {
    private final IndexKey pk;
    private final byte[] encoded;
    /** Decoded on first use; only this short-lived view keeps it, never the table. */
    private Row row;

    public StoredRow(IndexKey pk, Row row, byte[] encoded) {
        this.pk = pk;
        this.row = row;
        this.encoded = encoded;
    }

    /** A committed row's view: decodes {@link #row()} from the bytes when a caller asks for values. */
    static StoredRow committed(IndexKey pk, byte[] encoded) {
        return new StoredRow(pk, null, encoded);
    }

    public IndexKey pk() {
        return pk;
    }

    /** The decoded row (decoded once per view). */
    public Row row() {
        Row r = row;
        if (r == null) row = r = Abi.decodeRow(encoded);
        return r;
    }

    public byte[] encoded() {
        return encoded;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredRow s && pk.equals(s.pk) && Arrays.equals(encoded, s.encoded);
    }

    @Override
    public int hashCode() {
        return pk.hashCode() * 31 + Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "StoredRow[" + pk + ", " + encoded.length + " bytes]";
    }
}
