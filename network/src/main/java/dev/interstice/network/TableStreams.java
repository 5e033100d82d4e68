package dev.interstice.network;

import dev.interstice.abi.schema.SubscriptionEvent.TableEventKind;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.exec.CommitListener;
import dev.interstice.storage.TxTrace;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of remote subscriptions. Each subscribed table has a stream: every committed change of that table
 * gets the stream's next sequence number; once the transaction is durable (another node must never see a change a
 * crash could take back) the change is sent to the subscribers and kept in a bounded buffer of recent events, so a
 * subscriber that reconnects can resume exactly after the last event it saw; otherwise it gets a snapshot of the
 * table at a known sequence number. A stream's epoch (random) changes whenever its numbering restarts (node restart,
 * module replaced or removed), so sequence numbers of different epochs are never confused.
 *
 * <p>{@link #committed} runs under the node's execution lock: it only records the change and queues frames on the
 * subscribers' connections without blocking; a subscriber whose connection queue is full is disconnected.
 */
final class TableStreams implements CommitListener {
    private static final Logger log = LoggerFactory.getLogger(TableStreams.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The node whose table event is being delivered on this thread (set around {@code Node.deliverRemoteEvent}):
     * changes committed meanwhile are that node's echo and are not delivered back to it.
     */
    static final ThreadLocal<String> ORIGIN = new ThreadLocal<>();

    /**
     * {@code admitted}, on a viewed stream: per requester, whether the table's view admits {@code before} (bit 1) and
     * {@code after} (bit 2), decided at commit; null on other streams.
     */
    record Event(
            long seq,
            TableEventKind kind,
            byte[] before,
            byte[] after,
            String origin,
            long lsn,
            java.util.Map<String, Integer> admitted,
            TxTrace.Parent cause) {}

    /**
     * The node's table views (runtime/node/Views), as streams need them: whether a table has one, and whether it
     * admits an encoded row for a requester (called under the execution lock, at commit).
     */
    interface Views {
        Views NONE = new Views() {
            @Override
            public boolean viewed(String module, String table) {
                return false;
            }

            @Override
            public boolean admits(String module, String table, String requester, byte[] row) {
                return true;
            }
        };

        boolean viewed(String module, String table);

        /** The module's other tables the view of {@code module.table} reads (its admissions may change with them). */
        default java.util.Set<String> reads(String module, String table) {
            return java.util.Set.of();
        }

        boolean admits(String module, String table, String requester, byte[] row);
    }

    /** Where a subscription's messages go (a server session). None of these may block. */
    interface Sink {
        /** Queues a reply to a request; false if it could not be sent. */
        boolean reply(Message.Reply r);

        /** Queues a pushed message (Resync). */
        void push(Message m);

        /** Queues an encoded table event; false if the connection's event queue is full. */
        boolean offerEvent(byte[] frame);

        /** This sink cannot keep up: disconnect it (asynchronously). */
        void slowSubscriber(String module, String table);

        /** The peer's node id when events to it carry their transaction's trace (a 1.8 peer), else null. */
        default String tracedPeer() {
            return null;
        }
    }

    /** One subscription: a session's request id on a stream. */
    static final class Subscriber {
        private final Sink session;
        private final long id;
        /** Whom the rows go to, as a view sees them (a node id, "cli"); null: every row (the admin). */
        private final String requester;
        /** On a viewed stream: the subscription's own numbering (an event the view filters out takes no number). */
        long seq;

        Subscriber(Sink session, long id) {
            this(session, id, null);
        }

        Subscriber(Sink session, long id, String requester) {
            this.session = session;
            this.id = id;
            this.requester = requester;
        }

        Sink session() {
            return session;
        }

        long id() {
            return id;
        }

        String requester() {
            return requester;
        }
    }

    /** A snapshot subscriber waiting for the state it read to be durable. */
    private record Pending(Subscriber sub, long seq, long lsn, List<byte[]> rows) {}

    final class Stream {
        final String module;
        final String table;
        final String epoch = newEpoch();
        /** The table has a view: each subscriber with a requester gets only what it admits, numbered on its own. */
        final boolean viewed;
        /** The module's other tables its view reads: a change there resynchronises the filtered subscribers. */
        final java.util.Set<String> viewReads;
        /** Last sequence number given; last one released (durable and sent). */
        long seq;

        long releasedSeq;
        volatile long published; // = seq, readable without the monitor
        final ArrayDeque<Event> unreleased = new ArrayDeque<>();
        final ArrayDeque<Event> recent = new ArrayDeque<>();
        final List<Subscriber> subscribers = new ArrayList<>();
        final List<Pending> pending = new ArrayList<>();
        long callbackLsn;
        boolean removed;

        Stream(String module, String table, boolean viewed, java.util.Set<String> viewReads) {
            this.module = module;
            this.table = table;
            this.viewed = viewed;
            this.viewReads = viewReads;
        }

        /**
         * What the view admits may have changed (a table it reads changed): every filtered subscriber is told to
         * resynchronise, so its next snapshot, diffed against its mirror, brings the rows that entered or left its view.
         */
        synchronized void resyncFiltered() {
            String why = "what the view of " + module + "." + table + " admits changed";
            for (var it = subscribers.iterator(); it.hasNext(); ) {
                Subscriber sub = it.next();
                if (sub.requester() == null) continue;
                it.remove();
                sub.session().push(new Message.Resync(sub.id(), why));
            }
            for (var it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.sub().requester() == null) continue;
                it.remove();
                p.sub()
                        .session()
                        .reply(new Message.Error(p.sub().id(), ErrorKind.UNAVAILABLE, why + "; subscribe again"));
            }
        }

        /**
         * Appends a change of a viewed table, with what the view admits for each requester subscribed or waiting for
         * its snapshot. Under the execution lock (commit) and this monitor, so no subscriber starts in between.
         */
        synchronized void appendViewed(
                TableEventKind kind, byte[] before, byte[] after, String origin, long lsn, TxTrace.Parent cause) {
            var requesters = new java.util.LinkedHashSet<String>();
            for (Subscriber x : subscribers) if (x.requester() != null) requesters.add(x.requester());
            for (Pending p : pending)
                if (p.sub().requester() != null) requesters.add(p.sub().requester());
            var admitted = new java.util.HashMap<String, Integer>();
            for (String r : requesters) {
                int bits = (before != null && views.admits(module, table, r, before) ? 1 : 0)
                        | (after != null && views.admits(module, table, r, after) ? 2 : 0);
                admitted.put(r, bits);
            }
            append(kind, before, after, origin, lsn, admitted, cause);
        }

        synchronized void append(
                TableEventKind kind,
                byte[] before,
                byte[] after,
                String origin,
                long lsn,
                java.util.Map<String, Integer> admitted,
                TxTrace.Parent cause) {
            var e = new Event(++seq, kind, before, after, origin, lsn, admitted, cause);
            published = seq;
            unreleased.addLast(e);
            if (unreleased.size() > maxUnreleased
                    && !subscribers.isEmpty()) { // said once, when there is someone to cut off
                // storage is not keeping up (or failed): stop holding events for live subscribers; they resynchronise
                log.warn(
                        "{}.{}: {} changes wait for durability; disconnecting its subscribers",
                        module,
                        table,
                        unreleased.size());
                for (Subscriber s : subscribers) s.session().slowSubscriber(module, table);
                subscribers.clear();
            }
            whenDurable(lsn);
        }

        /** Releases what is durable now, or arranges to when {@code lsn} is. Holds the monitor. */
        private void whenDurable(long lsn) {
            if (lsn <= durableLsn) {
                release(durableLsn);
                return;
            }
            if (lsn <= callbackLsn) return; // a release covering it is already arranged
            callbackLsn = lsn;
            durability.apply(lsn).whenComplete((ok, failure) -> {
                if (failure != null) {
                    log.error(
                            "{}.{}: the node could not make its changes durable ({}); they are not sent to subscribers",
                            module,
                            table,
                            failure.getMessage());
                    return;
                }
                advanceDurable(lsn);
                release(lsn);
            });
        }

        synchronized void release(long lsn) {
            while (!unreleased.isEmpty() && unreleased.peekFirst().lsn() <= lsn) {
                Event e = unreleased.pollFirst();
                releasedSeq = e.seq();
                recent.addLast(e);
                if (recent.size() > resumeCapacity) recent.pollFirst();
                for (int i = 0; i < subscribers.size(); i++) {
                    Subscriber s = subscribers.get(i);
                    if (!push(this, s, e)) {
                        subscribers.remove(i--);
                        s.session().slowSubscriber(module, table);
                    }
                }
            }
            for (var it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.lsn() > lsn) continue;
                it.remove();
                activate(p.sub(), p.seq(), p.rows());
            }
        }

        /** Sends a snapshot reply, then the released events after it; the subscriber then gets live events. */
        private void activate(Subscriber sub, long snapshotSeq, List<byte[]> rows) {
            if (snapshotSeq < releasedSeq
                    && (recent.isEmpty() || recent.peekFirst().seq() > snapshotSeq + 1)) {
                sub.session()
                        .reply(new Message.Error(
                                sub.id(),
                                ErrorKind.UNAVAILABLE,
                                "table " + module + "." + table
                                        + " changed too much while its snapshot was made durable; subscribe again"));
                return;
            }
            sub.seq = 0; // a filtered subscription's own numbering starts at its snapshot
            long at = filtered(this, sub) ? 0 : snapshotSeq;
            if (!sub.session().reply(new Message.Subscribed(sub.id(), true, epoch, at, rows))) return;
            for (Event e : recent) {
                if (e.seq() <= snapshotSeq) continue;
                if (!push(this, sub, e)) {
                    sub.session().slowSubscriber(module, table);
                    return;
                }
            }
            subscribers.add(sub);
        }
    }

    private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
    private final int resumeCapacity;
    private final int maxUnreleased;
    private final LongFunction<CompletableFuture<Void>> durability;
    /** Highest log position known durable, and highest horizon seen in a commit. */
    private volatile long durableLsn;

    private volatile long lastHorizon;
    private volatile boolean closed;

    private final Views views;

    /** {@code durability}: completes when the transaction at that log position is durable (Node.whenDurable). */
    TableStreams(int resumeCapacity, LongFunction<CompletableFuture<Void>> durability) {
        this(resumeCapacity, durability, Views.NONE);
    }

    TableStreams(int resumeCapacity, LongFunction<CompletableFuture<Void>> durability, Views views) {
        this.resumeCapacity = resumeCapacity;
        this.maxUnreleased = Math.max(resumeCapacity, 1024) * 4;
        this.durability = durability;
        this.views = views;
    }

    private static String key(String module, String table) {
        return module + '\u0000' + table;
    }

    private static String newEpoch() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private synchronized void advanceDurable(long lsn) {
        if (lsn > durableLsn) durableLsn = lsn;
    }

    /** The log position covering every commit seen so far: state read now is durable once it is. */
    long horizon() {
        return lastHorizon;
    }

    @Override
    public void committed(long txId, long horizonLsn, List<RowEvent> events) {
        committed(txId, null, horizonLsn, events);
    }

    @Override
    public void committed(long txId, TxTrace.Parent cause, long horizonLsn, List<RowEvent> events) {
        if (horizonLsn > lastHorizon) lastHorizon = horizonLsn; // under the execution lock: one writer at a time
        if (closed || streams.isEmpty()) return;
        String origin = ORIGIN.get();
        for (RowEvent ev : events) {
            Stream s = streams.get(key(ev.module(), ev.table()));
            if (s == null) continue;
            if (s.viewed != views.viewed(ev.module(), ev.table())) {
                // a new version added or dropped the view, and its first changes commit before moduleChanged is told:
                // none of them may go out numbered and filtered as the old version's
                restart(s, "the view of " + s.module + "." + s.table + " was added or removed");
                continue;
            }
            TableEventKind kind = ev.before() == null
                    ? TableEventKind.INSERT
                    : ev.after() == null ? TableEventKind.DELETE : TableEventKind.UPDATE;
            String from = origin == null ? "" : origin;
            if (s.viewed) s.appendViewed(kind, ev.before(), ev.after(), from, horizonLsn, cause);
            else s.append(kind, ev.before(), ev.after(), from, horizonLsn, null, cause);
        }
        for (Stream s : streams.values()) {
            if (s.viewReads.isEmpty()) continue;
            for (RowEvent ev : events)
                if (ev.module().equals(s.module) && s.viewReads.contains(ev.table())) {
                    s.resyncFiltered();
                    break;
                }
        }
    }

    /** Whether {@code sub} sees {@code s} through its table's view (and its own numbering). */
    private static boolean filtered(Stream s, Subscriber sub) {
        return s.viewed && sub.requester() != null;
    }

    /**
     * Queues {@code e} for {@code sub}; through a view, as the subscriber sees it: a row leaving the view is a delete,
     * one entering it an insert, one it never sees nothing at all.
     */
    private static boolean push(Stream s, Subscriber sub, Event e) {
        if (!filtered(s, sub)) return offer(sub, e.seq(), e.kind(), e.before(), e.after(), e);
        int bits = e.admitted() == null ? 0 : e.admitted().getOrDefault(sub.requester(), 0); // unknown: fail closed
        return switch (bits) {
            case 1 -> offer(sub, ++sub.seq, TableEventKind.DELETE, e.before(), null, e);
            case 2 -> offer(sub, ++sub.seq, TableEventKind.INSERT, null, e.after(), e);
            case 3 -> offer(sub, ++sub.seq, TableEventKind.UPDATE, e.before(), e.after(), e);
            default -> true;
        };
    }

    /** Queues an event as {@code sub} sees it; with its cause's trace for a peer that takes it (1.8). */
    private static boolean offer(Subscriber sub, long seq, TableEventKind kind, byte[] before, byte[] after, Event e) {
        String peer = sub.session().tracedPeer();
        TxTrace.Parent c = e.cause();
        TxTrace.Parent cause = peer == null || c == null
                ? null
                : new TxTrace.Parent(c.traceNode().equals(c.node()) ? "" : c.traceNode(), c.traceTx(), "", c.tx());
        byte[] frame =
                MessageCodec.encode(new Message.TableEvent(sub.id(), seq, kind, before, after, e.origin(), cause));
        return sub.session().offerEvent(frame);
    }

    /** The node ids of the peers subscribed here whose events carry traces ({@link Sink#tracedPeer}). */
    List<String> tracedSubscribers() {
        var out = new java.util.TreeSet<String>();
        for (Stream s : streams.values())
            synchronized (s) {
                for (Subscriber x : s.subscribers)
                    if (x.session().tracedPeer() != null) out.add(x.session().tracedPeer());
            }
        return List.copyOf(out);
    }

    /**
     * Starts a subscription: resumes after {@code afterSeq} if the stream's epoch matches and its buffer still holds
     * every later event, else sends a snapshot taken by {@code rows} (once durable). {@code checkVisible} throws
     * (NOT_FOUND) if the table is not readable by this session. The reply is queued before any event of the
     * subscription.
     */
    void subscribe(
            Subscriber sub,
            String module,
            String table,
            String epoch,
            long afterSeq,
            Runnable checkVisible,
            Supplier<List<byte[]>> rows) {
        checkVisible.run();
        for (int attempt = 0; ; attempt++) {
            if (attempt == 1000)
                throw new NetworkException(
                        ErrorKind.UNAVAILABLE,
                        "table " + module + "." + table + " changes too fast to take a consistent snapshot; try again");
            if (start(sub, module, table, epoch, afterSeq, rows)) return;
            Thread.onSpinWait();
        }
    }

    /** One attempt; false if the stream moved while the snapshot was read (or restarted), so try again. */
    private boolean start(
            Subscriber sub, String module, String table, String epoch, long afterSeq, Supplier<List<byte[]>> rows) {
        boolean viewed = views.viewed(module, table); // asked first: they take the execution lock
        var reads = viewed ? views.reads(module, table) : java.util.Set.<String>of();
        Stream s = streams.computeIfAbsent(key(module, table), k -> new Stream(module, table, viewed, reads));
        synchronized (s) {
            if (s.removed) return false;
            if (!epoch.isEmpty()
                    && !filtered(s, sub) // what a view admitted may have changed since: a snapshot, diffed, is exact
                    && epoch.equals(s.epoch)
                    && afterSeq <= s.releasedSeq
                    && (afterSeq == s.releasedSeq
                            || (!s.recent.isEmpty() && s.recent.peekFirst().seq() <= afterSeq + 1))) {
                if (!sub.session().reply(new Message.Subscribed(sub.id(), false, s.epoch, afterSeq, List.of())))
                    return true;
                for (Event e : s.recent) {
                    if (e.seq() <= afterSeq) continue;
                    if (!push(s, sub, e)) {
                        sub.session().slowSubscriber(module, table);
                        return true;
                    }
                }
                s.subscribers.add(sub);
                return true;
            }
        }
        // Snapshot: the rows must be exactly the table after event `seq`. Reading them takes the execution lock, which
        // commits (and their append here) also hold: if the stream did not move while the rows were read, they match.
        long before = s.published;
        List<byte[]> snapshot = rows.get();
        long lsn = lastHorizon; // read after the rows: covers every commit they reflect
        synchronized (s) {
            if (s.removed || s.seq != before) return false;
            if (lsn <= durableLsn) {
                s.release(durableLsn);
                s.activate(sub, s.seq, snapshot);
            } else {
                s.pending.add(new Pending(sub, s.seq, lsn, snapshot));
                s.whenDurable(lsn);
            }
            return true;
        }
    }

    void unsubscribe(Sink session, long id) {
        for (Stream s : streams.values())
            synchronized (s) {
                s.subscribers.removeIf(x -> x.session() == session && x.id() == id);
                for (var it = s.pending.iterator(); it.hasNext(); ) {
                    Pending p = it.next();
                    if (p.sub().session() != session || p.sub().id() != id) continue;
                    it.remove();
                    session.reply(new Message.Error(
                            id, ErrorKind.UNAVAILABLE, "unsubscribed before the subscription started"));
                }
            }
    }

    void unsubscribeAll(Sink session) {
        for (Stream s : streams.values())
            synchronized (s) {
                s.subscribers.removeIf(x -> x.session() == session);
                s.pending.removeIf(x -> x.sub().session() == session);
            }
    }

    /** Whether {@code session} holds a subscription (live, or waiting for its snapshot to be durable). */
    boolean hasSubscriptions(Sink session) {
        for (Stream s : streams.values())
            synchronized (s) {
                for (Subscriber x : s.subscribers) if (x.session() == session) return true;
                for (Pending p : s.pending) if (p.sub().session() == session) return true;
            }
        return false;
    }

    /** A module was removed or replaced: its streams restart (new epoch); subscribers are told to resynchronise. */
    void moduleChanged(String module) {
        for (Stream s : streams.values())
            if (s.module.equals(module)) restart(s, "module '" + module + "' was replaced or removed");
    }

    /** Ends a stream: its subscribers are told to resynchronise ({@code why}), the next subscription starts a new one. */
    private void restart(Stream s, String why) {
        if (!streams.remove(key(s.module, s.table), s)) return;
        List<Subscriber> subs;
        List<Pending> waiting;
        synchronized (s) {
            s.removed = true;
            subs = List.copyOf(s.subscribers);
            waiting = List.copyOf(s.pending);
            s.subscribers.clear();
            s.pending.clear();
        }
        for (Subscriber sub : subs) sub.session().push(new Message.Resync(sub.id(), why));
        for (Pending p : waiting)
            p.sub().session().reply(new Message.Error(p.sub().id(), ErrorKind.UNAVAILABLE, why + "; subscribe again"));
        log.debug("stream {}.{} restarted ({} subscriber(s) told to resync)", s.module, s.table, subs.size());
    }

    void close() {
        closed = true;
    }
}
