package dev.interstice.network.wire;

import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.Acknowledged;
import dev.interstice.network.ErrorKind;
import java.util.List;
import java.util.Objects;

/**
 * Every message of the Interstice node protocol (see docs/protocol.md). A frame body is one message: its type code
 * (one byte, {@link #type()}) then its fields, postcard-encoded by {@link MessageCodec}.
 */
public sealed interface Message {
    /** The wire type code. */
    int type();

    // ---------------------------------------------------------------- handshake

    /** Who opens a connection. */
    enum Role {
        PEER,
        CLIENT
    }

    /** First frame of the connecting side. {@code nodeId}/{@code nodeName} are empty for CLI clients. */
    record Hello(int major, int minor, Role role, String nodeId, String nodeName, byte[] nonce) implements Message {
        public Hello {
            Objects.requireNonNull(role);
            Objects.requireNonNull(nodeId);
            Objects.requireNonNull(nodeName);
            Objects.requireNonNull(nonce);
        }

        public int type() {
            return 1;
        }
    }

    /** The accepting side's answer to {@link Hello}: who it is, its nonce for authentication, and its limits. */
    record Welcome(
            int major, int minor, String nodeId, String nodeName, byte[] nonce, int maxFrameBytes, int maxInFlight)
            implements Message {
        public Welcome {
            Objects.requireNonNull(nodeId);
            Objects.requireNonNull(nodeName);
            Objects.requireNonNull(nonce);
        }

        public int type() {
            return 2;
        }
    }

    /** The handshake was refused; the connection closes after it. */
    record Reject(String reason) implements Message {
        public Reject {
            Objects.requireNonNull(reason);
        }

        public int type() {
            return 3;
        }
    }

    // ---------------------------------------------------------------- requests (client -> node), each with an id

    sealed interface Request extends Message {
        long id();
    }

    /**
     * Proves knowledge of a credential: HMAC-SHA256 over both nonces. {@code tokenId} empty: the admin token (see
     * {@code AdminToken}); else the scoped token of that id (see {@code TokenCredential}; minor >= 4, and only then on
     * the wire, so an admin Authenticate reads as before).
     */
    record Authenticate(long id, byte[] proof, String tokenId) implements Request {
        public Authenticate {
            Objects.requireNonNull(tokenId);
        }

        public Authenticate(long id, byte[] proof) {
            this(id, proof, "");
        }

        public int type() {
            return 10;
        }
    }

    record Ping(long id) implements Request {
        public int type() {
            return 11;
        }
    }

    /**
     * A reducer call; {@code callerModule} is the calling module on a peer node ("" for clients). {@code cause} (minor
     * >= 7, null: none) is the trace of the peer's transaction that made the call: its trace's root ({@code traceNode},
     * {@code traceTx}) and its own tx id ({@code tx}); its node is the sender ({@code node} is not sent). {@code sole}
     * (minor >= 9, durable calls only): the sender had no other request outstanding on this connection when it sent
     * this one, so the node may answer it on the reading thread, waiting for its fsync there, without delaying a next
     * request (docs/protocol.md, "Calls").
     */
    record Call(
            long id,
            String module,
            String reducer,
            String callerModule,
            boolean durable,
            List<IntersticeValue> args,
            dev.interstice.storage.TxTrace.Parent cause,
            boolean sole)
            implements Request {
        public Call {
            args = List.copyOf(args);
            if (sole && !durable) throw new IllegalArgumentException("only a durable call is sent as sole");
        }

        public Call(
                long id,
                String module,
                String reducer,
                String callerModule,
                boolean durable,
                List<IntersticeValue> args,
                dev.interstice.storage.TxTrace.Parent cause) {
            this(id, module, reducer, callerModule, durable, args, cause, false);
        }

        /** This call marked {@link #sole}. */
        public Call asSole() {
            return new Call(id, module, reducer, callerModule, true, args, cause, true);
        }

        public Call(
                long id,
                String module,
                String reducer,
                String callerModule,
                boolean durable,
                List<IntersticeValue> args) {
            this(id, module, reducer, callerModule, durable, args, null);
        }

        public int type() {
            return 12;
        }
    }

    record Query(long id, String module, String query, String callerModule, List<IntersticeValue> args)
            implements Request {
        public Query {
            args = List.copyOf(args);
        }

        public int type() {
            return 13;
        }
    }

