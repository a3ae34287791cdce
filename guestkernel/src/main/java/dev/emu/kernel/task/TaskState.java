package dev.emu.kernel.task;

/** Where a task is in its life (Linux's TASK_RUNNING, TASK_INTERRUPTIBLE, EXIT_ZOMBIE…). */
public enum TaskState {
    /** On the run queue or running. */
    RUNNABLE,
    /** Parked until a deadline or an event. */
    BLOCKED,
    /** Stopped by a job-control signal (TASK_STOPPED) until SIGCONT or SIGKILL. */
    STOPPED,
    /** Exited; waiting to be reaped (thread-group leader) or gone. */
    EXITED
}
