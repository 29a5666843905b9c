package dev.agentrt.broker;

import dev.agentrt.topics.AgentrtTopics;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one node) running inside this JVM on
 * 127.0.0.1, for development and tests. No ZooKeeper, no Docker.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
 *     broker.start();
 *     broker.createTopics(AgentrtTopics.defaults());
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>The data directory is a temporary folder deleted on {@link #close()} unless one is given; a given folder is
 * formatted on first use and reused as is afterwards, so topics and records survive a restart.
 *
 * <p>Not for production: one replica, no security, everything on loopback.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String READINESS_PROBE_TOPIC = "agentrt-readiness-probe";

    private final int requestedPort;
    private final int requestedControllerPort;
    private final Path requestedDataDirectory;
    private final Map<String, String> extraProperties;
    private final Duration startTimeout;

    // Written under the lock in start()/close(); volatile so the getters can be called from any thread.
    private State state = State.NEW;
    private volatile DataDirectory dataDirectory;
    private KafkaRaftServer server;
    private volatile Admin admin;
    private volatile int port;
    private volatile Duration startupTime;

    private enum State { NEW, RUNNING, CLOSED }

    private EmbeddedKafkaBroker(Builder builder) {
        this.requestedPort = builder.port;
        this.requestedControllerPort = builder.controllerPort;
        this.requestedDataDirectory = builder.dataDirectory;
        this.extraProperties = Map.copyOf(builder.brokerProperties);
        this.startTimeout = builder.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if needed, starts the node and returns once it serves requests: the cluster is
     * described and a (validate-only) topic creation passes through the controller.
     *
     * @throws IllegalStateException if the broker was already started or closed, a port is taken, or the broker is
     *                               not ready within the start timeout
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("broker was already " + (state == State.RUNNING ? "started" : "closed")
                    + "; build a new EmbeddedKafkaBroker to start again");
        }
        long startNanos = System.nanoTime();
        int[] ports = choosePorts();
        port = ports[0];
        dataDirectory = requestedDataDirectory == null
                ? DataDirectory.temporary() : DataDirectory.persistent(requestedDataDirectory);
        state = State.RUNNING; // from here on close() cleans up whatever was started
        try {
            boolean formatted = dataDirectory.formatIfNeeded(SingleNodeKraftConfig.CONTROLLER_LISTENER);
            dataDirectory.claim();
            Map<String, String> props = SingleNodeKraftConfig.properties(
                    ports[0], ports[1], dataDirectory.path(), startTimeout, extraProperties);
            server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            server.startup();
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, "agentrt-embedded-broker-admin"));
            awaitReady(startNanos);
            startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
            log.info("Embedded Kafka broker ready at {} in {} ms ({} data directory {})", bootstrapServers(),
                    startupTime.toMillis(), formatted ? "new" : "reused", dataDirectory.path());
        } catch (RuntimeException e) {
            closeQuietly(e);
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}, the address clients bootstrap from. */
    public String bootstrapServers() {
        requireStarted();
        return SingleNodeKraftConfig.HOST + ":" + port;
    }

    /** The port the broker listens on (the chosen one when the builder asked for 0). */
    public int port() {
        requireStarted();
        return port;
    }

    public Path dataDirectory() {
        requireStarted();
        return dataDirectory.path();
    }

    public boolean isDataDirectoryTemporary() {
        requireStarted();
        return dataDirectory.isTemporary();
    }

    /** Time from {@link #start()} to ready. */
    public Duration startupTime() {
        requireRunning();
        return startupTime;
    }

    public synchronized boolean isRunning() {
        return state == State.RUNNING && startupTime != null;
    }

    /**
     * Creates the topics that do not exist yet and waits until their partitions have a leader.
     *
     * @return the names of the topics created now; existing topics are left unchanged
     */
    public Set<String> createTopics(Collection<NewTopic> topics) {
        requireRunning();
        return TopicCreator.createMissing(admin, topics, startTimeout);
    }

    public Set<String> createTopics(NewTopic... topics) {
        return createTopics(Arrays.asList(topics));
    }

    /** Creates the agentrt topics that do not exist yet. */
    public Set<String> createTopics(AgentrtTopics topics) {
        return createTopics(topics.newTopics());
    }

    /**
     * Stops the broker ({@code shutdown} then {@code awaitShutdown}) and deletes a temporary data directory.
     * Calling it again, or on a broker that never started, is harmless.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        State previous = state;
        state = State.CLOSED;
        if (previous == State.NEW) {
            return;
        }
        RuntimeException failure = null;
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
                log.info("Embedded Kafka broker on port {} stopped", port);
            } catch (RuntimeException e) {
                failure = addTo(failure, e);
            }
        }
        if (dataDirectory != null) {
            try {
                dataDirectory.release();
            } catch (RuntimeException e) {
                failure = addTo(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private int[] choosePorts() {
        int[] free = Ports.freePorts(2);
        int brokerPort = requestedPort;
        int controllerPort = requestedControllerPort;
        if (brokerPort == 0) {
            brokerPort = free[0];
        } else {
            Ports.requireBindable(brokerPort);
        }
        if (controllerPort == 0) {
            controllerPort = free[1] != brokerPort ? free[1] : free[0];
        } else {
            Ports.requireBindable(controllerPort);
        }
        if (brokerPort == controllerPort) {
            throw new IllegalArgumentException("broker and controller ports must differ, both are " + brokerPort);
        }
        return new int[] {brokerPort, controllerPort};
    }

    /**
     * {@code KafkaRaftServer.startup()} already waits for metadata catch-up and unfencing; this probe checks the
     * client path end to end: the broker answers, and the controller accepts a (validate-only) topic creation.
     */
    private void awaitReady(long startNanos) {
        long deadline = startNanos + startTimeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                DescribeClusterResult cluster = admin.describeCluster();
                Collection<Node> nodes = cluster.nodes().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                if (!nodes.isEmpty()) {
                    admin.createTopics(List.of(new NewTopic(READINESS_PROBE_TOPIC, 1, (short) 1)),
                                    new CreateTopicsOptions().validateOnly(true))
                            .all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Kafka broker to become ready", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Kafka broker to become ready", e);
            }
        }
        throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " was not ready within " + startTimeout
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private void closeQuietly(RuntimeException cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void requireStarted() {
        if (port == 0) {
            throw new IllegalStateException("broker has not been started");
        }
    }

    private synchronized void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException("broker is not running (state " + state + ")");
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Configures an {@link EmbeddedKafkaBroker}; every setting has a sensible default. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path dataDirectory;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Client listener port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            Ports.requireValid(port, "port");
            this.port = port;
            return this;
        }

        /** KRaft controller listener port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            Ports.requireValid(controllerPort, "controller port");
            this.controllerPort = controllerPort;
            return this;
        }

        /**
         * Keeps data in {@code directory}: formatted on first start, reused on later ones, never deleted. Without it
         * the broker uses a temporary folder deleted on close.
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Sets or overrides a Kafka server property (listeners, node id and storage paths are fixed). */
        public Builder brokerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (SingleNodeKraftConfig.MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("broker property '" + key
                        + "' is set by EmbeddedKafkaBroker itself and cannot be overridden");
            }
            brokerProperties.put(key, value);
            return this;
        }

        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** Upper bound for {@link EmbeddedKafkaBroker#start()} and for topic creation; default 60 s. */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("start timeout must be positive, got " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