    /** The node's schema: public view, or every module with {@code full} (admin only). */
    record GetSchema(long id, boolean full) implements Request {
        public int type() {
            return 14;
        }
    }

    /** A table's committed rows (public tables of public modules, or any table for admins). */
    record GetRows(long id, String module, String table) implements Request {
        public int type() {
            return 15;
        }
    }

    /**
     * A page of a table's rows (minor >= 3), answered {@link RowsResult}: at most {@code limit} rows (the node clamps
     * it) matching {@code where} (conditions on indexed columns; op: 0 =, 1 <, 2 <=, 3 >, 4 >=) after the row whose
     * primary key is {@code after} (null: from the first). Fewer rows than asked for means there are no more.
     */
    record GetRowsPage(long id, String module, String table, List<Where> where, IndexKey after, int limit)
            implements Request {
        public GetRowsPage {
            where = List.copyOf(where);
        }

        public int type() {
            return 26;
        }
    }

    /** One condition of a {@link GetRowsPage}: {@code field op value}. */
    record Where(String field, int op, IndexKey value) {}

    /**
     * Loads (or replaces) a module (admin only). {@code reset}: drop the old module's data if the schemas differ;
     * {@code dryRun}: plan and check only; {@code allow}: the lossy migration changes allowed ({@code drop-column:T.c},
     * ...); {@code zeroDefaults}: added required columns get their type's zero value. The last three are optional on the
     * wire (an older client's Publish ends after {@code reset}). {@code codeHash} (protocol 1.6, optional, "" for
     * none): publish the code the node keeps under this SHA-256 instead of {@code wasm}, which is then empty.
     */
    record Publish(
            long id,
            String label,
            byte[] wasm,
            boolean reset,
            boolean dryRun,
            List<String> allow,
            boolean zeroDefaults,
            String codeHash)
            implements Request {
        public Publish {
            allow = List.copyOf(allow);
        }

        public Publish(
                long id,
                String label,
                byte[] wasm,
                boolean reset,
                boolean dryRun,
                List<String> allow,
                boolean zeroDefaults) {
            this(id, label, wasm, reset, dryRun, allow, zeroDefaults, "");
        }

        public Publish(long id, String label, byte[] wasm, boolean reset) {
            this(id, label, wasm, reset, false, List.of(), false);
        }

        public int type() {
            return 16;
        }
    }

    /** Returns a module to the version its last publish replaced (admin only); answered {@link Published}. */
    record Rollback(long id, String module, boolean dryRun) implements Request {
        public int type() {
            return 22;
        }
    }

    /** Removes a module and its data (admin only). */
    record Remove(long id, String module) implements Request {
        public int type() {
            return 17;
        }
    }

    /** What the node offers: its authorities and who holds them (since protocol 1.2). */
    record GetInfo(long id) implements Request {
        public int type() {
            return 25;
        }
    }

    /**
     * Streams a table's committed changes. The subscription id is this request's id. {@code epoch}/{@code afterSeq}:
     * the last event already seen (empty epoch: none); the node resumes after it or sends a snapshot.
     */
    record Subscribe(long id, String module, String table, String epoch, long afterSeq) implements Request {
        public int type() {
            return 18;
        }
    }

    record Unsubscribe(long id, long subscription) implements Request {
        public int type() {
            return 19;
        }
    }

    /** Unloads a module, keeping its data for a later publish (admin only). Answered {@link Ok}. */
    record Unload(long id, String module) implements Request {
        public int type() {
            return 20;
        }
    }

    /**
     * A Module authority request of module {@code callerModule} on the sending node: {@code op} 0 load ({@code wasm}),
     * 1 unload, 2 remove ({@code module}). The receiving node hands it to its Module holder ({@link Handed}) or refuses
     * it; it never acts on it as the admin would.
     */
    record ModuleRequest(long id, int op, String module, byte[] wasm, String callerModule) implements Request {
        public ModuleRequest {
            Objects.requireNonNull(module);
            Objects.requireNonNull(wasm);
            Objects.requireNonNull(callerModule);
        }

        public int type() {
            return 21;
        }
    }

    /**
     * Makes a scoped token (admin only; minor >= 4) allowing {@code grants} until {@code expiresAtMs} (epoch ms; 0:
     * never). Answered {@link TokenCreated}, the only message that ever carries its secret.
     */
    record CreateToken(long id, List<dev.interstice.network.Grant> grants, long expiresAtMs) implements Request {
        public CreateToken {
            grants = List.copyOf(grants);
        }

