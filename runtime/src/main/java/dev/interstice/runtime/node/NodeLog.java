package dev.interstice.runtime.node;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.engine.WasmEngine;
import dev.interstice.runtime.host.DescribeHost;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.storage.Change;
import dev.interstice.storage.StorageLockedException;
import dev.interstice.storage.TableHistory;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading a node's transaction log ({@code interstice log}): which records a filter keeps, and a stopped node's log and
 * module schemas read from its data directory without opening the node. {@link Node#readLog} reads a running node's.
 */
public final class NodeLog {
    private static final Logger log = LoggerFactory.getLogger(NodeLog.class);

    private NodeLog() {}

    /** Where a node keeps its storage inside its data directory. */
    public static Path storageDir(Path dataDir) {
        return dataDir.resolve("storage");
    }

    /**
     * The records that concern {@code module} (null: any), i.e. that it started or that change one of its tables, and
     * that change {@code table} (null: any; {@code table} or {@code module.table}).
     */
    public static Predicate<TxRecord> filter(String module, String table) {
        return r -> (module == null
                        || startedBy(r, module)
                        || r.changes().stream().anyMatch(c -> c.table().module().equals(module)))
                && (table == null || r.changes().stream().anyMatch(c -> names(c, module, table)));
    }

    private static boolean startedBy(TxRecord r, String module) {
        return r.origin() != null && r.origin().module().equals(module);
    }

    private static boolean names(Change c, String module, String table) {
        String m = c.table().module();
        String t = c.table().table();
        return (m + "." + t).equals(table) || (t.equals(table) && (module == null || m.equals(module)));
    }

    /**
     * A stopped node's committed transactions (its kept history and its log), oldest first, read without taking its
     * lock. Refused with {@link StorageLockedException} while a node has the directory open.
     */
    public static List<TxLog.Entry> read(Path dataDir, long fromTx, int limit, Predicate<TxRecord> filter) {
        Path dir = storageDir(dataDir);
        if (!Files.isDirectory(dir))
            throw new UncheckedIOException(new IOException(dataDir + " holds no node storage"));
        if (running(dataDir))
            throw new StorageLockedException(
                    "the node whose data directory is " + dataDir + " is running: ask it over the network instead");
        try {
            return TxLog.read(dir, fromTx, limit, Long.MAX_VALUE, filter);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A stopped node's table as it was after transaction {@code txId} (time travel, read from its log and kept
     * history without opening the node); NOT_FOUND when the kept history does not reach that far.
     */
    public static PastRows rowsAsOf(Path dataDir, String module, String table, long txId) {
        Path dir = stopped(dataDir);
        TableId id = new TableId(module, table);
        try {
            return TimeTravel.rows(TableHistory.asOf(dir, Set.of(id), txId, Long.MAX_VALUE), id);
        } catch (TableHistory.NotKept e) {
            throw TimeTravel.notKept(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A stopped node's last transaction committed at or before {@code timeMs} (0: none). */
    public static long txAt(Path dataDir, long timeMs) {
        Path dir = stopped(dataDir);
        try {
            return TableHistory.txAt(dir, timeMs, Long.MAX_VALUE);
        } catch (TableHistory.NotKept e) {
            throw TimeTravel.notKept(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path stopped(Path dataDir) {
        Path dir = storageDir(dataDir);
        if (!Files.isDirectory(dir))
            throw new UncheckedIOException(new IOException(dataDir + " holds no node storage"));
        if (running(dataDir))
            throw new StorageLockedException(
                    "the node whose data directory is " + dataDir + " is running: ask it over the network instead");
        return dir;
    }

    /**
     * Whether a node has this data directory open (a process holds its storage's lock). Probes with a shared lock
     * released at once (a node starting in that instant is refused and may simply start again).
     */
    public static boolean running(Path dataDir) {
        Path lock = storageDir(dataDir).resolve("LOCK");
        if (!Files.exists(lock)) return false;
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) return true;
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // open in this JVM
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the lock " + lock + ": " + e.getMessage(), e);
        }
    }

    /**
     * The schemas of the modules whose code a stopped node keeps ({@code modules/<name>.wasm}), each module asked to
     * describe itself; a module whose code does not load is left out (its changes then show without field names).
     */
    public static Map<String, ModuleSchema> schemas(Path dataDir) {
        var out = new TreeMap<String, ModuleSchema>();
        Path dir = dataDir.resolve("modules");
        if (!Files.isDirectory(dir)) return out;
        try (WasmEngine engine = new WasmEngine(EngineConfig.defaults());
                DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.wasm")) {
            var loader = new ModuleLoader(engine);
            for (Path p : ds) {
                String file = p.getFileName().toString();
                String name = file.substring(0, file.length() - ".wasm".length());
                if (name.endsWith(".prev") || name.endsWith(".next")) continue;
                try {
                    var describe = new DescribeHost(name, (m, line) -> {}, 4096);
                    out.put(
                            name,
                            loader.load(name, Files.readAllBytes(p), lm -> null, describe)
                                    .schema());
                } catch (RuntimeException e) {
                    log.warn("module {}: its stored code does not describe itself: {}", name, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }
}
