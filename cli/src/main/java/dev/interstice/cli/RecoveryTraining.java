package dev.interstice.cli;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.storage.Change;
import dev.interstice.storage.RecoveredState;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageConfig;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node cache's training of a large table's recovery ({@link AotTraining}): a snapshot of {@link #ROWS} rows
 * (integer key, an indexed integer column, a string), then the table loaded from it as a node loads its tables at
 * start (the snapshot's rows streamed into {@link Table#bulkLoad}) a few times, so that a node's first recovery
 * starts with those loops' classes linked and their profiles recorded (docs/benchmarks.md, "Session 14").
 */
final class RecoveryTraining {
    private static final TableId TABLE = new TableId("training", "t");
    private static final int ROWS = 200_000;
    private static final int LOADS = 3;

    private RecoveryTraining() {}

    static void run(Path dir) {
        var schema = new TableSchema(
                "t",
                "t",
                Visibility.PUBLIC,
                List.of(new FieldDef("n", IntersticeType.U32), new FieldDef("p", IntersticeType.STRING)),
                new FieldDef("id", IntersticeType.U64),
                false,
                List.of(new IndexSchema("n", IndexSchema.Type.BTREE, false, false)),
                Persistence.LOGGED);
        var config = StorageConfig.defaults(dir);
        try (Storage storage = Storage.open(config, Map.of(TABLE, Persistence.LOGGED))) {
            String text = "x".repeat(64);
            for (int id = 0; id < ROWS; ) {
                var changes = new ArrayList<Change>();
                for (int i = 0; i < 1000; i++, id++) {
                    Row row = new Row(
                            IntersticeValue.u64(id),
                            List.of(IntersticeValue.u32(id % 1000), IntersticeValue.str(text)));
                    byte[] key = Abi.encodeIndexKey(new IndexKey(row.primaryKey()));
                    changes.add(new Change.Put(TABLE, key, Abi.encodeRow(row)));
                }
                storage.append(new TxRecord(id / 1000, 0, changes));
            }
            storage.snapshotNow();
        }
        for (int round = 0; round < LOADS; round++) {
            try (Storage storage = Storage.open(config, Map.of(TABLE, Persistence.LOGGED))) {
                var table = new Table(TABLE, schema, new TypeChecker(Map.of()));
                RecoveredState recovered = storage.recovered();
                Table.Loader loader = table.bulkLoad(recovered.sizeHint(TABLE));
                recovered.forEachRow(TABLE, (buf, keyOff, keyLen, rowOff, rowLen) -> loader.add(buf, rowOff, rowLen));
                loader.finish();
                recovered.release(TABLE);
                if (table.size() != ROWS) throw new IllegalStateException("recovered " + table.size() + " rows");
            }
        }
    }
}
