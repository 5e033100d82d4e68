package dev.interstice.runtime.node;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.JobSupervisor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each module's {@link SupervisionPolicy} to the transactions the node runs on its own (subscribers,
 * schedules). Told of outcomes under the execution lock, it only counts and decides there; retries, notifications
 * and unloads run on its own thread, so a failing handler never makes the node spin and never re-enters the lock.
 */
public final class Supervisor implements JobSupervisor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /** The {@code why} of a supervising module's notification: its own failures are logged, never supervised. */
    static final String NOTIFICATION = "supervision";

    private static final String RETRY = "retry of ";

    /** Where a handler stands. */
    public enum State {
        OK,
        RETRYING,
        GAVE_UP,
        DISABLED,
        UNLOADED,
        NOTIFIED
    }

    /** One handler's record, as {@code node show} prints it. */
    public record HandlerStatus(
            String module, String reducer, int failures, State state, String lastError, SupervisionPolicy policy) {}

    private static final class Handler {
        int failures;
        State state = State.OK;
        String lastError = "";
    }

    private final Executor executor;
    private final Consumer<String> unload;
    private final Map<String, SupervisionPolicy> policies = new ConcurrentHashMap<>();
    private volatile SupervisionPolicy defaultPolicy = SupervisionPolicy.DEFAULT;
    private final Map<String, Map<String, Handler>> handlers = new HashMap<>(); // guarded by this
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("interstice-supervisor").daemon(true).unstarted(r));

    Supervisor(Executor executor, Consumer<String> unload) {
        this.executor = executor;
        this.unload = unload;
    }

    /** The policy of {@code module} (null: back to the default). */
    public void setPolicy(String module, SupervisionPolicy p) {
        if (p == null) policies.remove(module);
        else policies.put(module, p);
    }

    /** The policy of every module without its own. */
    public void setDefaultPolicy(SupervisionPolicy p) {
        defaultPolicy = p;
    }

    public SupervisionPolicy policy(String module) {
        return policies.getOrDefault(module, defaultPolicy);
    }

    /** Modules with a policy of their own. */
    public Map<String, SupervisionPolicy> policies() {
        return Map.copyOf(policies);
    }

    /** Every handler that has failed since its module was last published, by module then reducer. */
    public synchronized List<HandlerStatus> status() {
        var out = new ArrayList<HandlerStatus>();
        handlers.forEach((module, byReducer) -> byReducer.forEach((reducer, h) ->
                out.add(new HandlerStatus(module, reducer, h.failures, h.state, h.lastError, policy(module)))));
        out.sort(Comparator.comparing(HandlerStatus::module).thenComparing(HandlerStatus::reducer));
        return out;
    }

    /** A module was published, replaced or removed: its handlers start afresh. */
    synchronized void reset(String module) {
        handlers.remove(module);
    }

    @Override
    public synchronized boolean admit(Executor.Job job) {
        Handler h = handler(job, false);
        return h == null || h.state != State.DISABLED;
    }

    @Override
    public synchronized void succeeded(Executor.Job job) {
        Handler h = handler(job, false);
        if (h == null || h.state == State.DISABLED || h.state == State.UNLOADED) return;
        h.failures = 0;
        h.state = State.OK;
    }

    @Override
    public synchronized void failed(Executor.Job job, CallException e) {
        if (job.why().equals(NOTIFICATION)) {
            log.warn(
                    "supervising reducer {}.{} failed (not supervised itself): {}",
                    job.module(),
                    job.reducer(),
                    e.getMessage());
            return;
        }
        Handler h = handler(job, true);
        h.failures++;
        h.lastError = e.getMessage() == null ? e.kind().name() : e.getMessage();
        SupervisionPolicy p = policy(job.module());
        String name = job.module() + "." + job.reducer();
        switch (p.action()) {
            case RETRY -> {
                if (h.state == State.GAVE_UP) return; // nothing more until it succeeds once
                if (h.failures < p.maxFailures()) {
                    h.state = State.RETRYING;
                    long ms = p.backoffBefore(h.failures).toMillis();
                    later(ms, () -> executor.runJob(retry(job)));
                } else {
                    h.state = State.GAVE_UP;
                    log.error(
                            "{} ({}) failed {} times in a row: not retried again until it succeeds (policy {})",
                            name,
                            original(job.why()),
                            h.failures,
                            p);
                }
            }
            case DISABLE -> {
                if (h.failures >= p.maxFailures() && h.state != State.DISABLED) {
                    h.state = State.DISABLED;
                    log.error(
                            "{} failed {} times in a row: disabled until module '{}' is published again (policy {})",
                            name,
                            h.failures,
                            job.module(),
                            p);
                }
            }
            case UNLOAD -> {
                if (h.failures >= p.maxFailures() && h.state != State.UNLOADED) {
                    h.state = State.UNLOADED;
                    log.error(
                            "{} failed {} times in a row: unloading module '{}', its data kept (policy {})",
                            name,
                            h.failures,
                            job.module(),
                            p);
                    later(0, () -> unload.accept(job.module()));
                }
            }
            case NOTIFY -> {
                if (h.failures % p.maxFailures() == 0) {
                    h.state = State.NOTIFIED;
                    var args = List.<IntersticeValue>of(
                            IntersticeValue.str(job.module()),
                            IntersticeValue.str(job.reducer()),
                            IntersticeValue.str(h.lastError),
                            IntersticeValue.u32(h.failures));
                    var note = new Executor.Job(p.notifyModule(), p.notifyReducer(), args, job.caller(), NOTIFICATION);
                    later(0, () -> executor.runJob(note));
                }
            }
        }
    }

    private Handler handler(Executor.Job job, boolean create) {
        var byReducer =
                create ? handlers.computeIfAbsent(job.module(), m -> new HashMap<>()) : handlers.get(job.module());
        if (byReducer == null) return null;
        return create ? byReducer.computeIfAbsent(job.reducer(), r -> new Handler()) : byReducer.get(job.reducer());
    }

    /** The same run again, not bound to a persisted schedule (a retry pending at a crash is lost: said in docs). */
    private static Executor.Job retry(Executor.Job job) {
        return new Executor.Job(
                job.module(), job.reducer(), job.args(), job.caller(), RETRY + original(job.why()), 0, job.cause());
    }

    private static String original(String why) {
        return why.startsWith(RETRY) ? why.substring(RETRY.length()) : why;
    }

    private void later(long ms, Runnable r) {
        try {
            thread.schedule(
                    () -> {
                        try {
                            r.run();
                        } catch (RuntimeException e) {
                            log.debug(
                                    "supervision action not taken: {}",
                                    e.toString()); // the node closing, a module gone
                        }
                    },
                    ms,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the node is closing
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