        public int type() {
            return 27;
        }
    }

    /** The node's scoped tokens, without their secrets (admin only; minor >= 4). Answered {@link Tokens}. */
    record ListTokens(long id) implements Request {
        public int type() {
            return 28;
        }
    }

    /**
     * The node's supervision (admin only; minor >= 5): what it does when a module's subscribers or schedules keep
     * failing, and the handlers that failed since their module was last published. Answered {@link Supervision}.
     */
    record GetSupervision(long id) implements Request {
        public int type() {
            return 60;
        }
    }

    /** Revokes a scoped token (admin only; minor >= 4): connections using it are refused from now on. Answered Ok. */
    record RevokeToken(long id, String tokenId) implements Request {
        public RevokeToken {
            Objects.requireNonNull(tokenId);
        }

        public int type() {
            return 29;
        }
    }

    /**
     * Committed transactions from the node's log (minor >= 5), oldest first, answered {@link LogPage}: at most
     * {@code limit} (the node clamps it) with a tx id of at least {@code fromTx}, concerning {@code module} and changing
     * {@code table} when these are not empty. Admin, or a token allowing {@code rows} on {@code module} (which must then
     * be given: the page shows only that module's changes). {@code traced} (minor >= 7): the client reads records with
     * their traces (answered as type 67) and, when {@code traceTx} is not 0, wants only the records of the trace rooted
     * at transaction {@code traceTx} of node {@code traceNode} (its full id; empty: the node asked). {@code inputs}
     * (minor >= 10, with {@code traced}): the client reads each record's inputs too (what the world answered its calls).
     */
    record ReadLog(
            long id,
            long fromTx,
            String module,
            String table,
            int limit,
            boolean traced,
            String traceNode,
            long traceTx,
            boolean inputs)
            implements Request {
        public ReadLog {
            Objects.requireNonNull(module);
            Objects.requireNonNull(table);
            Objects.requireNonNull(traceNode);
        }

        public ReadLog(long id, long fromTx, String module, String table, int limit) {
            this(id, fromTx, module, table, limit, false, "", 0, false);
        }

        public int type() {
            return 62;
        }
    }

    /**
     * A table's rows as they were after a past transaction (minor >= 6), answered {@link PastRowsResult}: as of
     * {@code txId}, or when it is 0 as of the last transaction committed at or before {@code timeMs} (ms since the
     * epoch). Admin, or a token allowing {@code rows} on {@code module} (public tables for anyone, as GetRows).
     */
    record GetRowsAsOf(long id, String module, String table, long txId, long timeMs) implements Request {
        public GetRowsAsOf {
            Objects.requireNonNull(module);
            Objects.requireNonNull(table);
        }

        public int type() {
            return 64;
        }
    }

    /**
     * Makes a module's stored tables as they were after transaction {@code txId} again, as one new transaction
     * (minor >= 6; admin only), answered {@link Called}.
     */
    record Rewind(long id, String module, long txId) implements Request {
        public Rewind {
            Objects.requireNonNull(module);
        }

        public int type() {
            return 66;
        }
    }

    /**
     * A module's branches (minor >= 8; admin only): discards {@code discard} first unless it is empty, then answers
     * {@link QueryResult} with the branches the module keeps, each a list (name, fork tx u64, calls u32).
     */
    record Branches(long id, String module, String discard) implements Request {
        public Branches {
            Objects.requireNonNull(module);
            Objects.requireNonNull(discard);
        }

        public int type() {
            return 72;
        }
    }

    /** What a {@link FetchContent} asks for. */
    enum ContentKind {
        /** The code of a module the node hosts, by the SHA-256 of the wasm. */
        MODULE_CODE,
        /** The node's own image (docs/operability.md, "Images"), by the image's content hash (hex, no prefix). */
        IMAGE
    }

    /**
     * Content by hash (minor >= 7), answered {@link Content}: module code the node hosts (a public module's for anyone,
     * any loaded or unloaded module's for the admin) or the node's own image. The receiver verifies the digest.
     */
    record FetchContent(long id, ContentKind kind, String hash) implements Request {
        public FetchContent {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(hash);
        }

        public int type() {
            return 70;
        }
    }

    // ---------------------------------------------------------------- replies (node -> client), exactly one per
    // request

    sealed interface Reply extends Message {
        long id();
    }

