package dev.agentrt.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or SIGTERM) for a long-running service command: the JVM's shutdown hook asks the command to stop and
 * then waits, up to a bound, until the command has closed its services (committed, flushed, left its group),
 * so the JVM does not exit under them. Tests call {@link #requestStop()} instead of sending a signal.
 */
final class GracefulStop {

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final String name;
    private final Duration closeWait;
    private boolean armed;

    GracefulStop(String name, Duration closeWait) {
        this.name = name;
        this.closeWait = closeWait;
    }

    /** Installs the shutdown hook; call once the services are running. */
    synchronized void arm() {
        if (armed) return;
        armed = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.countDown();
            try {
                closed.await(closeWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "agentrt-" + name + "-stop"));
    }

    void requestStop() {
        stopRequested.countDown();
    }

    void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    boolean awaitStopRequest(long timeout, TimeUnit unit) throws InterruptedException {
        return stopRequested.await(timeout, unit);
    }

    /** The services are closed: a waiting shutdown hook may let the JVM exit. */
    void closed() {
        closed.countDown();
    }
}
