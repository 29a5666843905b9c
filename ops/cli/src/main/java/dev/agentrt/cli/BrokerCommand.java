package dev.agentrt.cli;

import dev.agentrt.topics.AgentrtTopics;
import dev.agentrt.broker.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code agentrt broker}: a single-node Kafka broker in this JVM with the agentrt topics, for development and demos.
 *
 * <p>When ready it prints one {@code bootstrap: 127.0.0.1:<port>} line on stdout (scripts can wait for it), then runs
 * until Ctrl-C, which stops the broker cleanly through a JVM shutdown hook.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {
            "Run a single-node Kafka broker (KRaft, inside this JVM, no Docker) on 127.0.0.1 and create the agentrt topics.",
            "Prints 'bootstrap: 127.0.0.1:<port>' when ready and runs until Ctrl-C.",
            "For development only: one replica, no authentication, loopback only."
        })
public final class BrokerCommand implements Callable<Integer> {

    static final Path DEFAULT_DATA_DIRECTORY = Path.of(System.getProperty("user.home"), ".agentrt", "broker");

    /** How long the shutdown hook waits for the broker to stop before letting the JVM exit anyway. */
    private static final long SHUTDOWN_WAIT_SECONDS = 60;
    /** A development broker: a few partitions per topic are plenty on one machine. */
    static final int DEFAULT_PARTITIONS = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory, kept across restarts (default: ~/.agentrt/broker).")
    Path dataDirectory;

    @Option(names = "--ephemeral",
            description = "Use a temporary data directory that is deleted when the broker stops.")
    boolean ephemeral;

    @Option(names = "--partitions", defaultValue = "" + DEFAULT_PARTITIONS, paramLabel = "N",
            description = "Partitions of each agentrt topic created now (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--prefix", defaultValue = AgentrtTopics.DEFAULT_PREFIX, paramLabel = "PREFIX",
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() {
        AgentrtTopics layout = layout();
        EmbeddedKafkaBroker broker = broker();
        PrintWriter out = spec.commandLine().getOut();
        Thread shutdownHook = new Thread(this::stopAndWait, "agentrt-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        boolean ready = false;
        try {
            broker.start();
            Set<String> created = broker.createTopics(layout);
            out.println("bootstrap: " + broker.bootstrapServers());
            out.println(readyMessage(broker, layout, created.size()));
            out.flush();
            ready = true;
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                broker.close();
                if (ready) {
                    out.println("agentrt broker stopped");
                    out.flush();
                }
            } finally {
                stopped.countDown();
                removeHook(shutdownHook);
            }
        }
        return 0;
    }

    /** Asks a running {@link #call()} to stop the broker and return; what Ctrl-C does, for embedding and tests. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Waits until the broker of a stopping {@link #call()} is closed. */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    private void stopAndWait() {
        stop();
        try {
            stopped.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private AgentrtTopics layout() {
        try {
            return AgentrtTopics.of(prefix, partitions);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private EmbeddedKafkaBroker broker() {
        if (ephemeral && dataDirectory != null) {
            throw new ParameterException(spec.commandLine(), "--data and --ephemeral cannot be used together");
        }
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder();
        try {
            builder.port(port);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--port " + e.getMessage(), e);
        }
        if (!ephemeral) {
            builder.dataDirectory(dataDirectory != null ? dataDirectory : DEFAULT_DATA_DIRECTORY);
        }
        return builder.build();
    }

    private static String readyMessage(EmbeddedKafkaBroker broker, AgentrtTopics layout, int created) {
        int total = layout.allNames().size();
        String topics;
        if (created == total) {
            topics = String.format(Locale.ROOT, "created %d topics %s* with %d partitions", total, layout.prefix(), layout.partitions());
        } else if (created == 0) {
            topics = String.format(Locale.ROOT, "the %d topics %s* already existed (kept as they are)", total, layout.prefix());
        } else {
            topics = String.format(Locale.ROOT, "topics %s*: created %d with %d partitions, kept %d that already existed",
                    layout.prefix(), created, layout.partitions(), total - created);
        }
        String data = broker.isDataDirectoryTemporary()
                ? "temporary data in " + broker.dataDirectory() + " (deleted on exit)"
                : "data in " + broker.dataDirectory();
        return String.format(Locale.ROOT, "Kafka broker ready in %.1f s; %s; %s. Press Ctrl-C to stop.",
                broker.startupTime().toMillis() / 1000.0, topics, data);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down (Ctrl-C): the hook is running and must stay.
        }
    }
}