    record Ok(long id) implements Reply {
        public int type() {
            return 30;
        }
    }

    record Error(long id, ErrorKind kind, String message) implements Reply {
        public Error {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(message);
        }

        public int type() {
            return 31;
        }
    }

    record Pong(long id, long timeMs) implements Reply {
        public int type() {
            return 32;
        }
    }

    /** A committed reducer call: transaction id, log position and what its acknowledgement guarantees. */
    record Called(long id, long txId, long lsn, Acknowledged acknowledged) implements Reply {
        public Called {
            Objects.requireNonNull(acknowledged);
        }

        public int type() {
            return 33;
        }
    }

    record QueryResult(long id, IntersticeValue value) implements Reply {
        public int type() {
            return 34;
        }
    }

    record SchemaResult(long id, NodeSchema schema) implements Reply {
        public int type() {
            return 35;
        }
    }

    /** Answer to {@link FetchContent}: the bytes (larger than a frame: in {@link Part}s). */
    record Content(long id, byte[] bytes) implements Reply {
        public Content {
            Objects.requireNonNull(bytes);
        }

        public int type() {
            return 71;
        }
    }

    /** Answer to {@link GetRowsAsOf}: the transaction the rows are as of, and the rows in primary-key order. */
    record PastRowsResult(long id, long txId, List<byte[]> rows) implements Reply {
        public PastRowsResult {
            rows = List.copyOf(rows);
        }

        public int type() {
            return 65;
        }
    }

    /** Postcard-encoded rows (primary key then fields), in primary-key order. */
    record RowsResult(long id, List<byte[]> rows) implements Reply {
        public RowsResult {
            rows = List.copyOf(rows);
        }

        public int type() {
            return 36;
        }
    }

    /**
     * One authority on a node: whether the node offers it, the module holding it (empty: none, or a private module
     * and the asker is not admin) and a line saying how far it reaches (e.g. the network policy).
     */
    record AuthorityStatus(
            dev.interstice.abi.schema.Authority authority, boolean offered, String holder, String detail) {}

    /** A module and the SHA-256 of its code (hex), as {@code publish --hash} and {@link FetchContent} take it. */
    record ModuleCode(String module, String hash) {
        public ModuleCode {
            Objects.requireNonNull(module);
            Objects.requireNonNull(hash);
        }
    }

    /**
     * Answer to {@link GetInfo}: every authority, in the ABI's order; then (minor >= 7, only to such clients, absent
     * when empty) the code hash of each loaded module the asker may see, in load order.
     */
    /**
     * {@code subscribers} (protocol 1.8, for the admin): the node ids of the peers subscribed to this node's tables whose
     * events carry traces, so that a trace's reader can follow them there.
     */
    record Info(long id, List<AuthorityStatus> authorities, List<ModuleCode> code, List<String> subscribers)
            implements Reply {
        public Info {
            authorities = List.copyOf(authorities);
            code = List.copyOf(code);
            subscribers = List.copyOf(subscribers);
        }

        public Info(long id, List<AuthorityStatus> authorities, List<ModuleCode> code) {
            this(id, authorities, code, List.of());
        }

        public Info(long id, List<AuthorityStatus> authorities) {
            this(id, authorities, List.of());
        }

        public int type() {
            return 45;
        }
    }

    /** A scoped token as listed: its id, what it allows, expiry (0: never), creation and last use (0: not since start). */
    record TokenInfo(
            String tokenId,
            List<dev.interstice.network.Grant> grants,
            long expiresAtMs,
            long createdAtMs,
            long lastUsedMs) {
        public TokenInfo {
            Objects.requireNonNull(tokenId);
            grants = List.copyOf(grants);
        }
    }

    /** Answer to {@link CreateToken}: the token, and its credential {@code <id>.<secret>}, sent this once. */
    record TokenCreated(long id, TokenInfo token, String credential) implements Reply {
        public TokenCreated {
            Objects.requireNonNull(token);
            Objects.requireNonNull(credential);
        }

        public int type() {
            return 46;
        }

        @Override
        public String toString() {
            return "TokenCreated[id=" + id + ", token=" + token + ", credential=****]";
        }
    }

    /** A handler that failed since its module was last published: its failures in a row, state, last error, policy. */
    record SupervisedHandler(
            String module, String reducer, int failures, String state, String lastError, String policy) {}

