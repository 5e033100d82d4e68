package dev.interstice.runtime.table;

import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.Row;

/**
 * A committed or written row with its postcard encoding cached: scans, subscriber arguments and the log reuse the
 * bytes instead of re-encoding.
 */
public record StoredRow(IndexKey pk, Row row, byte[] encoded) {}
