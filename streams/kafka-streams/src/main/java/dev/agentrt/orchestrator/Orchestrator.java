package dev.agentrt.orchestrator;

import dev.agentrt.topics.AgentrtTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running orchestrator: one {@link KafkaStreams} instance of {@link OrchestratorTopology}. */
public final class Orchestrator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    public Orchestrator(AgentrtTopics topics, OrchestratorSettings settings, Properties streamsProperties, Clock clock) {
        this.streams = new KafkaStreams(OrchestratorTopology.build(topics, settings, clock), streamsProperties);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("orchestrator stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            log.info("orchestrator {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) running.countDown();
        });
    }

    public Orchestrator start() {
        streams.start();
        return this;
    }

    /** Waits until the instance has its partitions and processes. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Stops processing, commits, and leaves the group so another instance takes the partitions at once
     * (without it, they wait for the session timeout).
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    }
}