    /**
     * Answer to {@link GetSupervision}: the default policy, the modules' own ({@code module=policy}) and the handlers
     * that failed.
     */
    record Supervision(long id, String defaultPolicy, List<String> policies, List<SupervisedHandler> handlers)
            implements Reply {
        public Supervision {
            policies = List.copyOf(policies);
            handlers = List.copyOf(handlers);
        }

        public int type() {
            return 61;
        }
    }

    /** Answer to {@link ListTokens}. */
    record Tokens(long id, List<TokenInfo> tokens) implements Reply {
        public Tokens {
            tokens = List.copyOf(tokens);
        }

        public int type() {
            return 47;
        }
    }

    /**
     * A page of the node's log ({@link ReadLog}): each record as the storage keeps it (rows as encoded bytes); with
     * {@code traced} (type 67, to a client that asked so) each record's trace too, and with {@code inputs} (type 67 only,
     * to a client that asked so) each record's inputs after the records.
     */
    record LogPage(long id, List<dev.interstice.storage.TxLog.Entry> entries, boolean traced, boolean inputs)
            implements Reply {
        public LogPage {
            entries = List.copyOf(entries);
            if (inputs && !traced) throw new IllegalArgumentException("a log page carries inputs only with traces");
        }

        public LogPage(long id, List<dev.interstice.storage.TxLog.Entry> entries, boolean traced) {
            this(id, entries, traced, false);
        }

        public LogPage(long id, List<dev.interstice.storage.TxLog.Entry> entries) {
            this(id, entries, false, false);
        }

        public int type() {
            return traced ? 67 : 63;
        }
    }

    /** {@code plan}: the migration plan carried out (or only checked, {@code dryRun}), empty if none. */
    record Published(long id, String module, Version version, boolean replaced, boolean dryRun, String plan)
            implements Reply {
        public Published(long id, String module, Version version, boolean replaced) {
            this(id, module, version, replaced, false, "");
        }

        public int type() {
            return 37;
        }
    }

    /**
     * A Publish, Remove or ModuleRequest was handed to module {@code holder}, which holds the Module authority and
     * decides; {@code module} is the module concerned.
     */
    record Handed(long id, String module, String holder) implements Reply {
        public int type() {
            return 40;
        }
    }

    /**
     * A subscription is live. {@code snapshot} false: events resume right after the requested sequence number;
     * true: {@code rows} is the table as of {@code seq} and events continue after it.
     */
    record Subscribed(long id, boolean snapshot, String epoch, long seq, List<byte[]> rows) implements Reply {
        public Subscribed {
            rows = List.copyOf(rows);
        }

        public int type() {
            return 38;
        }
    }

    /**
     * One piece of a reply too large for one frame; sent only to connections whose Hello announced minor version 1 or
     * later. The parts of a reply follow each other with no other frame between them; the receiver concatenates their
     * bytes up to the one marked {@code last} and decodes the result as the reply (whose id is {@code id}).
     */
    record Part(long id, boolean last, byte[] bytes) implements Message {
        public Part {
            Objects.requireNonNull(bytes);
        }

        public int type() {
            return 39;
        }
    }

    // ---------------------------------------------------------------- pushed by the node

    /**
     * One committed row change of a subscribed table. {@code before} is null for inserts, {@code after} for deletes.
     * {@code origin}: the node whose event caused this change ("" if local), so it is not delivered back there.
     * {@code cause} (protocol 1.8, sent to peers only; null: none): the sender's transaction that made the change and
     * its trace (trace node empty: the sender; node not sent), the parent of the subscribers' runs it causes.
     */
    record TableEvent(
            long subscription,
            long seq,
            SubscriptionEvent.TableEventKind kind,
            byte[] before,
            byte[] after,
            String origin,
            dev.interstice.storage.TxTrace.Parent cause)
            implements Message {
        public TableEvent {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(origin);
        }

        public TableEvent(
                long subscription,
                long seq,
                SubscriptionEvent.TableEventKind kind,
                byte[] before,
                byte[] after,
                String origin) {
            this(subscription, seq, kind, before, after, origin, null);
        }

        public int type() {
            return 50;
        }
    }

    /** The subscription's stream restarted (module removed or replaced): subscribe again to resynchronise. */
    record Resync(long subscription, String reason) implements Message {
        public int type() {
            return 51;
        }
    }

    /** The node is closing this connection (shutdown, slow consumer, ...). */
    record Closing(String reason) implements Message {
        public int type() {
            return 52;
        }
    }
}
