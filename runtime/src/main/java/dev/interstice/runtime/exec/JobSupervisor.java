package dev.interstice.runtime.exec;

/**
 * Watches the transactions the node runs on its own (subscribers of table and lifecycle events, schedules): told of
 * each outcome, it may keep a handler from running again ({@link #admit}). Called under the execution lock: an
 * implementation must not block and must act on the node (retries, unloads) from another thread.
 */
public interface JobSupervisor {
    /** Whether {@code job} may run (false: its handler was disabled; the job is dropped). */
    boolean admit(Executor.Job job);

    void succeeded(Executor.Job job);

    void failed(Executor.Job job, CallException e);

    JobSupervisor NONE = new JobSupervisor() {
        @Override
        public boolean admit(Executor.Job job) {
            return true;
        }

        @Override
        public void succeeded(Executor.Job job) {}

        @Override
        public void failed(Executor.Job job, CallException e) {}
    };
}
